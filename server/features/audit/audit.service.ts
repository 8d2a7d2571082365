/**
 * The audit trail: `recordAudit` is called by every admin action that changes data (surveys,
 * users, API tokens, hidden suggestions, imports); `listAudit` reads it newest first.
 */
import mongoose, { Types } from 'mongoose';
import { AuditLog } from '../../../models/audit-log';
import { Survey } from '../../../models/survey';
import { Unit } from '../../../models/unit';
import { User } from '../../../models/user';
import { Response } from '../../../models/response';
import { UNIT_TIME_ZONE_OFFSETS, type UnitTimeZone } from '../../i18n/format';

export interface AuditActor {
  id: string | Types.ObjectId;
  email?: string;
  name?: string;
}

export interface AuditEntry {
  /** The acting user; null for the system (e.g. the first-admin bootstrap). */
  actor: AuditActor | null;
  /** Dotted action name, e.g. "survey.update". */
  action: string;
  target: { kind: string; id: string | Types.ObjectId; label?: string };
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Plain JSON-like copy (ObjectIds → strings, Dates kept), so Mixed fields store cleanly. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (v instanceof Types.ObjectId) return String(v);
  if (v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') {
    const src = typeof (v as { toObject?: unknown }).toObject === 'function' ? (v as { toObject: () => object }).toObject() : v;
    return Object.fromEntries(
      Object.entries(src)
        .filter(([k]) => !k.startsWith('$'))
        .map(([k, x]) => [k, plain(x)]),
    );
  }
  return v;
}

export async function recordAudit(entry: AuditEntry): Promise<void> {
  await AuditLog.create({
    at: new Date(),
    actorId: entry.actor ? new Types.ObjectId(String(entry.actor.id)) : null,
    actorEmail: entry.actor?.email ?? '',
    actorName: entry.actor?.name ?? '',
    action: entry.action,
    target: { kind: entry.target.kind, id: String(entry.target.id), label: entry.target.label ?? '' },
    before: entry.before ? plain(entry.before) : null,
    after: entry.after ? plain(entry.after) : null,
  });
}

/**
 * The fields of `after` whose value differs from `before`, as two objects holding only those
 * fields: what an audit entry shows. Compared by their JSON form.
 */
export function changedFields(before: object, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  const old = new Map(Object.entries(before));
  for (const key of Object.keys(after)) {
    const x = plain(old.get(key));
    const y = plain(after[key]);
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[key] = x;
      a[key] = y;
    }
  }
  return Object.keys(a).length === 0 ? null : { before: b, after: a };
}

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  action?: string;
  actorEmail?: string;
  /** First and last day included (calendar dates, YYYY-MM-DD, in the default time zone). */
  from?: string;
  to?: string;
}

export async function listAudit(page: number, f: AuditFilter = {}, timeZone: UnitTimeZone = 'Asia/Jakarta') {
  const offset = UNIT_TIME_ZONE_OFFSETS[timeZone];
  const filter: Record<string, unknown> = {};
  if (f.action) filter.action = f.action;
  if (f.actorEmail) filter.actorEmail = f.actorEmail.toLowerCase();
  const at: Record<string, Date> = {};
  if (f.from) at.$gte = new Date(`${f.from}T00:00:00${offset}`);
  if (f.to) at.$lt = new Date(new Date(`${f.to}T00:00:00${offset}`).getTime() + 24 * 3600 * 1000);
  // Our own range operators, built from validated dates: trusted under sanitizeFilter.
  if (Object.keys(at).length > 0) filter.at = mongoose.trusted(at);
  const total = await AuditLog.countDocuments(filter);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const current = Math.min(Math.max(1, page), pages);
  const entries = await AuditLog.find(filter)
    .sort({ at: -1, _id: -1 })
    .skip((current - 1) * AUDIT_PAGE_SIZE)
    .limit(AUDIT_PAGE_SIZE)
    .lean();
  return { entries, total, page: current, pages };
}

/** Where the unit of an entry's target is found, by target kind (each holds `unitId`). */
const UNIT_OF = { survey: Survey.collection, user: User.collection, response: Response.collection };

/**
 * The time zone of each entry: that of the unit its target belongs to (a unit itself, a survey's,
 * a user's, a hidden suggestion's survey unit), else `fallback` (the configured default). One
 * lookup by _id per target kind and one for the units: at most four reads for a page of 50.
 */
export async function entryTimeZones(list: readonly { target?: { kind: string; id: string } | null }[], fallback: string): Promise<string[]> {
  const entries = list.map((e) => ({ target: e.target ?? { kind: '', id: '' } }));
  const unitOf = new Map<string, string>();
  for (const [kind, collection] of Object.entries(UNIT_OF)) {
    const ids = [...new Set(entries.filter((e) => e.target.kind === kind && Types.ObjectId.isValid(e.target.id)).map((e) => e.target.id))];
    if (ids.length === 0) continue;
    const docs = await collection
      .find<{ _id: Types.ObjectId; unitId?: Types.ObjectId | null }>({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }, { projection: { unitId: 1 } })
      .toArray();
    for (const d of docs) if (d.unitId) unitOf.set(`${kind}:${String(d._id)}`, String(d.unitId));
  }
  for (const e of entries) if (e.target.kind === 'unit' && Types.ObjectId.isValid(e.target.id)) unitOf.set(`unit:${e.target.id}`, e.target.id);
  const unitIds = [...new Set(unitOf.values())];
  const units = unitIds.length
    ? await Unit.collection
        .find<{ _id: Types.ObjectId; timeZone?: string }>({ _id: { $in: unitIds.map((id) => new Types.ObjectId(id)) } }, { projection: { timeZone: 1 } })
        .toArray()
    : [];
  const zoneOf = new Map(units.map((u) => [String(u._id), typeof u.timeZone === 'string' ? u.timeZone : fallback]));
  return entries.map((e) => {
    const unit = unitOf.get(`${e.target.kind}:${e.target.id}`);
    return (unit && zoneOf.get(unit)) || fallback;
  });
}
