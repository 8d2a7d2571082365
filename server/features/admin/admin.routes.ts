/**
 * What every page under /admin gets first (no caching, flash messages, the "choose a new password
 * first" gate) and the landing page. The admin area's other routers (login and account, surveys,
 * users, units, the audit trail, API tokens) are mounted after it in features/index.ts, where CSRF
 * protection for all of /admin is applied too.
 *
 *   GET /admin    landing page (logged in): links to what the role may do
 */
import { Router } from 'express';
import { requireUser } from '../../web/auth';
import { mustChangePasswordGate, takeFlash } from '../../web/admin';

export function adminRoutes(): Router {
  const router = Router();
  router.use((_req, res, next) => {
    // Admin pages show personal data and one-time secrets: never cached.
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(takeFlash, mustChangePasswordGate);
  router.get('/', requireUser, (_req, res) => {
    res.render('admin/home', { title: res.locals.t('admin.title') });
  });
  return router;
}
