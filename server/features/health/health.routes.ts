/**
 * Liveness (the process answers) and readiness (it can serve: not draining, the database answers
 * and accepts a write; see readiness.ts) for load balancers and compose. While the app drains
 * (SIGTERM), every response also says `Connection: close`, so keep-alive clients move on.
 */
import { Router } from 'express';
import { Lifecycle, ReadinessProbe, type ProbeOptions } from './readiness';

export function healthRoutes(lifecycle: Lifecycle = new Lifecycle(), probe: ProbeOptions = {}): Router {
  const router = Router();
  const readiness = new ReadinessProbe(lifecycle, probe);
  router.use((req, res, next) => {
    if (lifecycle.draining) res.set('Connection', 'close');
    // A request that began before the drain: its keep-alive connection ends after its response.
    else res.on('finish', () => lifecycle.draining && req.socket.end());
    next();
  });
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const s = await readiness.state();
    res.set('Cache-Control', 'no-store');
    if (s.ready) res.json({ status: 'ready', database: s.database });
    else res.status(503).json({ status: s.draining ? 'draining' : 'unavailable', database: s.database, reason: s.reason });
  });
  return router;
}
