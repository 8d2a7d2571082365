/**
 * The form body, validated strictly against the survey it answers. The body is flat (field name
 * → string), so an object or array anywhere (`{"$ne": …}`, repeated fields) is rejected, and so
 * is any key the form does not render (`$where`, `a.b`): nothing from the request reaches a
 * query or an update except as a checked string. Messages are keys from server/i18n/form.ts.
 */
import { z } from 'zod';
import type { MessageKey } from '../../i18n';
import { parseOrInvalid } from '../../validation';
import type { FormSurvey, FormValues, Submission } from './survey-form.types';

/** Form field names. Element and profile keys are constrained by the Survey model, so they are safe in names. */
export const field = {
  key: '_key',
  startToken: '_t',
  kiosk: 'kiosk',
  honeypot: 'website',
  service: 'service',
  answer: (elementKey: string) => `a_${elementKey}`,
  profile: (questionKey: string) => `p_${questionKey}`,
  suggestion: 'suggestion',
} as const;

/** The in-form language switch button (posts the answers; see survey-form.routes). */
export const LANG_FIELD = '_lang';

export const SUGGESTION_MAX = 2000;
export const PROFILE_TEXT_MAX = 200;

/** Missing (or blank) and present-but-wrong get different messages. */
function choice(values: readonly string[], required: MessageKey, invalid: MessageKey) {
  return z.enum(values as [string, ...string[]], {
    error: (iss) => (iss.input === undefined || iss.input === '' ? required : invalid),
  });
}

const optionalBlank = z.literal('').optional();
const shortText = (max: number, tooLong: MessageKey) => z.string({ error: 'form.err.unknownField' }).max(max, tooLong).optional();

export function formSchema(survey: FormSurvey) {
  const shape: Record<string, z.ZodType> = {
    // Hidden fields: their own checks (form-token.ts, abuse rules) give friendlier answers than a schema error.
    [field.key]: z.string({ error: 'form.err.expired' }).max(64, 'form.err.expired').optional(),
    [field.startToken]: z.string({ error: 'form.err.expired' }).max(64, 'form.err.expired').optional(),
    [field.kiosk]: z.enum(['1', ''], { error: 'form.err.unknownField' }).optional(),
    [field.honeypot]: z.string({ error: 'form.err.honeypot' }).max(500, 'form.err.honeypot').optional(),
  };
  shape[field.service] =
    survey.services.length > 0
      ? choice(
          survey.services.map((s) => s.key),
          'form.err.serviceRequired',
          'form.err.serviceInvalid',
        )
      : optionalBlank;
  for (const e of survey.elements) {
    shape[field.answer(e.key)] = choice(['1', '2', '3', '4'], 'form.err.answerRequired', 'form.err.answerInvalid');
  }
  for (const q of survey.profileQuestions) {
    const name = field.profile(q.key);
    if (q.kind === 'text') {
      const text = shortText(PROFILE_TEXT_MAX, 'form.err.profileTooLong');
      shape[name] = q.required ? text.refine((v) => v !== undefined && v.trim() !== '', 'form.err.profileRequired') : text;
    } else {
      const options = choice(
        q.options.map((o) => o.key),
        'form.err.profileRequired',
        'form.err.profileInvalid',
      );
      shape[name] = q.required ? options : z.preprocess((x) => (x === '' ? undefined : x), options.optional());
    }
  }
  shape[field.suggestion] = survey.suggestionEnabled ? shortText(SUGGESTION_MAX, 'form.err.suggestionTooLong') : optionalBlank;
  return z.strictObject(shape, { error: 'form.err.unknownField' });
}

/** One compiled schema per cached survey definition. */
const schemas = new WeakMap<FormSurvey, ReturnType<typeof formSchema>>();

/** The validated submission, or Invalid with a message key per field. */
export function parseSubmission(survey: FormSurvey, body: unknown): Submission {
  let schema = schemas.get(survey);
  if (!schema) schemas.set(survey, (schema = formSchema(survey)));
  const v = parseOrInvalid(schema, body ?? {}, 'form.err.unknownField') as Record<string, string | undefined>;
  const profile: Record<string, string> = {};
  for (const q of survey.profileQuestions) {
    const value = (v[field.profile(q.key)] ?? '').trim();
    if (value) profile[q.key] = value;
  }
  return {
    service: v[field.service] ?? '',
    answers: survey.elements.map((e) => ({ k: e.key, v: Number(v[field.answer(e.key)]) })),
    profile,
    suggestion: (v[field.suggestion] ?? '').trim(),
  };
}

/** The submitted strings, for re-rendering a form exactly as the respondent left it (never objects). */
export function echoValues(body: unknown): FormValues {
  const values: FormValues = {};
  if (typeof body !== 'object' || body === null) return values;
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(k)) values[k] = v.slice(0, SUGGESTION_MAX + 100);
  }
  return values;
}
