/**
 * CSRF protection for session-authenticated pages: a synchronizer token kept in the session,
 * rendered into every form as `_csrf` (or sent as the `X-CSRF-Token` header), checked on every
 * state-changing request. Compared in constant time.
 *
 * The token is created only when a page actually renders it: `res.locals.csrfToken` is an
 * object whose text (what EJS prints) creates it on first use. So an anonymous GET that only
 * redirects, or shows an error, leaves the session empty, and nothing is stored (issue 10,
 * item 11); the login form, which needs a token, is the first thing that starts a session.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { Forbidden } from '../errors';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The session's token, created (and so the session stored) on first use. */
function issue(req: Request): string {
  if (!req.session.csrf) req.session.csrf = crypto.randomBytes(24).toString('base64url');
  return req.session.csrf;
}

/** Prints as the token; only printing it issues one. */
class LazyToken {
  constructor(private readonly req: Request) {}
  toString(): string {
    return issue(this.req);
  }
  toJSON(): string {
    return issue(this.req);
  }
}

export const csrfProtection: RequestHandler = (req, res, next) => {
  if (!req.session) {
    next(new Error('csrfProtection needs the session middleware'));
    return;
  }
  res.locals.csrfToken = new LazyToken(req);
  if (SAFE.has(req.method)) {
    next();
    return;
  }
  const expected = req.session.csrf;
  const sent = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token');
  if (!expected || typeof sent !== 'string' || !same(sent, expected)) {
    next(new Forbidden('error.csrf'));
    return;
  }
  next();
};
