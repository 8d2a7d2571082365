/**
 * Exact rational arithmetic on BigInt, used inside the method module so that the index is
 * computed at full precision and rounded only once, at display (reference 2.5, "Rounding and
 * weight caveats": keep full precision internally, round only for display).
 *
 * Binary floating point cannot hold 1/9, 1.005 or 88.305 exactly; a score that is exactly
 * 88.305 could come out as 88.30499999999999 and be graded B instead of A. Working on exact
 * fractions removes that class of error: every IKM is a ratio of integers (sums of scores
 * over answer counts), so it is represented exactly until it is turned into a number.
 *
 * Internal to server/ikm; not re-exported from index.ts.
 */

/** A fraction n/d in lowest terms with d > 0. */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = abs(a);
  let y = abs(b);
  while (y !== 0n) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** Builds n/d in lowest terms; throws on a zero denominator. */
export function rat(n: bigint, d: bigint = 1n): Rational {
  if (d === 0n) throw new RangeError('rational with zero denominator');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d);
  return g > 1n ? { n: n / g, d: d / g } : { n, d };
}

export const ZERO: Rational = { n: 0n, d: 1n };

export function fromInt(x: number | bigint): Rational {
  return { n: BigInt(x), d: 1n };
}

export function add(a: Rational, b: Rational): Rational {
  return rat(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return rat(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Rational, b: Rational): Rational {
  return rat(a.n * b.n, a.d * b.d);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError('division by zero');
  return rat(a.n * b.d, a.d * b.n);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compare(a: Rational, b: Rational): number {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function min(a: Rational, b: Rational): Rational {
  return compare(a, b) <= 0 ? a : b;
}

/**
 * The exact decimal value a JavaScript number stands for: its shortest round-trip decimal
 * representation (what `String(x)` prints). This is the "exact decimal" the user typed or the
 * report printed: 1.005 is read as 1005/1000, not as the binary double 1.00499999999999989….
 */
export function fromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return fromDecimalString(String(x));
}

/** Parses a plain or exponent decimal string such as "-92.255", "1e-7", "1.5e+21". */
export function fromDecimalString(s: string): Rational {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal: ${s}`);
  const sign = m[1] === '-' ? -1n : 1n;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? '0') - frac.length;
  const digits = BigInt(intPart + frac || '0');
  return exp >= 0 ? rat(sign * digits * 10n ** BigInt(exp)) : rat(sign * digits, 10n ** BigInt(-exp));
}

/** How a value is cut to a number of decimals. */
export type RoundingMode = 'half-up' | 'truncate';

/**
 * Rounds r to `decimals` places. 'half-up' rounds a tie away from zero (as Excel's ROUND and
 * the hand calculations in agency reports do: 1.005 → 1.01, -1.005 → -1.01); 'truncate'
 * drops the extra digits toward zero (how some LKjIP tables print capaian, reference 6).
 * Returns the scaled integer: the result is `scaled / 10^decimals`.
 */
export function roundScaled(r: Rational, decimals: number, mode: RoundingMode): bigint {
  if (!Number.isInteger(decimals) || decimals < 0) throw new RangeError(`decimals must be a non-negative integer: ${decimals}`);
  const scale = 10n ** BigInt(decimals);
  const num = abs(r.n) * scale;
  const q = mode === 'half-up' ? (2n * num + r.d) / (2n * r.d) : num / r.d;
  return r.n < 0n ? -q : q;
}

/** r rounded (or truncated) to `decimals` places, as an exact rational. */
export function roundTo(r: Rational, decimals: number, mode: RoundingMode): Rational {
  return rat(roundScaled(r, decimals, mode), 10n ** BigInt(decimals));
}

/** Fixed-point text of r with exactly `decimals` digits after a '.', e.g. "-92.26". */
export function toFixedString(r: Rational, decimals: number, mode: RoundingMode): string {
  const scaled = roundScaled(r, decimals, mode);
  const neg = scaled < 0n;
  const digits = abs(scaled)
    .toString()
    .padStart(decimals + 1, '0');
  const int = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  const body = decimals > 0 ? `${int}.${frac}` : int;
  return neg ? `-${body}` : body;
}

/**
 * The double nearest to r. The quotient is computed to 40 significant digits with integer
 * division and parsed by the engine, which rounds that decimal correctly.
 */
export function toNumber(r: Rational): number {
  if (r.n === 0n) return 0;
  const neg = r.n < 0n;
  const n = abs(r.n);
  // Choose a power of ten so the integer quotient carries about 40 significant digits.
  const digitsN = n.toString().length;
  const digitsD = r.d.toString().length;
  const shift = 40 - (digitsN - digitsD);
  const q = shift >= 0 ? (n * 10n ** BigInt(shift)) / r.d : n / (r.d * 10n ** BigInt(-shift));
  const value = Number(`${q.toString()}e${-shift}`);
  return neg ? -value : value;
}
