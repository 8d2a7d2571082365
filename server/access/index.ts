/**
 * Who may see and manage which unit: the access rules of the domain, used by services and
 * routes alike. No Express here (the web layer's guards are in server/web/auth.ts).
 *   admin        everything
 *   unit-manager own unit and its sub-units (read and write)
 *   viewer       own unit and its sub-units, read-only
 */
import mongoose, { type Types } from 'mongoose';
import type { Role } from '../../models/user';

/** The logged-in user as the rest of the app sees them (put on req.user by the web layer). */
export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  unitId: Types.ObjectId | null;
  mustChangePassword: boolean;
}

/** Who did something, as the audit trail records it. */
export type Actor = Pick<CurrentUser, 'id' | 'email' | 'name'>;

/**
 * A filter on a document's unit path (Unit.path / Survey.unitPath) limiting it to what the
 * user may read: {} for admins, { [field]: user.unitId } for the others.
 */
export function unitFilter(user: CurrentUser, field = 'unitPath'): Record<string, unknown> {
  if (user.role === 'admin') return {};
  // sanitizeFilter is on globally: an operator written by us (not from the request) is trusted.
  if (!user.unitId) return { _id: mongoose.trusted({ $in: [] }) };
  return { [field]: user.unitId };
}

/** May the user read data of a unit whose path (ancestors and itself) is `unitPath`? */
export function canReadUnit(user: CurrentUser, unitPath: readonly Types.ObjectId[]): boolean {
  if (user.role === 'admin') return true;
  return user.unitId !== null && unitPath.some((id) => id.equals(user.unitId!));
}

/** May the user change surveys of that unit? Admins anywhere; unit managers in their subtree. */
export function canManageUnit(user: CurrentUser, unitPath: readonly Types.ObjectId[]): boolean {
  if (user.role === 'admin') return true;
  return user.role === 'unit-manager' && canReadUnit(user, unitPath);
}
