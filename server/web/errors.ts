/**
 * The central error handler and the 404 handler. AppErrors map to their status and message;
 * body-parser and driver errors are mapped explicitly (a 413 stays a 413); anything else is
 * logged and answered with a plain 500. HTML or JSON by content negotiation; never a stack trace.
 */
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AppError, BadRequest, Invalid, NotFound, PayloadTooLarge, TooManyRequests, Unavailable, isDatabaseUnavailable } from '../errors';
import { translate, translator, type Lang } from '../i18n';

/** Convert anything thrown into an AppError (or undefined for a genuine bug). */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (isDatabaseUnavailable(err)) return new Unavailable();
  const type = (err as { type?: unknown } | null)?.type;
  if (type === 'entity.too.large') return new PayloadTooLarge();
  if (type === 'entity.parse.failed' || type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new BadRequest('error.malformedBody');
  }
  if (type === 'parameters.too.many') return new PayloadTooLarge();
  const e = err as { status?: unknown; code?: unknown } | null;
  // A body sent with Content-Encoding gzip/deflate that does not decompress (zlib's Z_* codes).
  if (e?.status === 400 && typeof e.code === 'string' && /^Z_[A-Z_]+$/.test(e.code)) return new BadRequest('error.badCompression');
  // The router could not percent-decode a path parameter (e.g. /s/%E0%A4%A).
  if (err instanceof URIError && e?.status === 400) return new BadRequest('error.badPath');
  return undefined;
}

export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

/** Field → message in the user's language, for an Invalid error (undefined for any other). */
export function fieldMessages(err: AppError, lang: Lang): Record<string, string> | undefined {
  if (!(err instanceof Invalid)) return undefined;
  return Object.fromEntries(
    Object.entries(err.fields).map(([field, v]) => [field, typeof v === 'string' ? translate(lang, v) : translate(lang, v.key, v.params)]),
  );
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const lang: Lang = req.lang ?? 'id';
    const appError = toAppError(err);
    const status = appError?.status ?? 500;
    if (!appError) logger.error({ err, url: req.originalUrl, method: req.method }, 'unhandled error');
    else if (status === 503) logger.warn({ url: req.originalUrl, reason: (err as Error).message }, 'database unavailable');
    const message = appError ? translate(lang, appError.messageKey, appError.params) : translate(lang, 'error.internal');
    if (appError instanceof TooManyRequests) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    if (status === 503) res.setHeader('Retry-After', '5');
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: { code: appError?.code ?? 'internal', message, fields: appError ? fieldMessages(appError, lang) : undefined } });
      return;
    }
    const t = translator(lang);
    const title = status === 404 ? t('error.notFoundTitle') : status === 503 ? t('error.unavailableTitle') : t('error.title');
    res.render('errors/error', { status, title, message, retry: status === 503 || status === 429 }, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(message);
        return;
      }
      res.send(html);
    });
  };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(new NotFound());
