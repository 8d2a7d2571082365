/**
 * CSRF protection for session-authenticated pages: a synchronizer token kept in the session,
 * rendered into every form as `_csrf` (or sent as the `X-CSRF-Token` header), checked on every
 * state-changing request. Compared in constant time.
 *
 * The token is created only when a page actually renders it: `res.locals.csrfToken` is an
 * object whose text (what EJS prints) creates it on first use. And a visitor who is not logged
 * in (the login form) gets a session-less token: a random nonce in a cookie plus its HMAC with
 * the server secret (the "signed double-submit cookie"), checked against that cookie on the
 * post. So no anonymous GET stores a session, not even the login page (issue 10, item 11):
 * sessions are stored from the login on.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import { Forbidden } from '../errors';
import { keyedHash } from '../lib/keyed-hash';

export const CSRF_COOKIE = 'skm.csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const NONCE = /^[A-Za-z0-9_-]{32}$/;

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Prints as the token; only printing it issues one. */
class LazyToken {
  constructor(private readonly issue: () => string) {}
  toString(): string {
    return this.issue();
  }
  toJSON(): string {
    return this.issue();
  }
}

export function csrfProtection(opts: { secret: string; secure: boolean }): RequestHandler {
  const sign = (nonce: string) => keyedHash(opts.secret, 'csrf-anonymous', nonce);
  const cookieNonce = (req: Request): string | undefined => {
    const v = parseCookie(req.headers.cookie ?? '')[CSRF_COOKIE];
    return v && NONCE.test(v) ? v : undefined;
  };

  /** The session's token for a logged-in user (or one already issued); a signed nonce otherwise. */
  const issue = (req: Request, res: Response): string => {
    if (req.session.csrf) return req.session.csrf;
    if (req.session.userId) {
      req.session.csrf = crypto.randomBytes(24).toString('base64url');
      return req.session.csrf;
    }
    let nonce = cookieNonce(req);
    if (!nonce) {
      nonce = crypto.randomBytes(24).toString('base64url');
      if (!res.headersSent) res.cookie(CSRF_COOKIE, nonce, { httpOnly: true, sameSite: 'lax', secure: opts.secure, path: '/admin' });
    }
    return `${nonce}.${sign(nonce)}`;
  };

  const valid = (req: Request, sent: string): boolean => {
    if (req.session.csrf && same(sent, req.session.csrf)) return true;
    const dot = sent.indexOf('.');
    const nonce = sent.slice(0, dot);
    const cookie = cookieNonce(req);
    return dot > 0 && cookie !== undefined && same(nonce, cookie) && same(sent.slice(dot + 1), sign(nonce));
  };

  return (req, res, next) => {
    if (!req.session) {
      next(new Error('csrfProtection needs the session middleware'));
      return;
    }
    let issued: string | undefined; // one token per response, however often the page prints it
    res.locals.csrfToken = new LazyToken(() => (issued ??= issue(req, res)));
    if (SAFE.has(req.method)) {
      next();
      return;
    }
    const sent = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token');
    if (typeof sent !== 'string' || !valid(req, sent)) {
      next(new Forbidden('error.csrf'));
      return;
    }
    next();
  };
}
