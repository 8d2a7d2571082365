/**
 * Formatting helpers for the dashboard views: numbers through server/i18n/format (never
 * rounded here), labels of profile answers and months, and chart data for <script
 * type="application/json"> blocks (read by public/js/charts.js; never executed).
 */
import { translate, type Lang } from '../../i18n';
import { formatLocalDate, formatNumber, formatPercent, gradeText } from '../../i18n/format';
import type { IkmResult } from '../../ikm';

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
