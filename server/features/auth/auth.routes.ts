/**
 * Logging in and out, and the account page (password change, log out everywhere).
 *
 *   GET  /admin/login                        anyone        the login form
 *   POST /admin/login                        anyone        check credentials (throttled)
 *   POST /admin/logout                       logged in     end this session
 *   GET  /admin/account                      logged in     account page
 *   POST /admin/account/password             logged in     change password (ends other sessions)
 *   POST /admin/account/logout-everywhere    logged in     end every other session
 */
import { Router, type Request, type Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { AppDeps } from '../../app';
import { z } from 'zod';
import { Invalid, TooManyRequests } from '../../errors';
import { requireUser } from '../../web/auth';
import { SESSION_COOKIE } from '../../web/session';
import { parseOrInvalid } from '../../validation';
import { fieldMessages } from '../../web/errors';
import { form } from '../../web/form';
import { validate } from '../../web/validate';
import { flash, safeNext } from '../../web/admin';
import { changePassword, login, logoutEverywhere, unitName } from './auth.service';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password';

const loginSchema = z.object({
  email: z.string().trim().min(1, 'auth.emailRequired').max(254, 'auth.emailRequired'),
  password: z.string().min(1, 'auth.passwordRequired').max(MAX_PASSWORD_LENGTH, 'auth.passwordRequired'),
  next: z.string().optional(),
});

// Why these rules: a long passphrase is the one rule that matters; the confirmation catches typos.
const passwordSchema = z
  .object({
    current: z.string().min(1, 'auth.passwordRequired').max(MAX_PASSWORD_LENGTH, 'auth.passwordRequired'),
    password: z.string().min(MIN_PASSWORD_LENGTH, 'auth.passwordTooShort').max(MAX_PASSWORD_LENGTH, 'auth.passwordTooLong'),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'auth.confirmMismatch' });

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
}

function renderLogin(res: Response, status: number, extra: Record<string, unknown> = {}): void {
  res.status(status).render('admin/login', { title: res.locals.t('auth.loginTitle'), values: {}, errors: {}, formError: null, ...extra });
}

async function accountLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  return { title: res.locals.t('account.title'), unitName: await unitName(req.user!.unitId), values: {}, errors: {}, formError: null };
}

export function authRoutes(deps: AppDeps): Router {
  const router = Router();
  const now = deps.now ?? (() => new Date());

  router.get('/login', (req, res) => {
    if (req.user) {
      res.redirect(303, safeNext(req.query.next));
      return;
    }
    renderLogin(res, 200, { values: { next: typeof req.query.next === 'string' ? req.query.next : '' } });
  });

  router.post('/login', async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const values = { email: typeof body.email === 'string' ? body.email : '', next: typeof body.next === 'string' ? body.next : '' };
    try {
      const input = parseOrInvalid(loginSchema, body);
      // The client: its address, IPv6 grouped by /56 (one subscriber), as the form's rate limit does.
      const client = ipKeyGenerator(req.ip ?? 'unknown', 56);
      const at = now();
      const who = await login(input.email, input.password, { client, secret: deps.config.SESSION_SECRET }, at);
      await regenerate(req);
      req.session.userId = who.userId;
      req.session.version = who.sessionVersion;
      req.session.startedAt = at.getTime();
      // The redirect leaves once the new session is stored (server/web/session.ts).
      res.redirect(303, who.mustChangePassword ? '/admin/account' : safeNext(input.next));
    } catch (e) {
      if (e instanceof TooManyRequests) {
        res.setHeader('Retry-After', String(e.retryAfterSeconds));
        renderLogin(res, 429, {
          values,
          formError: res.locals.t(e.messageKey, { minutes: Math.ceil(e.retryAfterSeconds / 60), seconds: e.retryAfterSeconds }),
        });
        return;
      }
      if (e instanceof Invalid) {
        const bad = e.messageKey === 'auth.badCredentials';
        renderLogin(res, bad ? 401 : 422, { values, errors: bad ? {} : fieldMessages(e, req.lang), formError: res.locals.t(e.messageKey) });
        return;
      }
      next(e);
    }
  });

  router.post('/logout', (req, res, next) => {
    req.session.destroy((e) => {
      if (e) {
        next(e);
        return;
      }
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, '/admin/login');
    });
  });

  router.get('/account', requireUser, async (req, res) => {
    res.render('admin/account', await accountLocals(req, res));
  });

  router.post('/account/password', requireUser, form('admin/account', accountLocals, { keepValues: false }), validate(passwordSchema), async (req, res) => {
    req.session.version = await changePassword(req.user!, req.body);
    flash(req, 'ok', res.locals.t('account.passwordChanged'));
    res.redirect(303, '/admin/account');
  });

  router.post('/account/logout-everywhere', requireUser, async (req, res) => {
    req.session.version = await logoutEverywhere(req.user!);
    flash(req, 'ok', res.locals.t('account.loggedOutEverywhere'));
    res.redirect(303, '/admin/account');
  });

  return router;
}
