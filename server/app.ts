/**
 * createApp(config): wiring only, no side effects, so tests build the same app in-process.
 */
import compression from 'compression';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import { PUBLIC_DIR, VIEWS_DIR } from './paths';
import { assetManifest, assetUrl, staticFiles } from './web/assets';
import { accessLog } from './web/access-log';
import { errorHandler, notFoundHandler } from './web/errors';
import { formErrorHandler } from './web/form';
import { languageAndLocals } from './web/locals';
import { securityHeaders } from './web/security';
import { sessions } from './web/session';
import { loadUser } from './web/auth';
import { healthRoutes } from './features/health/health.routes';
import type { Lifecycle } from './features/health/readiness';
import { mountFeatures } from './features';

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Session idle timeout in ms (default 8 hours); tests use a tiny one to prove expiry. */
  sessionIdleMs?: number;
  /** Absolute session lifetime in ms (default 7 days), however active the session is. */
  sessionMaxMs?: number;
  /** The clock (default: the system's). Tests pass one they can move instead of sleeping. */
  now?: () => Date;
  /** Bytes per stored chunk of a background export (default 512 KiB); tests use a small one to get many chunks. */
  exportChunkBytes?: number;
  /** Set `draining` on SIGTERM: /readyz turns 503 and every response closes its connection. */
  lifecycle?: Lifecycle;
}

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.set('query parser', 'simple');
  // Templates are compiled once per app, except in development, where an edited template shows at the next request.
  if (config.NODE_ENV !== 'development') app.enable('view cache');

  // Security headers first: the health endpoints carry them too.
  app.use(securityHeaders(config.https));
  app.use(healthRoutes(deps.lifecycle));
  app.use(accessLog(logger));
  app.use(compression());
  const manifest = assetManifest(PUBLIC_DIR);
  app.use('/static', staticFiles(PUBLIC_DIR, manifest));
  app.use(languageAndLocals(assetUrl(manifest), config.https));
  // Small bodies: a survey response is a few hundred bytes; imports use their own upload limits.
  app.use(express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '64kb' }));
  // Sessions are only read when a session cookie is sent, only made under /admin, and only
  // stored once something is put in them (a login, a CSRF token): anonymous respondents cost
  // the database nothing here, and their requests no session work at all.
  app.use(sessions(config, { idleMs: deps.sessionIdleMs, maxMs: deps.sessionMaxMs, now: deps.now, startUnder: '/admin' }));
  app.use(loadUser);

  mountFeatures(app, deps);

  app.use(notFoundHandler);
  app.use(formErrorHandler);
  app.use(errorHandler(logger));
  return app;
}
