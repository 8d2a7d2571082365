/**
 * Number display for Bahasa Indonesia and English: "92,26" / "92.26", "1.234.567,50" /
 * "1,234,567.50". This file formats; it never rounds on its own. Rounding is the method's
 * single half-up function (server/ikm toFixedDecimal), because toFixed and Intl.NumberFormat
 * disagree on 1.005 and 92.255 (style.md, "Pitfalls").
 */
import { PERFORMANCE_LABELS, toFixedDecimal, type Grade, type Lang, type Performance, type RoundingMode } from '../ikm';

interface Separators {
  readonly decimal: string;
  readonly group: string;
}

const SEPARATORS: Readonly<Record<Lang, Separators>> = {
  id: { decimal: ',', group: '.' },
  en: { decimal: '.', group: ',' },
};

/** Options for {@link formatNumber}. */
export interface FormatOptions {
  /** 'half-up' (default) or 'truncate'. */
  readonly mode?: RoundingMode;
  /** Insert thousands separators (default true). */
  readonly grouping?: boolean;
}

function group(digits: string, sep: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/**
 * `x` with exactly `decimals` decimals, rounded half-up, in the language's notation.
 * @example formatNumber(92.255, 2, 'id') === "92,26"; formatNumber(1234567.5, 2, 'en') === "1,234,567.50"
 */
export function formatNumber(x: number, decimals: number, lang: Lang, options: FormatOptions = {}): string {
  const text = toFixedDecimal(x, decimals, options.mode ?? 'half-up');
  const sep = SEPARATORS[lang];
  const negative = text.startsWith('-');
  const [int = '0', frac] = (negative ? text.slice(1) : text).split('.');
  const intText = options.grouping === false ? int : group(int, sep.group);
  return `${negative ? '-' : ''}${intText}${frac !== undefined ? sep.decimal + frac : ''}`;
}

/**
 * A percentage: formatNumber plus "%", with trailing zeros of the decimals kept
 * (formatPercent(102.5, 1, 'id') === "102,5%").
 */
export function formatPercent(x: number, decimals: number, lang: Lang, options: FormatOptions = {}): string {
  return `${formatNumber(x, decimals, lang, options)}%`;
}

/** The performance label of a grade's category, e.g. "Sangat Baik" / "Very Good". */
export function performanceText(performance: Performance, lang: Lang): string {
  return PERFORMANCE_LABELS[performance][lang];
}

/** "A (Sangat Baik)" / "A (Very Good)". */
export function gradeText(grade: Grade, performance: Performance, lang: Lang): string {
  return `${grade} (${performanceText(performance, lang)})`;
}

/**
 * The unit's time zone: Western Indonesia Time (WIB, UTC+7), the zone a response's period is
 * taken in (server/features/survey-form/period.ts). Every date shown is a date in this zone:
 * a response at 06:30 WIB on 1 July is 23:30 UTC on 30 June and must show as 1 July, inside its
 * quarter (issue 11).
 */
export const UNIT_UTC_OFFSET_MINUTES = 7 * 60;

/** A date as "YYYY-MM-DD" in the unit's time zone. */
export function formatLocalDate(d: Date | string | number): string {
  return new Date(new Date(d).getTime() + UNIT_UTC_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/**
 * The three Indonesian time zones a unit can keep its clock in (set per unit on the units page;
 * a new unit gets DEFAULT_TIME_ZONE from the configuration), and how each is written.
 */
export const UNIT_TIME_ZONES = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' } as const;
export type UnitTimeZone = keyof typeof UNIT_TIME_ZONES;
export const UNIT_TIME_ZONE_IDS = Object.keys(UNIT_TIME_ZONES) as [UnitTimeZone, ...UnitTimeZone[]];

/** Their offsets from UTC (Indonesia keeps no daylight saving time), for calendar-day bounds. */
export const UNIT_TIME_ZONE_OFFSETS: Record<UnitTimeZone, string> = { 'Asia/Jakarta': '+07:00', 'Asia/Makassar': '+08:00', 'Asia/Jayapura': '+09:00' };

/** WIB, WITA or WIT; any other zone by its IANA name. */
export function zoneAbbreviation(timeZone: string): string {
  return (UNIT_TIME_ZONES as Record<string, string>)[timeZone] ?? timeZone;
}

/** A moment as people read it, in a zone, with the zone named: "29 Nov 2026 20.02 WITA". */
export function formatDateTimeIn(d: Date, timeZone: string, lang: Lang): string {
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(d);
  return `${text} ${zoneAbbreviation(timeZone)}`;
}

/**
 * A stored number as a form field shows it for editing: all its digits, the language's decimal
 * separator, no thousands separator (90,5 in Indonesian, 90.5 in English). Forms accept both.
 */
export function formatDecimalInput(x: number, lang: Lang): string {
  const text = String(x);
  return lang === 'id' ? text.replace('.', ',') : text;
}
