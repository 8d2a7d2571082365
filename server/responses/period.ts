/**
 * A survey's period in time, and the period fields copied onto a response at write time (so
 * results aggregate by period with plain $match/$group, no date operators).
 *
 * Decision (issue 13, item 2): a survey accepts answers only within its period. An answer given
 * in Nov 2026 to a 2022 survey is refused with a clear notice ("the 2022 period has ended"),
 * never filed under Dec 2022; before the period starts the form says when it opens. The form
 * page and the submission use the same check (`periodPosition`, through `availability`), so a
 * respondent never fills in a form that will then be refused for its period. Months are read in
 * Indonesian western time (WIB, UTC+7), the earliest of the three zones, so an answer given on
 * the last evening of the period anywhere in Indonesia is still inside it.
 */
export interface SurveyPeriod {
  year: number;
  semester?: number | null;
  quarter?: number | null;
  month?: number | null;
}

export interface PeriodFields {
  year: number;
  semester: number;
  quarter: number;
  month: number;
}

const WIB_OFFSET_MS = 7 * 3600 * 1000;

/** First and last month (1–12) covered by a survey period. */
function monthRange(p: SurveyPeriod): [number, number] {
  if (p.month) return [p.month, p.month];
  if (p.quarter) return [3 * p.quarter - 2, 3 * p.quarter];
  if (p.semester) return [6 * p.semester - 5, 6 * p.semester];
  return [1, 12];
}

/** Where a moment lies relative to the period (months read in WIB). */
export function periodPosition(period: SurveyPeriod, at: Date): 'before' | 'within' | 'after' {
  const wib = new Date(at.getTime() + WIB_OFFSET_MS);
  const [first, last] = monthRange(period);
  const month = wib.getUTCFullYear() * 12 + wib.getUTCMonth();
  if (month < period.year * 12 + (first - 1)) return 'before';
  if (month > period.year * 12 + (last - 1)) return 'after';
  return 'within';
}

/** The first moment of the period and the first moment after it (both at 00:00 WIB). */
export function periodBounds(period: SurveyPeriod): { start: Date; end: Date } {
  const [first, last] = monthRange(period);
  return {
    start: new Date(Date.UTC(period.year, first - 1, 1) - WIB_OFFSET_MS),
    end: new Date(Date.UTC(period.year, last, 1) - WIB_OFFSET_MS),
  };
}

/** The response's period fields; a moment outside the period (refused before this, see above) is clamped into it. */
export function periodFields(period: SurveyPeriod, submittedAt: Date): PeriodFields {
  const wib = new Date(submittedAt.getTime() + WIB_OFFSET_MS);
  const [first, last] = monthRange(period);
  const at = wib.getUTCFullYear() * 12 + wib.getUTCMonth();
  const start = period.year * 12 + (first - 1);
  const end = period.year * 12 + (last - 1);
  const month = (Math.min(Math.max(at, start), end) % 12) + 1;
  return periodOfMonth(period.year, month);
}

/** The period fields of a response filed under a known month (an import's timestamp). */
export function periodOfMonth(year: number, month: number): PeriodFields {
  return { year, semester: Math.ceil(month / 6), quarter: Math.ceil(month / 3), month };
}

/**
 * The day (WIB) a moment falls on, as "YYYY-MM-DD": the key a response with a suggestion is
 * filed under (Response.suggestionKey, see suggestionKey), so the newest suggestions are read day by day through
 * an index instead of sorting every response of a survey (the embedded engine sorts in memory).
 */
export function dayKey(at: Date): string {
  return new Date(at.getTime() + WIB_OFFSET_MS).toISOString().slice(0, 10);
}

/** The day keys from `last` back to `first` (both WIB days, inclusive), newest first. */
export function dayKeysDescending(first: Date, last: Date): string[] {
  const out: string[] = [];
  const DAY = 24 * 3600 * 1000;
  const lo = Date.parse(`${dayKey(first)}T00:00:00Z`);
  for (let t = Date.parse(`${dayKey(last)}T00:00:00Z`); t >= lo; t -= DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** What a response with a suggestion is filed under: its survey and WIB day, "<surveyId>:<YYYY-MM-DD>" (one indexed field). */
export function suggestionKey(surveyId: { toString(): string }, day: string): string {
  return `${String(surveyId)}:${day}`;
}
