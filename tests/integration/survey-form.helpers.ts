/** Builders for the survey-form tests: a unit and a survey of their own per test, an app with form options. */
import crypto from 'node:crypto';
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { testConfig } from '../support/app';
import { Unit } from '../../models/unit';
import { Survey } from '../../models/survey';
import { elementsFromTemplate } from '../../server/results';
import type { SurveyFormDeps, SurveyFormOptions } from '../../server/features/survey-form/survey-form.routes';
import type { NewResponse } from '../../server/responses';

export const SECRET = 'x'.repeat(40);

/**
 * The year of the surveys these tests answer: the current year in WIB, because the form takes
 * answers only within the survey's period and these apps run on the real clock.
 */
export const THIS_YEAR = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();

/** The app with form options; `now` is the app's clock (tests move it instead of sleeping). */
export function formApp(options: Partial<SurveyFormOptions> = {}, env: Record<string, string> = {}, now?: () => Date): Express {
  const config = testConfig({ SESSION_SECRET: SECRET, ...env });
  const deps: SurveyFormDeps = {
    config,
    logger: createLogger(config.LOG_LEVEL),
    now,
    surveyForm: { minFillMs: 0, rateLimit: { limit: 10_000, windowMs: 60_000 }, ...options },
  };
  return createApp(deps);
}

export async function makeSurvey(overrides: Record<string, unknown> = {}) {
  const tag = crypto.randomBytes(4).toString('hex');
  const unit = await Unit.create({ name: `Direktorat ${tag}`, slug: `dit-${tag}` });
  return Survey.create({
    unitId: unit._id,
    unitPath: [unit._id],
    title: `Survei Uji ${tag}`,
    slug: `survei-${tag}`,
    period: { year: THIS_YEAR },
    template: 'stakeholder',
    elements: elementsFromTemplate('stakeholder'),
    services: [
      { key: 'konsultasi', name: { id: 'Konsultasi teknis', en: 'Technical consultation' } },
      { key: 'data', name: { id: 'Permintaan data', en: 'Data requests' } },
    ],
    status: 'open',
    ...overrides,
  });
}

/** The hidden fields of a rendered form. */
export function hiddenFields(html: string): { _key: string; _t: string; kiosk?: string } {
  const get = (name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html)?.[1];
  const key = get('_key');
  const t = get('_t');
  if (!key || !t) throw new Error('the page has no form hidden fields');
  return { _key: key, _t: t, kiosk: get('kiosk') };
}

/** A complete, valid answer set for a stakeholder survey. */
export function validAnswers(survey: { elements: { key: string }[] }, score = 4): Record<string, string> {
  const body: Record<string, string> = {
    service: 'konsultasi',
    p_gender: 'p',
    p_age: '30-39',
    p_education: 's1',
    p_occupation: 'pns',
    suggestion: 'Pertahankan.',
  };
  survey.elements.forEach((e, i) => (body[`a_${e.key}`] = String(((score + i - 1) % 4) + 1)));
  return body;
}

/** A response as the pipeline takes it (storeResponse), with a fresh key; `seed` varies the answers. */
export function answersOf(survey: { elements: { key: string }[] }, seed: number): NewResponse {
  return {
    key: crypto.randomUUID(),
    submittedAt: new Date('2026-05-10T03:00:00Z'),
    service: 'konsultasi',
    answers: survey.elements.map((e, i) => ({ k: e.key, v: ((seed + i) % 4) + 1 })),
    profile: { gender: seed % 2 ? 'l' : 'p', age: String(20 + (seed % 50)) },
    suggestion: '',
    source: 'web',
  };
}
