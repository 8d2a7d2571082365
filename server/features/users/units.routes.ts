/**
 * Organisation units, admins only.
 *
 *   GET  /admin/units        the unit tree and a form to add a unit
 *   POST /admin/units        create (name, slug, parent)
 *   POST /admin/units/:id    rename
 */
import { Router } from 'express';
import { requireRole } from '../../web/auth';
import { flash, handleForm } from '../admin/admin.web';
import { createUnit, listUnits, renameUnit } from './units.service';

export function unitsRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  const locals = async (t: (k: string) => string) => ({ title: t('units.title'), units: await listUnits(), values: {}, errors: {}, formError: null });

  router.get('/units', admin, async (_req, res) => {
    res.render('admin/units/list', await locals(res.locals.t));
  });
  router.post('/units', admin, async (req, res, next) => {
    await handleForm(res, next, 'admin/units/list', () => locals(res.locals.t), req.body, async () => {
      await createUnit(req.user!, req.body);
      flash(req, 'ok', res.locals.t('units.created'));
      res.redirect(303, '/admin/units');
    });
  });
  router.post('/units/:id', admin, async (req, res, next) => {
    await handleForm(res, next, 'admin/units/list', () => locals(res.locals.t), {}, async () => {
      await renameUnit(req.user!, String(req.params.id), req.body);
      flash(req, 'ok', res.locals.t('units.saved'));
      res.redirect(303, '/admin/units');
    });
  });
  return router;
}
