/**
 * Who is asking: `loadUser` puts the logged-in user on req.user (and res.locals.user);
 * `requireUser` and `requireRole` guard routes. The unit scope of each role (who may see and
 * manage which unit) is a domain rule: server/access.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { User, type Role } from '../../models/user';
import type { CurrentUser } from '../access';
import { Forbidden, Unauthorized } from '../errors';
import { wantsJson } from './errors';

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
