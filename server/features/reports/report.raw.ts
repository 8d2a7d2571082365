/**
 * The raw-answers table shared by the XLSX "Jawaban" sheet and the CSV: one row per stored
 * response with its id, time in the unit's time zone, service, channel, one column per element
 * (the score 1–4, empty when not answered) and the profile answers. Suggestions are not part of
 * it (the XLSX has its own sheet without hidden ones).
 */
import { translate, type Lang } from '../../i18n';
import { formatDateTime, profileKeyLabel } from './report.model';
import { countedProfileKeys } from '../../results/profile';
import type { RawResponse, ReportPeriod } from './report.service';
import type { SurveyDoc } from '../../../models/survey';

/** Told the raw rows written so far, after each batch of rows (a background export's progress; may throw to stop). */
export type ExportProgress = (rows: number) => void;

/** The survey fields the raw-answer writers read (plain data: posted to the renderer's worker). */
export type ExportSurvey = Pick<SurveyDoc, 'title' | 'elements' | 'services' | 'profileQuestions'>;

/** What a raw-answer writer needs besides the rows: plain data, posted to the worker as it is. */
export interface ExportInput {
  survey: ExportSurvey;
  lang: Lang;
  timeZone: string;
  period: ReportPeriod;
}

/** The months of a report period hold this response (year and month as stored). */
export function inPeriod(r: { year: number; month: number }, period: ReportPeriod): boolean {
  const ym = r.year * 100 + r.month;
  if (period.from && ym < period.from.year * 100 + period.from.month) return false;
  if (period.to && ym > period.to.year * 100 + period.to.month) return false;
  return true;
}

export interface RawTable {
  headers: string[];
  /** Index of the first element column (0-based). */
  firstElementColumn: number;
  elementKeys: string[];
  row(r: RawResponse): (string | number | null)[];
}

/** Profile keys shown: the standard ones, the survey's own questions (choice or text). */
function profileKeys(survey: ExportSurvey): string[] {
  const keys = countedProfileKeys([survey]);
  for (const q of survey.profileQuestions ?? []) if (!keys.includes(q.key)) keys.push(q.key);
  return keys;
}

export function rawTable(survey: ExportSurvey, lang: Lang, timeZone: string): RawTable {
  const t = (k: string, p?: Record<string, string | number>) => translate(lang, k, p);
  const elementKeys = survey.elements.map((e) => e.key);
  const pKeys = profileKeys(survey);
  const headers = [
    t('rep.csv.id'),
    t('rep.csv.time', { tz: timeZone }),
    t('rep.csv.service'),
    t('rep.csv.channel'),
    ...survey.elements.map((e) => `${e.code} ${e.name?.[lang] ?? e.key}`),
    ...pKeys.map((k) => profileKeyLabel(lang, k, survey.profileQuestions?.find((q) => q.key === k)?.label ?? undefined)),
  ];
  return {
    headers,
    firstElementColumn: 4,
    elementKeys,
    row(r) {
      const scores = new Map<string, number>();
      for (const a of r.answers ?? []) if (!scores.has(a.k) && [1, 2, 3, 4].includes(a.v)) scores.set(a.k, a.v);
      const profile = (r.profile ?? {}) as Record<string, string>;
      return [
        String(r._id),
        formatDateTime(new Date(r.submittedAt), timeZone),
        r.service ?? '',
        r.source ?? 'web',
        ...elementKeys.map((k) => scores.get(k) ?? null),
        ...pKeys.map((k) => (typeof profile[k] === 'string' ? profile[k] : '')),
      ];
    },
  };
}

/**
 * A text cell made safe against formula injection (OWASP "CSV Injection"): a value starting
 * with = + - @ tab or CR is prefixed with a single quote, so no spreadsheet runs it.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
