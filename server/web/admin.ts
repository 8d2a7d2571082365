/**
 * Shared pieces of the admin pages: flash messages and the "choose a new password first" gate.
 * Forms come back with their errors through server/web/form.ts.
 */
import type { Request, RequestHandler, Response } from 'express';
import { Forbidden, type Invalid } from '../errors';
import { fieldMessages } from './errors';

/**
 * A message for the next page. With `at` (a section's id) it is shown inside that section, where
 * the redirect's #fragment lands, instead of at the top of the page, off-screen.
 */
export function flash(req: Request, kind: 'ok' | 'error' | 'info', text: string, at?: string): void {
  req.session.flash = [...(req.session.flash ?? []), at ? { kind, text, at } : { kind, text }];
}

/**
 * Pending flash messages as res.locals.flash, shown once: taken from the session when a page is
 * rendered (the view reads them), not on every GET. A QR image or a download that the previous
 * page was still fetching when its form was posted would otherwise take the confirmation meant
 * for the page the post redirects to.
 */
export const takeFlash: RequestHandler = (req, res, next) => {
  let taken: NonNullable<typeof req.session.flash> | undefined;
  Object.defineProperty(res.locals, 'flash', {
    configurable: true,
    enumerable: true,
    get() {
      if (taken === undefined) {
        taken = req.method === 'GET' && req.session?.flash?.length ? req.session.flash : [];
        if (taken.length > 0) delete req.session.flash;
      }
      return taken;
    },
    set(v: NonNullable<typeof req.session.flash>) {
      taken = v;
    },
  });
  next();
};

const ALLOWED_WHILE_MUST_CHANGE = new Set(['/account', '/account/password', '/logout', '/login']);

/** A user with a one-time password may only choose a new one (or log out). */
export const mustChangePasswordGate: RequestHandler = (req, res, next) => {
  if (req.user?.mustChangePassword && !ALLOWED_WHILE_MUST_CHANGE.has(req.path)) {
    if (req.method === 'GET') {
      res.redirect(303, '/admin/account');
      return;
    }
    next(new Forbidden('auth.mustChangeFirst'));
    return;
  }
  next();
};

/** Field → translated message (the import pages; other forms use server/web/form.ts). */
export function fieldErrors(err: Invalid, res: Response): Record<string, string> {
  return fieldMessages(err, res.locals.lang) ?? {};
}

/** A same-site path to go back to after login (never another host). */
export function safeNext(v: unknown): string {
  if (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\')) return v;
  return '/admin';
}
