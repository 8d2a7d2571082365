/**
 * Organisation units, admins only: users and surveys belong to a unit, so a fresh installation
 * needs a way to create them. A unit's path (ancestors and itself) is set once, at creation;
 * units are renamed but not moved (moving would rewrite every survey's unit path).
 */
import { Types } from 'mongoose';
import { Unit } from '../../../models/unit';
import { Invalid, NotFound, isDuplicateKey } from '../../errors';
import type { Actor } from '../../access';
import { changedFields, recordAudit } from '../audit';
import type { CreateUnitInput, RenameUnitInput } from './users.schema';

/** Every unit in tree order (parents before children), with its depth. */
export async function listUnits() {
  const units = await Unit.find({}, { name: 1, slug: 1, path: 1, parentId: 1, timeZone: 1 }).lean();
  const byId = new Map(units.map((u) => [String(u._id), u]));
  const key = (u: (typeof units)[number]) => u.path.map((id) => byId.get(String(id))?.name ?? '').join(' / ');
  return units.map((u) => ({ ...u, depth: Math.max(0, u.path.length - 1), sortKey: key(u) })).sort((a, b) => a.sortKey.localeCompare(b.sortKey, 'id'));
}

/** Creates a unit; without a time zone it gets `defaultTimeZone` (the DEFAULT_TIME_ZONE setting). */
export async function createUnit(actor: Actor, input: CreateUnitInput, defaultTimeZone = 'Asia/Jakarta'): Promise<void> {
  const parent = input.parentId ? await Unit.findById(input.parentId, { path: 1 }).lean() : null;
  if (input.parentId && !parent) throw new Invalid({ parentId: 'units.err.parent' });
  const unit = new Unit({ name: input.name, slug: input.slug, parentId: parent?._id ?? null, timeZone: input.timeZone ?? defaultTimeZone });
  unit.path = [...(parent?.path ?? []), unit._id];
  try {
    await unit.save();
  } catch (e) {
    if (isDuplicateKey(e)) throw new Invalid({ slug: 'units.err.slugTaken' });
    throw e;
  }
  await recordAudit({
    actor,
    action: 'unit.create',
    target: { kind: 'unit', id: unit._id, label: unit.name },
    after: { name: unit.name, slug: unit.slug, parentId: unit.parentId, timeZone: unit.timeZone },
  });
}

/** Renames a unit and/or changes its time zone (audited: unit.rename for a name only, else unit.update). */
export async function renameUnit(actor: Actor, id: string, { name, timeZone }: RenameUnitInput): Promise<void> {
  const unit = Types.ObjectId.isValid(id) ? await Unit.findById(id).lean() : null;
  if (!unit) throw new NotFound();
  const change = timeZone ? { name, timeZone } : { name };
  const diff = changedFields(unit, change);
  if (!diff) return;
  await Unit.updateOne({ _id: unit._id }, { $set: change });
  const action = 'timeZone' in diff.after ? 'unit.update' : 'unit.rename';
  await recordAudit({ actor, action, target: { kind: 'unit', id: unit._id, label: name }, ...diff });
}
