/**
 * The one rounding function family of the platform.
 *
 * Why not `Math.round(x * 100) / 100`, `toFixed` or `Intl.NumberFormat`: they work on the
 * binary double, so they disagree on 1.005 and 92.255 (style.md, "Pitfalls"). A published
 * score of 88,305 must print as 88,31 and be graded A (issue 3; reference 2.6). Here a number
 * is read as the exact decimal it prints as (its shortest round-trip form), and rounding is
 * done on that decimal with integer arithmetic. Views never round on their own; they call
 * {@link toFixedDecimal} (via server/i18n/format.ts) and only insert separators.
 */
import { fromNumber, roundTo, toFixedString, toNumber, type RoundingMode } from './rational';

export type { RoundingMode } from './rational';

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 20) {
    throw new RangeError(`decimals must be an integer from 0 to 20, got ${decimals}`);
  }
}

/**
 * Rounds `x` to `decimals` places, mode 'half-up' (ties away from zero) or 'truncate'
 * (toward zero), on the exact decimal value of `x`.
 *
 * @example roundDecimal(92.255, 2, 'half-up') === 92.26; roundDecimal(87.769, 2, 'truncate') === 87.76
 */
export function roundDecimal(x: number, decimals: number, mode: RoundingMode): number {
  checkDecimals(decimals);
  return toNumber(roundTo(fromNumber(x), decimals, mode));
}

/**
 * Half-up rounding to `decimals` places: 1.005 → 1.01, 92.255 → 92.26, 88.305 → 88.31,
 * -1.005 → -1.01 (a tie goes away from zero, as in Excel's ROUND).
 */
export function roundHalfUp(x: number, decimals: number): number {
  return roundDecimal(x, decimals, 'half-up');
}

/** Cuts `x` to `decimals` places toward zero: 88.6464 → 88.64, 112.63 → 112 (0 places). */
export function truncate(x: number, decimals: number): number {
  return roundDecimal(x, decimals, 'truncate');
}

/**
 * `x` rounded and written with exactly `decimals` digits after a '.', no grouping:
 * toFixedDecimal(1.005, 2) === "1.01", toFixedDecimal(-0.004, 2) === "-0.00" is avoided
 * (a rounded zero has no sign). Formatting code inserts locale separators into this text.
 */
export function toFixedDecimal(x: number, decimals: number, mode: RoundingMode = 'half-up'): string {
  checkDecimals(decimals);
  const text = toFixedString(fromNumber(x), decimals, mode);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
