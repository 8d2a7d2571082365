/**
 * Shared pieces of the admin pages: flash messages, the "choose a new password first" gate,
 * and form errors (an Invalid error → 422 with each message beside its field, input kept).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Forbidden, Invalid } from '../../errors';
import type { MessageKey } from '../../i18n';

export function flash(req: Request, kind: 'ok' | 'error' | 'info', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

/** Moves pending flash messages to res.locals.flash (shown once) for every admin page. */
export const takeFlash: RequestHandler = (req, res, next) => {
  res.locals.flash = [];
  if (req.method === 'GET' && req.session?.flash?.length) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
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

/** Field → translated message, for a form coming back with errors. */
export function fieldErrors(err: Invalid, res: Response): Record<string, string> {
  const t = res.locals.t as (k: MessageKey | string, p?: Record<string, string | number>) => string;
  return Object.fromEntries(
    Object.entries(err.fields).map(([field, v]) => [field, typeof v === 'string' ? t(v) : t(v.key, v.params)]),
  );
}

/**
 * Run `action`; when it throws Invalid, render `view` again with 422, the submitted values and
 * the errors beside their fields (`locals()` supplies whatever else the page needs).
 */
export async function handleForm(
  res: Response,
  next: NextFunction,
  view: string,
  locals: () => Promise<Record<string, unknown>> | Record<string, unknown>,
  values: Record<string, unknown>,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (!(e instanceof Invalid)) {
      next(e);
      return;
    }
    const t = res.locals.t as (k: string) => string;
    res.status(422).render(view, { ...(await locals()), values, errors: fieldErrors(e, res), formError: t(e.messageKey) });
  }
}

/** A same-site path to go back to after login (never another host). */
export function safeNext(v: unknown): string {
  if (typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\')) return v;
  return '/admin';
}
