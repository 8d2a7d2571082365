/**
 * Formatting helpers for the dashboard views: numbers through server/i18n/format (never
 * rounded here), labels of profile answers and months, and chart data for <script
 * type="application/json"> blocks (read by public/js/charts.js; never executed).
 */
import { translate, type Lang } from '../../i18n';
import { formatLocalDate, formatNumber, formatPercent, gradeText } from '../../i18n/format';
import type { IkmResult } from '../../ikm';
import { STANDARD_PROFILE } from '../survey-form';

type ProfileQuestionLike = { key: string; options?: readonly { key: string }[] | null };

/**
 * Profile answers in the questionnaire's order (the survey's own question replaces a standard one
 * with the same key): "Di bawah 20 tahun" before "60 tahun ke atas", SMA before S3. Values the
 * questionnaire does not list (imported, or an option since removed) follow, alphabetically.
 */
export function profileOrder(key: string, values: readonly string[], custom: readonly ProfileQuestionLike[] = []): string[] {
  const q = custom.find((x) => x.key === key) ?? STANDARD_PROFILE.find((x) => x.key === key);
  const order = new Map((q?.options ?? []).map((o, i) => [o.key, i]));
  const rank = (v: string) => order.get(v) ?? Number.MAX_SAFE_INTEGER;
  return [...values].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Every year from the first to the last, each named (a time axis' ticks). */
export function yearTicks(years: readonly number[]): { v: number; label: string }[] {
  if (years.length === 0) return [];
  const out: { v: number; label: string }[] = [];
  for (let y = Math.min(...years); y <= Math.max(...years); y++) out.push({ v: y, label: String(y) });
  return out;
}

/** The runs of years without a survey between the first and the last: ["2023–2025"]. */
export function yearGaps(years: readonly number[]): string[] {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const gaps: string[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const from = sorted[i - 1]! + 1;
    const to = sorted[i]! - 1;
    if (to > from) gaps.push(`${from}–${to}`);
    else if (to === from) gaps.push(String(from));
  }
  return gaps;
}

/** A period on the time axis, in years: 2022, 2022.5 (second semester), 2022.75 (fourth quarter). */
export function periodPosition(p: { year: number; semester?: number | null; quarter?: number | null }): number {
  if (p.quarter) return p.year + (p.quarter - 1) / 4;
  if (p.semester) return p.year + (p.semester - 1) / 2;
  return p.year;
}

/** JSON safe inside a <script> element: no "</script>", no HTML comment openers. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function viewHelpers(lang: Lang) {
  const months = translate(lang, 'dash.months').split(',');
  return {
    num: (x: number | null | undefined, decimals = 2) => (x === null || x === undefined ? '–' : formatNumber(x, decimals, lang)),
    int: (x: number) => formatNumber(x, 0, lang),
    pct: (part: number, whole: number, decimals = 1) => (whole > 0 ? formatPercent((part / whole) * 100, decimals, lang) : '–'),
    grade: (r: IkmResult | { grade: IkmResult['grade']; performance: IkmResult['performance'] } | null) => (r ? gradeText(r.grade, r.performance, lang) : '–'),
    month: (year: number, month: number) => `${months[month - 1] ?? month} ${year}`,
    ym: (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`,
    /** A profile answer's label: the form's standard label, the survey's option name, or the value itself. */
    profileLabel: (key: string, value: string, options?: readonly { key: string; name?: { id: string; en: string } | null }[]) => {
      const k = `profile.${key}.${value}`;
      const std = translate(lang, k);
      if (std !== k) return std;
      const opt = options?.find((o) => o.key === value);
      return opt?.name?.[lang] ?? value;
    },
    profileName: (key: string, label?: { id: string; en: string } | null) => {
      const k = `profile.${key}`;
      const std = translate(lang, k);
      return std !== k ? std : (label?.[lang] ?? key);
    },
    /** A date in the unit's time zone (WIB), the zone the period uses. */
    date: (d: Date) => formatLocalDate(d),
    json: jsonForScript,
    profileOrder,
    yearTicks,
    yearGaps,
    periodPosition,
    /** Every month from the first to the last (position year × 12 + month − 1), each named "Mar 2022". */
    monthTicks: (list: readonly { year: number; month: number }[]) => {
      if (list.length === 0) return [];
      const pos = list.map((m) => m.year * 12 + m.month - 1);
      const out: { v: number; label: string }[] = [];
      for (let v = Math.min(...pos); v <= Math.max(...pos); v++) out.push({ v, label: `${months[v % 12] ?? ''} ${Math.floor(v / 12)}` });
      return out;
    },
    /** "From" after "to": the range selects nothing, and the page says why instead. */
    reversed: (f: { from?: { year: number; month: number }; to?: { year: number; month: number } }) =>
      !!f.from && !!f.to && f.from.year * 100 + f.from.month > f.to.year * 100 + f.to.month,
    /**
     * A filter that keeps part of the survey (months, a service, a profile answer): the minimum
     * sample is computed for the whole period's population, so it is not compared against a part.
     */
    partial: (f: { from?: unknown; to?: unknown; service?: unknown; profile?: Record<string, string> }) =>
      !!f.from || !!f.to || f.service !== undefined || Object.keys(f.profile ?? {}).length > 0,
    text: (t: { id: string; en: string } | null | undefined) => (t ? t[lang] : ''),
  };
}

export type ViewHelpers = ReturnType<typeof viewHelpers>;
