/**
 * User management (admins only): create accounts with a role and a unit, change them, disable
 * them, reset a password. New accounts and resets get a one-time password, shown once to the
 * admin; the user chooses their own at first login. Every change is audited.
 */
import { Types } from 'mongoose';
import { User } from '../../../models/user';
import { Unit } from '../../../models/unit';
import { Invalid, NotFound, isDuplicateKey } from '../../errors';
import type { Actor } from '../../access';
import { changedFields, recordAudit } from '../audit';
import { hashPassword, oneTimePassword } from '../auth';
import type { CreateUserInput, UpdateUserInput } from './users.schema';

async function checkUnit(unitId: string | null): Promise<Types.ObjectId | null> {
  if (!unitId) return null;
  if (!(await Unit.exists({ _id: unitId }))) throw new Invalid({ unitId: 'users.unitRequired' });
  return new Types.ObjectId(unitId);
}

export async function listUsers() {
  const [users, units] = await Promise.all([User.find({}, { passwordHash: 0 }).sort({ email: 1 }).lean(), Unit.find({}, { name: 1 }).lean()]);
  const unitName = new Map(units.map((u) => [String(u._id), u.name]));
  return users.map((u) => ({ ...u, unitName: u.unitId ? (unitName.get(String(u.unitId)) ?? '') : '' }));
}

export async function getUser(id: string) {
  const u = Types.ObjectId.isValid(id) ? await User.findById(id, { passwordHash: 0 }).lean() : null;
  if (!u) throw new NotFound();
  return u;
}

/** Returns the new user's id and one-time password (shown once). */
export async function createUser(actor: Actor, input: CreateUserInput): Promise<{ id: string; email: string; password: string }> {
  const unitId = await checkUnit(input.unitId);
  const password = oneTimePassword();
  try {
    const u = await User.create({
      email: input.email,
      name: input.name,
      role: input.role,
      unitId,
      passwordHash: await hashPassword(password),
      mustChangePassword: true,
    });
    await recordAudit({
      actor,
      action: 'user.create',
      target: { kind: 'user', id: u._id, label: u.email },
      after: { email: u.email, name: u.name, role: u.role, unitId },
    });
    return { id: String(u._id), email: u.email, password };
  } catch (e) {
    if (isDuplicateKey(e)) throw new Invalid({ email: 'users.emailTaken' });
    throw e;
  }
}

export async function updateUser(actor: Actor, id: string, input: UpdateUserInput): Promise<void> {
  const before = await getUser(id);
  // An admin cannot lock themselves out: their own role and status stay.
  if (String(before._id) === actor.id && (input.role !== 'admin' || input.disabled)) throw new Invalid({ role: 'users.notYourself' });
  const unitId = await checkUnit(input.unitId);
  const next = { name: input.name, role: input.role, unitId, disabled: input.disabled };
  const diff = changedFields(before, next);
  if (!diff) return;
  // Disabling or changing the role ends the user's sessions.
  const endSessions = 'role' in diff.after || 'disabled' in diff.after || 'unitId' in diff.after;
  await User.updateOne({ _id: before._id }, { $set: next, ...(endSessions ? { $inc: { sessionVersion: 1 } } : {}) });
  await recordAudit({
    actor,
    action: input.disabled && !before.disabled ? 'user.disable' : 'user.update',
    target: { kind: 'user', id: before._id, label: before.email },
    ...diff,
  });
}

export async function resetPassword(actor: Actor, id: string): Promise<{ email: string; password: string }> {
  const u = await getUser(id);
  const password = oneTimePassword();
  await User.updateOne({ _id: u._id }, { $set: { passwordHash: await hashPassword(password), mustChangePassword: true }, $inc: { sessionVersion: 1 } });
  await recordAudit({ actor, action: 'user.resetPassword', target: { kind: 'user', id: u._id, label: u.email } });
  return { email: u.email, password };
}

export async function unitChoices() {
  return Unit.find({}, { name: 1, path: 1 }).sort({ name: 1 }).lean();
}
