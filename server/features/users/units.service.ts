/**
 * Organisation units, admins only: users and surveys belong to a unit, so a fresh installation
 * needs a way to create them. A unit's path (ancestors and itself) is set once, at creation;
 * units are renamed but not moved (moving would rewrite every survey's unit path).
 */
import { Types } from 'mongoose';
import { Unit } from '../../../models/unit';
import { Invalid, NotFound, isDuplicateKey } from '../../errors';
import type { Actor } from '../../access';
import { changedFields, recordAudit } from '../audit/audit.service';
import type { CreateUnitInput, RenameUnitInput } from './users.schema';

/** Every unit in tree order (parents before children), with its depth. */
export async function listUnits() {
  const units = await Unit.find({}, { name: 1, slug: 1, path: 1, parentId: 1 }).lean();
  const byId = new Map(units.map((u) => [String(u._id), u]));
  const key = (u: (typeof units)[number]) => u.path.map((id) => byId.get(String(id))?.name ?? '').join(' / ');
  return units.map((u) => ({ ...u, depth: Math.max(0, u.path.length - 1), sortKey: key(u) })).sort((a, b) => a.sortKey.localeCompare(b.sortKey, 'id'));
}

export async function createUnit(actor: Actor, input: CreateUnitInput): Promise<void> {
  const parent = input.parentId ? await Unit.findById(input.parentId, { path: 1 }).lean() : null;
  if (input.parentId && !parent) throw new Invalid({ parentId: 'units.err.parent' });
  const unit = new Unit({ name: input.name, slug: input.slug, parentId: parent?._id ?? null });
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
    after: { name: unit.name, slug: unit.slug, parentId: unit.parentId },
  });
}

export async function renameUnit(actor: Actor, id: string, { name }: RenameUnitInput): Promise<void> {
  const unit = Types.ObjectId.isValid(id) ? await Unit.findById(id).lean() : null;
  if (!unit) throw new NotFound();
  const diff = changedFields(unit, { name });
  if (!diff) return;
  await Unit.updateOne({ _id: unit._id }, { $set: { name } });
  await recordAudit({ actor, action: 'unit.rename', target: { kind: 'unit', id: unit._id, label: name }, ...diff });
}
