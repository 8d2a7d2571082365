/** Liveness (process alive) and readiness (database reachable) for load balancers and compose. */
import { Router } from 'express';
import { pingDatabase } from '../../db/connection';

export function healthRoutes(): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const db = await pingDatabase();
    res.set('Cache-Control', 'no-store');
    if (db.ok) res.json({ status: 'ready', database: 'ok' });
    else res.status(503).json({ status: 'unavailable', database: 'unreachable', reason: db.reason });
  });
  return router;
}
