/**
 * The period fields copied onto a response at write time (so results aggregate by period with
 * plain $match/$group, no date operators). The month is the submission's month in Indonesian
 * western time (WIB, UTC+7) when it lies inside the survey's period; an answer given before or
 * after the period counts towards its first or last month, so it is never filed outside it.
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
