/**
 * Organisation units, admins only.
 *
 *   GET  /admin/units        the unit tree and a form to add a unit
 *   POST /admin/units        create (name, slug, parent)
 *   POST /admin/units/:id    rename
 */
import { Router, type Response } from 'express';
import { requireRole } from '../../web/auth';
import { form } from '../../web/form';
import { validate } from '../../web/validate';
import { flash } from '../admin/admin.web';
import { createUnit, listUnits, renameUnit } from './units.service';
import { createUnitSchema, renameUnitSchema } from './users.schema';

const VIEW = 'admin/units/list';

async function page(_req: unknown, res: Response) {
  return { title: res.locals.t('units.title'), units: await listUnits(), values: {}, errors: {}, formError: null };
}

export function unitsRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/units', admin, async (req, res) => res.render(VIEW, await page(req, res)));
  router.post('/units', admin, form(VIEW, page), validate(createUnitSchema), async (req, res) => {
    await createUnit(req.user!, req.body);
    flash(req, 'ok', res.locals.t('units.created'));
    res.redirect(303, '/admin/units');
  });
  router.post('/units/:id', admin, form(VIEW, page, { keepValues: false }), validate(renameUnitSchema), async (req, res) => {
    await renameUnit(req.user!, String(req.params.id), req.body);
    flash(req, 'ok', res.locals.t('units.saved'));
    res.redirect(303, '/admin/units');
  });
  return router;
}
