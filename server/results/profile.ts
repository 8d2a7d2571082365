/**
 * The standard respondent profile of the PermenPANRB 14/2017 questionnaire (reference 2.4):
 * gender, age group, education, occupation, with their option keys. The one definition: the
 * form asks these (server/features/survey-form/profile.ts adds the labels), the counters count
 * them, the dashboard filters by them and the import reads answers into them.
 */

/** The standard profile questions, in questionnaire order. */
export const STANDARD_PROFILE_KEYS = ['gender', 'age', 'education', 'occupation'] as const;

/** The standard age groups, as the survey form stores them. */
export const AGE_GROUPS = ['u20', '20-29', '30-39', '40-49', '50-59', '60plus'] as const;

/** Each standard question's option keys. */
export const STANDARD_PROFILE_OPTIONS: Readonly<Record<(typeof STANDARD_PROFILE_KEYS)[number], readonly string[]>> = {
  gender: ['l', 'p'],
  age: AGE_GROUPS,
  education: ['sd', 'smp', 'sma', 'diploma', 's1', 's2', 's3'],
  occupation: ['pns', 'tni', 'polri', 'swasta', 'wirausaha', 'pelajar', 'lainnya'],
};

/** An age in years → its standard group; a value that is already a group (or anything else) is kept. */
export function ageGroup(value: string): string {
  const v = value.trim();
  if (!/^\d{1,3}$/.test(v)) return v;
  const n = Number(v);
  if (n < 20) return 'u20';
  if (n >= 60) return '60plus';
  const lo = Math.floor(n / 10) * 10;
  return `${lo}-${lo + 9}`;
}

/** What the profile rules need of a survey's questions (a missing kind is the schema's default, choice). */
export interface ProfileQuestionKinds {
  profileQuestions?: readonly { key: string; kind?: string | null }[] | null;
}

/**
 * The profile keys counted (and so offered as filters) for some surveys: the standard ones, then
 * each survey's own choice questions. A free-text question is neither counted nor filtered by.
 */
export function countedProfileKeys(surveys: readonly ProfileQuestionKinds[]): string[] {
  const keys: string[] = [...STANDARD_PROFILE_KEYS];
  for (const s of surveys) {
    for (const q of s.profileQuestions ?? []) if (!keys.includes(q.key) && (q.kind ?? 'choice') === 'choice') keys.push(q.key);
  }
  return keys;
}
