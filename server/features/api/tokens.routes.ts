/**
 * API token management, admins only.
 *
 *   GET  /admin/tokens               list (name, prefix, created, last used, revoked)
 *   POST /admin/tokens               create: the token is shown once on the answer page
 *   POST /admin/tokens/:id/revoke    revoke
 */
import { Router } from 'express';
import { requireRole } from '../../web/auth';
import { flash, handleForm } from '../admin/admin.web';
import { listUnits } from '../users/units.service';
import { createToken, listTokens, revokeToken } from './tokens.service';

export function tokensRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  const locals = async (t: (k: string) => string) => ({ title: t('tokens.title'), tokens: await listTokens(), units: await listUnits(), created: null, values: {}, errors: {}, formError: null });

  router.get('/tokens', admin, async (_req, res) => {
    res.render('admin/tokens/list', await locals(res.locals.t));
  });
  router.post('/tokens', admin, async (req, res, next) => {
    await handleForm(res, next, 'admin/tokens/list', () => locals(res.locals.t), req.body, async () => {
      const created = await createToken(req.user!, req.body);
      res.status(201).render('admin/tokens/list', { ...(await locals(res.locals.t)), created });
    });
  });
  router.post('/tokens/:id/revoke', admin, async (req, res) => {
    await revokeToken(req.user!, String(req.params.id));
    flash(req, 'ok', res.locals.t('tokens.revoked'));
    res.redirect(303, '/admin/tokens');
  });
  return router;
}
