/**
 * Organisation units, admins only.
 *
 *   GET  /admin/units        the unit tree and a form to add a unit
 *   POST /admin/units        create (name, slug, parent)
 *   POST /admin/units/:id    rename, change the time zone (WIB/WITA/WIT)
 */
import { Router, type Response } from 'express';
import { requireRole } from '../../web/auth';
import { form } from '../../web/form';
import { validate } from '../../web/validate';
import { flash } from '../../web/admin';
import { createUnit, listUnits, renameUnit } from './units.service';
import { createUnitSchema, renameUnitSchema } from './users.schema';
import { UNIT_TIME_ZONE_IDS } from '../../i18n/format';

const VIEW = 'admin/units/list';

export function unitsRoutes(opts: { defaultTimeZone?: string } = {}): Router {
  const defaultTimeZone = opts.defaultTimeZone ?? 'Asia/Jakarta';
  const page = async (_req: unknown, res: Response) => ({
    title: res.locals.t('units.title'),
    units: await listUnits(),
    zones: UNIT_TIME_ZONE_IDS.map((z) => ({ value: z, label: res.locals.t(`units.zone.${z}`) })),
    values: { timeZone: defaultTimeZone },
    errors: {},
    formError: null,
  });
  const router = Router();
  const admin = requireRole('admin');

  router.get('/units', admin, async (req, res) => res.render(VIEW, await page(req, res)));
  router.post('/units', admin, form(VIEW, page), validate(createUnitSchema), async (req, res) => {
    await createUnit(req.user!, req.body, defaultTimeZone);
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
