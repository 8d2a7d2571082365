/**
 * The public survey form. Routes, one line each:
 *
 *   GET  /s/:slug              the form (or a notice when closed / not yet open); ?kiosk=1 for a counter tablet
 *   POST /s/:slug              submit: rate limit, then validate → abuse rules → store once → 303 to thanks
 *   GET  /s/:slug/terima-kasih the thank-you page (kiosk: back to a fresh form after a few seconds)
 *   GET  /s/:slug/qr.svg       QR code of the survey's link, SVG
 *   GET  /s/:slug/qr.png       QR code of the survey's link, PNG
 */
import crypto from 'node:crypto';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { parse as parseCookie } from 'cookie';
import type { AppDeps } from '../../app';
import { Invalid, NotFound, TooManyRequests } from '../../errors';
import { toAppError, wantsJson } from '../../web/errors';
import { keyedHash, newIdempotencyKey, signStartToken, KEY_PATTERN } from './form-token';
import { publicBaseUrl, qrPng, qrSvg } from './qr';
import { DatabaseRateLimitStore } from './rate-limit.store';
import { SurveyDefinitions } from './survey-definitions';
import { echoValues, field, LANG_FIELD } from './survey-form.schema';
import { isLang } from '../../i18n';
import { useLanguage } from '../../web/locals';
import { availability, submitResponse } from './survey-form.service';
import { FormExpired } from './survey-form.errors';
import { formPage, noticePage, surveyTexts, type Problem } from './survey-form.view-model';
import type { FormSurvey, FormValues } from './survey-form.types';

export interface SurveyFormOptions {
  /** Submissions per client address per window (counted in the database, shared by all instances). */
  rateLimit: {
    limit: number;
    windowMs: number;
    /** A busy address's count is written to the database at most this often (see DatabaseRateLimitStore). */
    writeGapMs?: number;
  };
  /** A form sent sooner than this after it was served is refused politely (bots fill forms instantly). */
  minFillMs: number;
  /** Kiosk mode: seconds on the thank-you page before a fresh form. */
  kioskReturnSeconds: number;
  /** How long a survey definition is cached, and how long a cached one serves during an outage. */
  definitionFreshMs: number;
  definitionStaleMs: number;
}

export const DEFAULT_OPTIONS: SurveyFormOptions = {
  // Generous: many respondents share an address behind mobile carrier NAT or an office network.
  rateLimit: { limit: 60, windowMs: 10 * 60_000, writeGapMs: 500 },
  minFillMs: 3_000,
  kioskReturnSeconds: 8,
  definitionFreshMs: 15_000,
  definitionStaleMs: 60 * 60_000,
};

export type SurveyFormDeps = AppDeps & { surveyForm?: Partial<SurveyFormOptions> };

export const DEVICE_COOKIE = 'skm_device';

/** How old a cached survey definition may be when a submission is checked against it. */
const SUBMIT_MAX_AGE_MS = 1_000;

