/**
 * Minimum sample size by Krejcie & Morgan (reference 2.7), the table 14/2017 tells units to use:
 *
 *   S = λ² · N · P · Q / (d² · (N − 1) + λ² · P · Q),  λ² = 3,841, P = Q = 0,5, d = 0,05
 *
 * Rounded to the nearest integer (half-up), which reproduces every row of the published table;
 * never more than N. Between table rows the formula is used directly (the reference's
 * recommended lookup rule), not the next table row.
 */
import { IkmError } from './errors';
import { rat, roundScaled, toNumber, type Rational } from './rational';

/**
 * With λ² = 3841/1000, P·Q = 1/4, d² = 1/400 and both sides multiplied by 4000, the formula
 * becomes S = 3841·N / (10·(N − 1) + 3841): exact in integers.
 */
function exactSample(population: number): Rational {
  const n = BigInt(population);
  return rat(3841n * n, 10n * (n - 1n) + 3841n);
}

function checkPopulation(population: number): void {
  if (!Number.isSafeInteger(population) || population < 1) {
    throw new IkmError('invalid-option', `population must be a whole number ≥ 1, got ${population}`);
  }
}

/**
 * The minimum number of respondents for a population of `population` service users.
 * @example krejcieMorgan(1200) === 291; krejcieMorgan(100000) === 383
 */
export function krejcieMorgan(population: number): number {
  checkPopulation(population);
  const s = Number(roundScaled(exactSample(population), 0, 'half-up'));
  return Math.min(s, population);
}

/** The unrounded formula value, for showing how the table value came about. */
export function krejcieMorganExact(population: number): number {
  checkPopulation(population);
  return toNumber(exactSample(population));
}

/** Whether a survey reached its minimum sample. */
export interface SampleAdequacy {
  readonly population: number;
  readonly required: number;
  readonly respondents: number;
  readonly adequate: boolean;
  /** Respondents still missing (0 when adequate). */
  readonly shortfall: number;
}

/** Compares a survey's respondents with the Krejcie–Morgan minimum for its population. */
export function sampleAdequacy(population: number, respondents: number): SampleAdequacy {
  const required = krejcieMorgan(population);
  if (!Number.isSafeInteger(respondents) || respondents < 0) {
    throw new IkmError('invalid-option', `respondents must be a whole number ≥ 0, got ${respondents}`);
  }
  return { population, required, respondents, adequate: respondents >= required, shortfall: Math.max(0, required - respondents) };
}
