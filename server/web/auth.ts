/**
 * Who is asking, and may they? `loadUser` puts the logged-in user on req.user (and
 * res.locals.user); `requireUser` and `requireRole` guard routes; `unitFilter` and
 * `canManageUnit` express the unit scope of each role:
 *   admin        everything
 *   unit-manager own unit and its sub-units (read and write)
 *   viewer       own unit and its sub-units, read-only
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import mongoose, { type Types } from 'mongoose';
import { User, type Role } from '../../models/user';
import { Forbidden, Unauthorized } from '../errors';
import { wantsJson } from './errors';

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  unitId: Types.ObjectId | null;
  mustChangePassword: boolean;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
  }
}

export const loadUser: RequestHandler = async (req, res, next) => {
  try {
    const id = req.session?.userId;
    if (id) {
      const u = await User.findById(id, { email: 1, name: 1, role: 1, unitId: 1, sessionVersion: 1, disabled: 1, mustChangePassword: 1 }).lean();
      if (u && !u.disabled && u.sessionVersion === req.session.version) {
        req.user = { id: String(u._id), email: u.email, name: u.name, role: u.role, unitId: u.unitId ?? null, mustChangePassword: u.mustChangePassword };
        res.locals.user = req.user;
      } else {
        delete req.session.userId;
        delete req.session.version;
      }
    }
    next();
  } catch (e) {
    next(e);
  }
};

export const LOGIN_PATH = '/admin/login';

/** Logged in, or: HTML → redirect to the login page (coming back afterwards); API → 401. */
export const requireUser: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  if (req.user) {
    next();
    return;
  }
  if (wantsJson(req) || req.method !== 'GET') {
    next(new Unauthorized());
    return;
  }
  res.redirect(303, `${LOGIN_PATH}?next=${encodeURIComponent(req.originalUrl)}`);
};

/** Logged in with one of `roles`; otherwise 403 (or the login redirect when not logged in). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      requireUser(req, res, next);
      return;
    }
    if (!roles.includes(req.user.role)) {
      next(new Forbidden());
      return;
    }
    next();
  };
}

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
