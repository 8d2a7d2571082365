/**
 * API tokens: created by admins, shown once, stored as a SHA-256 hash, revocable.
 * A token is "skm_" followed by 32 random bytes (base64url): guessing one is hopeless, so a
 * fast hash is enough (no need for a slow password hash).
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { ApiToken } from '../../../models/api-token';
import { Invalid, NotFound } from '../../errors';
import { Unit } from '../../../models/unit';
import type { Actor } from '../../access';
import { recordAudit } from '../audit';

const TOKEN_PREFIX = 'skm_';

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function listTokens() {
  return ApiToken.find({}, { hash: 0 }).populate<{ unitId: { name: string } | null }>('unitId', { name: 1 }).sort({ createdAt: -1 }).lean();
}

/** Returns the token itself: the only time it is ever available. */
export async function createToken(actor: Actor, { name, unitId }: { name: string; unitId: string }): Promise<{ name: string; token: string }> {
  const unit = await Unit.findById(unitId, { _id: 1, name: 1 }).lean();
  if (!unit) throw new Invalid({ unitId: 'tokens.unitRequired' });
  const token = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
  const doc = await ApiToken.create({ name, hash: hashToken(token), prefix: token.slice(0, 10), createdBy: new Types.ObjectId(actor.id), unitId: unit._id });
  await recordAudit({
    actor,
    action: 'token.create',
    target: { kind: 'apiToken', id: doc._id, label: name },
    after: { name, prefix: doc.prefix, unit: unit.name },
  });
  return { name, token };
}

export async function revokeToken(actor: Actor, id: string): Promise<void> {
  const doc = Types.ObjectId.isValid(id) ? await ApiToken.findOneAndUpdate({ _id: id, revokedAt: null }, { $set: { revokedAt: new Date() } }).lean() : null;
  if (!doc) throw new NotFound();
  await recordAudit({
    actor,
    action: 'token.revoke',
    target: { kind: 'apiToken', id: doc._id, label: doc.name },
    before: { revokedAt: null },
    after: { revokedAt: new Date() },
  });
}

/** The live token matching a presented bearer token, or null. Notes when it was last used. */
export async function findLiveToken(token: string): Promise<{ id: string; name: string; unitId: Types.ObjectId | null } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const doc = await ApiToken.findOneAndUpdate({ hash: hashToken(token), revokedAt: null }, { $set: { lastUsedAt: new Date() } }).lean();
  return doc ? { id: String(doc._id), name: doc.name, unitId: doc.unitId ?? null } : null;
}
