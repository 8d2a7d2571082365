/**
 * The read-only JSON API for other government systems (documented in docs/openapi.yaml).
 * Authorization: Bearer <token> (created by an admin for one unit) for that unit's and its
 * sub-units' surveys; without a token only published surveys answer. A survey that may not be
 * read answers 404, exactly like one that does not exist (no probing for slugs).
 *
 *   GET /api/openapi.yaml                         the OpenAPI 3.1 description
 *   GET /api/v1/surveys/:slug/results             index, grade, per-element scores, respondents, target, achievement
 *   GET /api/v1/units/:slug/indicators?year=Y     a unit's indicators in a year
 */
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { Unauthorized } from '../../errors';
import { ROOT } from '../../paths';
import { parseOrInvalid } from '../../validation';
import { surveyResults, unitIndicators, type ApiCaller } from './api.service';
import { findLiveToken } from './tokens.service';

declare module 'express-serve-static-core' {
  interface Request {
    apiCaller?: ApiCaller;
  }
}

export const OPENAPI_FILE = path.join(ROOT, 'docs', 'openapi.yaml');

/** A bearer token, when sent, must be valid (401 otherwise); no token = anonymous. */
const bearer: RequestHandler = async (req, res, next) => {
  const header = req.get('authorization');
  if (!header) {
    req.apiCaller = { token: false, unitId: null };
    next();
    return;
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const token = m ? await findLiveToken(m[1]!) : null;
  if (!token) {
    res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    next(new Unauthorized('api.tokenInvalid'));
    return;
  }
  req.apiCaller = { token: true, unitId: token.unitId };
  next();
};

const yearQuery = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/, 'surveys.err.year')
    .transform(Number),
});

export function apiRoutes(): Router {
  const router = Router();
  router.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').sendFile(OPENAPI_FILE);
  });
  router.use('/v1', bearer, (req, res, next) => {
    // Token answers are private to the caller; public ones may be cached briefly.
    res.set('Cache-Control', req.apiCaller?.token ? 'private, no-store' : 'public, max-age=60');
    next();
  });
  router.get('/v1/surveys/:slug/results', async (req, res) => {
    res.json(await surveyResults(String(req.params.slug), req.apiCaller!));
  });
  router.get('/v1/units/:slug/indicators', async (req, res) => {
    const { year } = parseOrInvalid(yearQuery, req.query);
    res.json(await unitIndicators(String(req.params.slug), year, req.apiCaller!));
  });
  return router;
}
