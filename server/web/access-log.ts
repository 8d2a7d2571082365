/**
 * The access log: one line per request when its response ends — method, URL, status and time —
 * at info, a 4xx at warn, a 5xx or a response cut off before its end at error/warn.
 *
 * It replaces pino-http, which for every request built a child logger and serialized the whole
 * request (headers included) before knowing whether anything would be logged: about 90 µs of
 * the app's CPU per request, a twentieth of a survey submission's (bench/form-submit.ts).
 */
import { performance } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = performance.now();
    // 'close' comes after 'finish' too, and alone when the connection went away first.
    res.once('close', () => {
      const finished = res.writableFinished;
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : status >= 400 || !finished ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        { req: { method: req.method, url: req.originalUrl }, res: { statusCode: status }, responseTime: Math.round(performance.now() - start) },
        finished ? 'request completed' : 'request aborted',
      );
    });
    next();
  };
}
