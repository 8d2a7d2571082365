/**
 * API token management, admins only.
 *
 *   GET  /admin/tokens               list (name, prefix, created, last used, revoked)
 *   POST /admin/tokens               create: the token is shown once on the answer page
 *   POST /admin/tokens/:id/revoke    revoke
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../../web/auth';
import { form } from '../../web/form';
import { validate } from '../../web/validate';
import { flash } from '../../web/admin';
import { listUnits } from '../users';
import { createToken, listTokens, revokeToken } from './tokens.service';

const VIEW = 'admin/tokens/list';

// Why a unit is required: a token must not read every unit's drafts and unpublished results (issue 10, item 7).
const createTokenSchema = z.object({
  name: z.string().trim().min(1, 'admin.required').max(120, 'admin.tooLong'),
  unitId: z.string({ error: 'tokens.unitRequired' }).regex(/^[0-9a-f]{24}$/i, 'tokens.unitRequired'),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

async function page(_req: Request, res: Response) {
  return { title: res.locals.t('tokens.title'), tokens: await listTokens(), units: await listUnits(), created: null, values: {}, errors: {}, formError: null };
}

export function tokensRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/tokens', admin, async (req, res) => res.render(VIEW, await page(req, res)));
  router.post('/tokens', admin, form(VIEW, page), validate(createTokenSchema), async (req, res) => {
    const created = await createToken(req.user!, req.body);
    res.status(201).render(VIEW, { ...(await page(req, res)), created });
  });
  router.post('/tokens/:id/revoke', admin, async (req, res) => {
    await revokeToken(req.user!, String(req.params.id));
    flash(req, 'ok', res.locals.t('tokens.revoked'));
    res.redirect(303, '/admin/tokens');
  });
  return router;
}
