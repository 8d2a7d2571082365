/**
 * The two hidden fields that make a submission safe to repeat and hard to automate:
 *  - `_key`, the idempotency key: random, stored with the response under a unique index, so a
 *    double click, a refresh or a retry stores at most one response;
 *  - `_t`, the start token: when the form was served, signed with the server secret, so the
 *    minimum fill time cannot be forged by the client.
 */
import crypto from 'node:crypto';

export const KEY_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export function newIdempotencyKey(): string {
  return crypto.randomBytes(16).toString('base64url');
}

function signature(secret: string, slug: string, key: string, issuedAt: number): string {
  return crypto.createHmac('sha256', secret).update(`form-start|${slug}|${key}|${issuedAt}`).digest('base64url').slice(0, 32);
}

export function signStartToken(secret: string, slug: string, key: string, issuedAt: number = Date.now()): string {
  return `${issuedAt}.${signature(secret, slug, key, issuedAt)}`;
}

/** The time the form was served, or undefined when the token is missing, malformed or not ours. */
export function verifyStartToken(secret: string, slug: string, key: string, token: string | undefined): number | undefined {
  const m = /^(\d{12,14})\.([A-Za-z0-9_-]{32})$/.exec(token ?? '');
  if (!m) return undefined;
  const issuedAt = Number(m[1]);
  const expected = Buffer.from(signature(secret, slug, key, issuedAt));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? issuedAt : undefined;
}

/** A keyed hash for values we must recognise but never store (client address, device cookie). */
export function keyedHash(secret: string, purpose: string, value: string): string {
  return crypto.createHmac('sha256', secret).update(`${purpose}|${value}`).digest('base64url').slice(0, 32);
}
