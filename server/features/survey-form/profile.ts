/**
 * The standard respondent profile (server/results/profile.ts) as the form asks it, with its
 * labels in both languages. Optional for the respondent, so nobody abandons the
 * form over a personal question; a survey may add its own questions or replace one of these by
 * defining a question with the same key.
 */
import { translate } from '../../i18n';
import { STANDARD_PROFILE_KEYS, STANDARD_PROFILE_OPTIONS } from '../../results';
import type { FormChoice, FormProfileQuestion } from './survey-form.types';

const both = (key: string) => ({ id: translate('id', key), en: translate('en', key) });

export const STANDARD_PROFILE: readonly FormProfileQuestion[] = STANDARD_PROFILE_KEYS.map((key) => ({
  key,
  label: both(`profile.${key}`),
  kind: 'choice' as const,
  options: STANDARD_PROFILE_OPTIONS[key].map((o): FormChoice => ({ key: o, name: both(`profile.${key}.${o}`) })),
  required: false,
}));

/** Standard questions first (replaced in place by a custom one with the same key), then the survey's own. */
export function profileQuestionsFor(custom: readonly FormProfileQuestion[]): FormProfileQuestion[] {
  const byKey = new Map(custom.map((q) => [q.key, q]));
  const standard = STANDARD_PROFILE.map((q) => byKey.get(q.key) ?? q);
  const standardKeys = new Set(STANDARD_PROFILE.map((q) => q.key));
  return [...standard, ...custom.filter((q) => !standardKeys.has(q.key))];
}
