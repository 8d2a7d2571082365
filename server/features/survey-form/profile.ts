/**
 * The standard respondent profile of the PermenPANRB 14/2017 questionnaire (reference 2.4):
 * gender, age group, education, occupation. Optional for the respondent, so nobody abandons the
 * form over a personal question; a survey may add its own questions or replace one of these by
 * defining a question with the same key.
 */
import { translate } from '../../i18n';
import type { FormChoice, FormProfileQuestion } from './survey-form.types';

const STANDARD: { key: string; options: string[] }[] = [
  { key: 'gender', options: ['l', 'p'] },
  { key: 'age', options: ['u20', '20-29', '30-39', '40-49', '50-59', '60plus'] },
  { key: 'education', options: ['sd', 'smp', 'sma', 'diploma', 's1', 's2', 's3'] },
  { key: 'occupation', options: ['pns', 'tni', 'polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'] },
];

const both = (key: string) => ({ id: translate('id', key), en: translate('en', key) });

export const STANDARD_PROFILE: readonly FormProfileQuestion[] = STANDARD.map((q) => ({
  key: q.key,
  label: both(`profile.${q.key}`),
  kind: 'choice' as const,
  options: q.options.map((o): FormChoice => ({ key: o, name: both(`profile.${q.key}.${o}`) })),
  required: false,
}));

/** Standard questions first (replaced in place by a custom one with the same key), then the survey's own. */
export function profileQuestionsFor(custom: readonly FormProfileQuestion[]): FormProfileQuestion[] {
  const byKey = new Map(custom.map((q) => [q.key, q]));
  const standard = STANDARD_PROFILE.map((q) => byKey.get(q.key) ?? q);
  const standardKeys = new Set(STANDARD_PROFILE.map((q) => q.key));
  return [...standard, ...custom.filter((q) => !standardKeys.has(q.key))];
}
