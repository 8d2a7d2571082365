/**
 * Reading one written answer score, as a spreadsheet or a form export holds it. Only an
 * integer 1–4 is a score (reference 2.3). A whole number written with decimals in either
 * notation ("4.0", "4,00", as Excel writes it) is that integer; every other fraction ("4.5",
 * "4,5", "3.99", "1.9") is refused, never truncated (issue 10: the import stored 4.5 as 4),
 * and so is anything outside 1–4.
 */
import type { Score } from './accumulator';

export type ScoreReading =
  | { readonly kind: 'blank' }
  | { readonly kind: 'score'; readonly score: Score }
  /** An integer outside 1–4 ("0", "5", "-1"). */
  | { readonly kind: 'outOfRange' }
  /** A number with a fraction, in either decimal notation ("4.5", "3,99"). */
  | { readonly kind: 'notInteger' }
  | { readonly kind: 'notANumber' };

const BLANK: ScoreReading = { kind: 'blank' };
const SCORES: readonly ScoreReading[] = [1, 2, 3, 4].map((s) => ({ kind: 'score', score: s as Score }));

function ofNumber(x: number): ScoreReading {
  if (!Number.isFinite(x)) return { kind: 'notANumber' };
  if (!Number.isInteger(x)) return { kind: 'notInteger' };
  return x >= 1 && x <= 4 ? SCORES[x - 1]! : { kind: 'outOfRange' };
}

/** True when the text is written as a number ("4", "-1", "4.5", "3,99"). */
export function looksNumeric(text: string): boolean {
  return /^[+-]?\d+(?:[.,]\d+)?$/.test(text.trim());
}

/** Reads a cell's value (text or spreadsheet number) as a score, a blank, or the reason it is none. */
export function readScore(value: string | number | null | undefined): ScoreReading {
  if (value === null || value === undefined) return BLANK;
  if (typeof value === 'number') return ofNumber(value);
  const text = value.trim();
  switch (text) {
    // The common case first: a million-row file is almost all of these.
    case '':
      return BLANK;
    case '1':
    case '2':
    case '3':
    case '4':
      return SCORES[text.charCodeAt(0) - 49]!;
  }
  if (/^[+-]?\d+$/.test(text)) return ofNumber(Number(text));
  if (looksNumeric(text)) return ofNumber(Number(text.replace(',', '.')));
  return { kind: 'notANumber' };
}
