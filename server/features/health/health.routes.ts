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
  router.use((_req, res, next) => {
    if (lifecycle.draining) res.set('Connection', 'close');
    else {
      // A request that began before the drain and answers during it also says `Connection: close`,
      // so the client does not send its next request on a connection that is about to end.
      const writeHead = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
        if (lifecycle.draining && !this.headersSent) this.setHeader('Connection', 'close');
        return writeHead.apply(this, args);
      } as typeof res.writeHead;
    }
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
