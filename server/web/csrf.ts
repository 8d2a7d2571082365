/**
 * CSRF protection for session-authenticated pages: a synchronizer token kept in the session,
 * rendered into every form as `_csrf` (or sent as the `X-CSRF-Token` header), checked on every
 * state-changing request. Compared in constant time.
 */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { Forbidden } from '../errors';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export const csrfProtection: RequestHandler = (req, res, next) => {
  if (!req.session) {
    next(new Error('csrfProtection needs the session middleware'));
    return;
  }
  if (!req.session.csrf) req.session.csrf = crypto.randomBytes(24).toString('base64url');
  res.locals.csrfToken = req.session.csrf;
  if (SAFE.has(req.method)) {
    next();
    return;
  }
  const sent = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token');
  if (typeof sent !== 'string' || !same(sent, req.session.csrf)) {
    next(new Forbidden('error.csrf'));
    return;
  }
  next();
};
