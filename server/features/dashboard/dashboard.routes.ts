/**
 * The dashboard pages (mounted under /admin; CSRF applied to all of /admin in features/index.ts).
 *
 *   GET  /admin/dashboard                                     unit dashboard          logged in, own scope
 *   GET  /admin/surveys/:id/dashboard                         survey dashboard        read scope of the survey
 *   GET  /admin/surveys/:id/suggestions                       suggestions list        read scope
 *   POST /admin/surveys/:id/suggestions/:rid/visibility       hide / show again       admin, unit manager of the unit
 */
import { Router, type Request, type Response } from 'express';
import { requireRole, requireUser } from '../../web/auth';
import { flash } from '../../web/admin';
import { listSuggestions, setSuggestionHidden, surveyDashboard, unitDashboard } from './dashboard.service';
import { viewHelpers } from './dashboard.view';
import { lastPeriodPlan } from '../reports';

const managers = requireRole('admin', 'unit-manager');
const SCRIPTS = ['/vendor/chart.umd.min.js', '/js/charts.js'];
const CSS = ['/css/dashboard.css'];

export function dashboardRoutes(): Router {
  const router = Router();
  router.get('/dashboard', requireUser, async (req, res) => {
    const d = await unitDashboard(req.user!, req.query);
    res.render('dashboard/unit', { title: res.locals.t('dash.unitTitle'), d, query: req.query, scripts: SCRIPTS, extraCss: CSS, h: viewHelpers(req.lang) });
  });
  router.get('/surveys/:id/dashboard', requireUser, async (req, res) => {
    const d = await surveyDashboard(req.user!, String(req.params.id), req.query);
    res.render('dashboard/survey', {
      title: res.locals.t('dash.surveyTitle', { title: d.survey.title }),
      d,
      lastPlan: await lastPeriodPlan(d.survey),
      query: req.query,
      scripts: SCRIPTS,
      extraCss: CSS,
      h: viewHelpers(req.lang),
    });
  });
  router.get('/surveys/:id/suggestions', requireUser, async (req, res) => {
    const p = await listSuggestions(req.user!, String(req.params.id), req.query);
    res.render('dashboard/suggestions', { title: res.locals.t('sugg.title', { title: p.survey.title }), p, extraCss: CSS, h: viewHelpers(req.lang) });
  });
  router.post('/surveys/:id/suggestions/:rid/visibility', managers, async (req: Request, res: Response) => {
    const body = req.body as Record<string, unknown>;
    const hidden = body.hidden === '1';
    await setSuggestionHidden(req.user!, String(req.params.id), String(req.params.rid), hidden);
    flash(req, 'ok', res.locals.t(hidden ? 'sugg.hiddenDone' : 'sugg.unhiddenDone'));
    const back = new URLSearchParams();
    if (typeof body.q === 'string' && body.q) back.set('q', body.q.slice(0, 100));
    if (body.showHidden === '1') back.set('hidden', '1');
    const qs = back.toString();
    res.redirect(303, `/admin/surveys/${encodeURIComponent(String(req.params.id))}/suggestions${qs ? `?${qs}` : ''}`);
  });
  return router;
}
