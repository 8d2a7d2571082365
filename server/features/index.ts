/**
 * Every feature's routes, mounted in one place. Each feature is a folder under
 * server/features/ that exports a function returning an Express Router. A feature uses another
 * one only through that feature's index.ts (its public interface, never its routes); this file
 * is the one place that sees every feature's routes.
 */
import type { Express } from 'express';
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
  // Every page under /admin works with a session: each state change must carry the CSRF token.
  // The answer-file upload is multipart: parsed first (admins and unit managers only), so the
  // CSRF check below can read the form's _csrf field.
  // Posts from another site are refused before anything else (the survey form has no CSRF token).
  const sameSite = refuseCrossSite(deps.config.PUBLIC_URL);
  app.use('/admin', sameSite);
  app.post('/s/:slug', sameSite);
  app.post('/admin/surveys/:id/import', ...importUpload);
  app.use('/admin', csrfProtection({ secret: deps.config.SESSION_SECRET, secure: deps.config.https }));
  app.use('/admin', adminRoutes());
  app.use('/admin', authRoutes(deps));
  app.use('/admin', surveysRoutes({ publicUrl: deps.config.PUBLIC_URL }));
  app.use('/admin', usersRoutes());
  app.use('/admin', unitsRoutes({ defaultTimeZone: deps.config.DEFAULT_TIME_ZONE }));
  app.use('/admin', auditRoutes({ defaultTimeZone: deps.config.DEFAULT_TIME_ZONE }));
  app.use('/admin', tokensRoutes());
  app.use('/admin', dashboardRoutes());
  app.use('/admin', importRoutes());
  app.use('/admin', reportRoutes({ now: deps.now, backgroundRows: deps.config.REPORT_BACKGROUND_ROWS, chunkBytes: deps.exportChunkBytes }));
  app.use('/api', apiRoutes());
  app.use(homeRoutes());
  app.use(publicResultsRoutes({ publicUrl: deps.config.PUBLIC_URL }));
  app.use(surveyFormRoutes(deps));
}