export function surveyFormRoutes(deps: SurveyFormDeps): Router {
  const { config, logger } = deps;
  const opts: SurveyFormOptions = { ...DEFAULT_OPTIONS, ...deps.surveyForm };
  const secret = config.SESSION_SECRET;
  const now = deps.now ?? (() => new Date());
  const surveys = new SurveyDefinitions({ freshMs: opts.definitionFreshMs, staleMs: opts.definitionStaleMs }, () => now().getTime());
  const router = Router();

  // ── helpers ──────────────────────────────────────────────────────────────
  const surveyOf = (res: Response): FormSurvey => res.locals.survey as FormSurvey;

  const loadSurvey: RequestHandler = async (req, res, next) => {
    // Submissions see a status at most a second old; pages may use the longer cache.
    const slug = String(req.params.slug);
    let survey: FormSurvey | null;
    try {
      survey = await surveys.bySlug(slug, req.method === 'POST' ? SUBMIT_MAX_AGE_MS : undefined);
    } catch (err) {
      // The database is unavailable while loading the survey: a submission keeps its answers.
      if (req.method !== 'POST' || toAppError(err)?.status !== 503 || wantsJson(req)) throw err;
      logger.warn({ url: req.originalUrl, reason: (err as Error).message }, 'survey response: database unavailable while loading the survey');
      const values = echoValues(req.body);
      const cached = surveys.cached(slug);
      if (cached) return submitFailed(err, req, res, next, cached, values, values[field.kiosk] === '1');
      return renderRetry(res, slug, values);
    }
    if (!survey || survey.status === 'draft') throw new NotFound('form.notFound');
    res.locals.survey = survey;
    next();
  };

  const publicUrl = (req: Request, path: string): string => `${publicBaseUrl(config.PUBLIC_URL, { protocol: req.protocol, host: req.get('host') })}${path}`;

  /** The device cookie's keyed hash; sets a new long-lived cookie when the browser has none. */
  const deviceHash = (req: Request, res: Response): string => {
    let id = parseCookie(req.headers.cookie ?? '')[DEVICE_COOKIE];
    if (!id || !/^[A-Za-z0-9_-]{22,64}$/.test(id)) {
      id = crypto.randomBytes(18).toString('base64url');
      res.cookie(DEVICE_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: config.https, maxAge: 2 * 365 * 24 * 3600 * 1000 });
    }
    return keyedHash(secret, 'device', id);
  };

  const renderForm = (
    res: Response,
    status: number,
    survey: FormSurvey,
    values: FormValues,
    extra: { kiosk: boolean; fieldErrors?: Invalid['fields']; problem?: Problem; freshToken?: boolean },
  ): void => {
    const key = KEY_PATTERN.test(values[field.key] ?? '') ? values[field.key]! : newIdempotencyKey();
    const startToken =
      !extra.freshToken && values[field.startToken] && key === values[field.key]
        ? values[field.startToken]
        : signStartToken(secret, survey.slug, key, now().getTime());
    // Shared caches must never hand one idempotency key to two people; the browser's own history may keep it.
    res.set('Cache-Control', 'private, no-cache');
    res.status(status).render('survey-form/form', {
      form: formPage({
        survey,
        lang: res.locals.lang,
        t: res.locals.t,
        values,
        hidden: { key, startToken },
        kiosk: extra.kiosk,
        fieldErrors: extra.fieldErrors,
        problem: extra.problem,
      }),
      title: surveyTexts(survey, res.locals.lang).title,
      extraCss: ['/css/form.css'],
      scripts: ['/js/form.js'],
    });
  };

  /** No definition at hand (database down, nothing cached): a page that sends the same answers again. */
  const renderRetry = (res: Response, slug: string, values: FormValues): void => {
    res.set('Retry-After', '5');
    res.set('Cache-Control', 'no-store');
    const fields = Object.entries(values).filter(([name]) => name !== field.honeypot);
    res.status(503).render('survey-form/retry', { title: res.locals.t('error.unavailableTitle'), action: `/s/${slug}`, fields, extraCss: ['/css/form.css'] });
  };

  const renderNotice = (res: Response, status: number, survey: FormSurvey, state: 'closed' | 'not-yet'): void => {
    res.status(status).render('survey-form/notice', {
      notice: noticePage(survey, state, res.locals.lang, now()),
      title: surveyTexts(survey, res.locals.lang).title,
      kiosk: false,
      extraCss: ['/css/form.css'],
    });
  };

  // ── handlers ─────────────────────────────────────────────────────────────
  const showForm: RequestHandler = (req, res) => {
    const survey = surveyOf(res);
    const state = availability(survey, new Date());
    if (state === 'closed' || state === 'not-yet') return renderNotice(res, 200, survey, state);
    if (survey.oneResponsePerDevice) deviceHash(req, res);
    renderForm(res, 200, survey, {}, { kiosk: req.query.kiosk === '1' });
  };

  /**
   * The in-form language switch is a submit button (`_lang`): a GET link cannot carry the
   * answers, so the form posts them and comes back in the other language with every answer
   * kept. Nothing is stored, and it does not count against the submission rate limit.
   */
  const switchLanguage: RequestHandler = (req, res, next) => {
    const values = echoValues(req.body ?? {});
    const to = values[LANG_FIELD];
    if (!isLang(to)) return next();
    delete values[LANG_FIELD];
    useLanguage(req, res, to, { secure: config.https });
    const survey = surveyOf(res);
    const state = availability(survey, now());
    if (state === 'closed' || state === 'not-yet') return renderNotice(res, 200, survey, state);
    renderForm(res, 200, survey, values, { kiosk: values[field.kiosk] === '1' });
  };

  const submit: RequestHandler = async (req, res, next) => {
    const survey = surveyOf(res);
    const body: unknown = req.body ?? {};
    const values = echoValues(body);
    const kiosk = values[field.kiosk] === '1';
    try {
      const outcome = await submitResponse({
        survey,
        body,
        now: now(),
        // Stored as a kiosk response only from a kiosk session started by a manager, never from the form field.
        source: req.session?.kioskSurveyId === String(survey._id) ? 'kiosk' : 'web',
        deviceHash: survey.oneResponsePerDevice ? deviceHash(req, res) : undefined,
        secret,
        minFillMs: opts.minFillMs,
      });
      if (wantsJson(req)) {
        res.status(outcome === 'stored' ? 201 : 200).json({ status: outcome });
        return;
      }
      res.redirect(303, `/s/${survey.slug}/terima-kasih${kiosk ? '?kiosk=1' : ''}`);
    } catch (err) {
      submitFailed(err, req, res, next, survey, values, kiosk);
    }
  };

  /** Every refusal re-renders the form with the answers intact and says why, in the respondent's language. */
  const submitFailed = (err: unknown, req: Request, res: Response, next: NextFunction, survey: FormSurvey, values: FormValues, kiosk: boolean): void => {
    const appError = toAppError(err);
    if (wantsJson(req)) return next(err);
    const state = availability(survey, new Date());
    if (state === 'closed' || state === 'not-yet') return renderNotice(res, appError?.status ?? 409, survey, state);
    if (!appError) logger.error({ err, url: req.originalUrl }, 'survey response failed');
    else if (appError.status === 503) logger.warn({ url: req.originalUrl, reason: (err as Error).message }, 'survey response: database unavailable');
    const status = appError?.status ?? 500;
    if (status === 503) res.set('Retry-After', '5');
    const t = res.locals.t;
    const problemKey = appError instanceof Invalid ? undefined : status === 503 ? 'form.err.unavailable' : appError ? appError.messageKey : 'form.err.internal';
    if (values[field.honeypot]) values[field.honeypot] = '';
    renderForm(res, status, survey, values, {
      kiosk,
      fieldErrors: appError instanceof Invalid ? appError.fields : undefined,
      problem: problemKey ? { message: t(problemKey, appError?.params), kind: 'error' } : undefined,
      freshToken: appError instanceof FormExpired,
    });
  };

  const submitLimit = rateLimit({
    windowMs: opts.rateLimit.windowMs,
    limit: opts.rateLimit.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Windows on the app's clock (tests move it instead of waiting for the next window).
    store: new DatabaseRateLimitStore({ prefix: 'form', writeGapMs: opts.rateLimit.writeGapMs, now: () => now().getTime() }),
    // Never the raw address: a keyed hash of it (IPv6 grouped by /56, as the library advises).
    keyGenerator: (req) => keyedHash(secret, 'client', ipKeyGenerator(req.ip ?? '', 56)),
    // The database is down: let the request through; storing the response will fail with a clear 503 anyway.
    passOnStoreError: true,
    logger: {
      warn: (...a: unknown[]) => logger.warn({ detail: a.map(String) }, 'rate limit'),
      error: (...a: unknown[]) => logger.warn({ detail: a.map(String) }, 'rate limit store unavailable'),
    },
    handler: (req, res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const at = now().getTime();
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? at + opts.rateLimit.windowMs) - at) / 1000));
      const minutes = Math.max(1, Math.ceil(seconds / 60));
      res.set('Retry-After', String(seconds));
      const err = new TooManyRequests(seconds, 'form.err.tooMany');
      Object.assign(err.params, { minutes });
      const values = echoValues(req.body);
      submitFailed(err, req, res, next, surveyOf(res), values, values[field.kiosk] === '1');
    },
  });

  const thanks: RequestHandler = (req, res) => {
    const survey = surveyOf(res);
    const kiosk = req.query.kiosk === '1';
    const seconds = opts.kioskReturnSeconds;
    const next = `/s/${survey.slug}${kiosk ? '?kiosk=1' : ''}`;
    // Kiosk: back to a fresh form without JavaScript (the Refresh header is the HTTP form of <meta http-equiv="refresh">).
    if (kiosk) res.set('Refresh', `${seconds}; url=${next}`);
    res.set('Cache-Control', 'no-store');
    res.render('survey-form/thanks', {
      title: surveyTexts(survey, res.locals.lang).title,
      survey,
      kiosk,
      seconds,
      next,
      extraCss: ['/css/form.css'],
      scripts: kiosk ? ['/js/form.js'] : [],
    });
  };

  const qr =
    (kind: 'svg' | 'png'): RequestHandler =>
    async (req, res) => {
      const url = publicUrl(req, `/s/${surveyOf(res).slug}`);
      // Without PUBLIC_URL the link follows the Host header: never cache it, so a forged Host poisons no cache.
      res.set('Cache-Control', config.PUBLIC_URL ? 'public, max-age=3600' : 'no-store');
      if (kind === 'svg') res.type('image/svg+xml').send(await qrSvg(url));
      else res.type('image/png').send(await qrPng(url));
    };

  // ── the table ────────────────────────────────────────────────────────────
  router.get('/s/:slug', loadSurvey, showForm);
  router.post('/s/:slug', loadSurvey, switchLanguage, submitLimit, submit);
  router.get('/s/:slug/terima-kasih', loadSurvey, thanks);
  router.get('/s/:slug/qr.svg', loadSurvey, qr('svg'));
  router.get('/s/:slug/qr.png', loadSurvey, qr('png'));
  return router;
}
