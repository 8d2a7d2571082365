/**
 * Achievement against a target (capaian kinerja, reference 6), the comparison that goes into
 * the annual performance report ("target 90, realisasi 92,26, capaian 102,5%").
 *
 *   higher is better: realization ÷ target × 100
 *   lower is better:  (2 − realization ÷ target) × 100
 *
 * Computed exactly on the decimal values given; the cap and the display rule are options,
 * because agencies differ (reference 6: uncapped LKjIP tables, a 100% cap, the 120% cap
 * attributed to KMK 467/2014; whole percentages or 1–2 decimals, rounded or truncated).
 */
import { IkmError } from './errors';
import { div, fromInt, fromNumber, min, mul, roundTo, sub, toNumber, type RoundingMode } from './rational';

/** Direction of an indicator: an IKM is 'higher'; a complaint count or a duration is 'lower'. */
export type Polarity = 'higher' | 'lower';

/** The cap applied to the percentage. */
export type AchievementCap = 'none' | 100 | 120;

/** How the displayed achievement is cut. */
export interface AchievementOptions {
  /** Default 'higher'. */
  readonly polarity?: Polarity;
  /** Default 'none'. */
  readonly cap?: AchievementCap;
  /** Decimals shown; default 2. */
  readonly decimals?: number;
  /** 'round' (half-up, the default) or 'truncate'. */
  readonly rounding?: 'round' | 'truncate';
}

/** An achievement figure. */
export interface Achievement {
  /** Exact percentage before the cap. */
  readonly raw: number;
  /** Percentage after the cap (equal to `raw` when no cap applies). */
  readonly capped: number;
  /** `capped` rounded or truncated to the chosen decimals: the figure to publish. */
  readonly display: number;
  readonly decimals: number;
  readonly rounding: 'round' | 'truncate';
  /** True when the cap lowered the figure. */
  readonly capApplied: boolean;
}

/**
 * Achievement of `realization` against `target` in percent.
 *
 * @example achievement(92.26, 90, { decimals: 1 }).display === 102.5
 * @example achievement(99.25, 99, { cap: 100 }).display === 100
 * @example achievement(87.76, 99, { rounding: 'truncate' }).display === 88.64
 * @throws IkmError 'invalid-option' when the target is not a positive number or an option is bad.
 */
export function achievement(realization: number, target: number, options: AchievementOptions = {}): Achievement {
  const polarity = options.polarity ?? 'higher';
  const cap = options.cap ?? 'none';
  const decimals = options.decimals ?? 2;
  const rounding = options.rounding ?? 'round';
  if (!Number.isFinite(target) || target <= 0) throw new IkmError('invalid-option', `target must be a positive number, got ${target}`);
  if (!Number.isFinite(realization)) throw new IkmError('invalid-option', `realization must be a number, got ${realization}`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12) {
    throw new IkmError('invalid-option', `decimals must be an integer from 0 to 12, got ${decimals}`);
  }
  if (cap !== 'none' && cap !== 100 && cap !== 120) throw new IkmError('invalid-option', `cap must be none, 100 or 120, got ${String(cap)}`);

  const ratio = div(fromNumber(realization), fromNumber(target));
  const hundred = fromInt(100);
  const raw = polarity === 'higher' ? mul(ratio, hundred) : mul(sub(fromInt(2), ratio), hundred);
  const capped = cap === 'none' ? raw : min(raw, fromInt(cap));
  const mode: RoundingMode = rounding === 'truncate' ? 'truncate' : 'half-up';
  return {
    raw: toNumber(raw),
    capped: toNumber(capped),
    display: toNumber(roundTo(capped, decimals, mode)),
    decimals,
    rounding,
    capApplied: capped !== raw,
  };
}
