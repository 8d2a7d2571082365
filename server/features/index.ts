/**
 * Every feature's routes, mounted in one place. Each feature is a folder under
 * server/features/ that exports a function returning an Express Router. A feature uses another
 * one only through that feature's index.ts (its public interface, never its routes); this file
 * is the one place that sees every feature's routes.
 */
import { Router, type Express, type RequestHandler } from 'express';
import type { AppDeps } from '../app';
import { csrfProtection } from '../web/csrf';
import { refuseCrossSite } from '../web/security';
import { homeRoutes } from './home/home.routes';
import { adminRoutes } from './admin/admin.routes';
import { authRoutes } from './auth/auth.routes';
import { auditRoutes } from './audit/audit.routes';
import { tokensRoutes } from './api/tokens.routes';
import { surveysRoutes } from './surveys/surveys.routes';
import { usersRoutes } from './users/users.routes';
import { unitsRoutes } from './users/units.routes';
import { apiRoutes } from './api/api.routes';
import { surveyFormRoutes } from './survey-form/survey-form.routes';
import { dashboardRoutes } from './dashboard/dashboard.routes';
import { importRoutes, importUpload } from './import/import.routes';
import { reportRoutes } from './reports/reports.routes';
import { publicResultsRoutes } from './reports/public-results.routes';

export function mountFeatures(app: Express, deps: AppDeps): void {
  // Posts from another site are refused before anything else (the survey form has no CSRF token).
  const sameSite = refuseCrossSite(deps.config.PUBLIC_URL);
  // The public pages first, each router once: a respondent's request passes no admin layer
  // (every layer is a path test on every request; the form's POST is the hot path).
  app.post('/s/:slug', sameSite);
  app.use(surveyFormRoutes(deps));
  app.use(homeRoutes());
  app.use(publicResultsRoutes({ publicUrl: deps.config.PUBLIC_URL }));
  app.use('/api', apiRoutes());
  app.use('/admin', adminPages(deps, sameSite));
}

/**
 * Every page under /admin works with a session: each state change must carry the CSRF token.
 * The answer-file upload is multipart: parsed first (admins and unit managers only), so the CSRF
 * check can read the form's _csrf field.
 */
function adminPages(deps: AppDeps, sameSite: RequestHandler): Router {
  const admin = Router();
  admin.use(sameSite);
  admin.post('/surveys/:id/import', ...importUpload);
  admin.use(csrfProtection({ secret: deps.config.SESSION_SECRET, secure: deps.config.https }));
  admin.use(adminRoutes());
  admin.use(authRoutes(deps));
  admin.use(surveysRoutes({ publicUrl: deps.config.PUBLIC_URL }));
  admin.use(usersRoutes());
  admin.use(unitsRoutes({ defaultTimeZone: deps.config.DEFAULT_TIME_ZONE }));
  admin.use(auditRoutes({ defaultTimeZone: deps.config.DEFAULT_TIME_ZONE }));
  admin.use(tokensRoutes());
  admin.use(dashboardRoutes());
  admin.use(importRoutes());
  admin.use(reportRoutes({ now: deps.now, backgroundRows: deps.config.REPORT_BACKGROUND_ROWS, chunkBytes: deps.exportChunkBytes }));
  return admin;
}
