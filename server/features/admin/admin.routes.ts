/**
 * The admin area under /admin: login and account, the landing page, surveys, users, the audit
 * trail, units and API tokens. CSRF protection for all of /admin is applied in features/index.ts.
 *
 *   GET /admin    landing page (logged in): links to what the role may do
 */
import { Router } from 'express';
import type { AppDeps } from '../../app';
import { requireUser } from '../../web/auth';
import { authRoutes } from '../auth/auth.routes';
import { auditRoutes } from '../audit/audit.routes';
import { tokensRoutes } from '../api/tokens.routes';
import { surveysRoutes } from '../surveys/surveys.routes';
import { usersRoutes } from '../users/users.routes';
import { unitsRoutes } from '../users/units.routes';
import { mustChangePasswordGate, takeFlash } from './admin.web';

export function adminRoutes(deps: AppDeps): Router {
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
  router.use(authRoutes(deps));
  router.use(surveysRoutes({ publicUrl: deps.config.PUBLIC_URL }));
  router.use(usersRoutes());
  router.use(unitsRoutes({ defaultTimeZone: deps.config.DEFAULT_TIME_ZONE }));
  router.use(auditRoutes({ defaultTimeZone: deps.config.DEFAULT_TIME_ZONE }));
  router.use(tokensRoutes());
  return router;
}
