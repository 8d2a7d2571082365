/**
 * The IKM computation (reference 2.5):
 *
 *   NRR_j        = Σ scores of element j ÷ respondents who answered element j
 *   weight       = 1 / k                              (equal weights, reference 2.5 step 2)
 *   NRR tertimbang_j = NRR_j × weight
 *   IKM (1–4)    = Σ_j NRR tertimbang_j
 *   score        = IKM × 25                           (25–100, "nilai interval konversi")
 *
 * Everything is exact (rationals) and rounded only at display. A blank is not a zero: an
 * element's NRR divides by the respondents who answered it (reference 2.5, recommendation on
 * item non-response; issue 3).
 *
 * Agencies often published figures computed with shortened weights (0,111 for 9 elements,
 * 0,071 for 14) or with rounded NRRs; those are reproduced only on request with
 * {@link ComputeOptions} (reference 2.5 caveats, 2.11 example B, 3.4).
 */
import { IkmAccumulator, type Answer, type ScoreCounts, type Tally } from './accumulator';
import { IkmError } from './errors';
import { classifyExact, type Grade, type Performance } from './grades';
import { add, compare, fromInt, fromNumber, mul, rat, roundTo, toNumber, ZERO, type Rational } from './rational';
import { elementCode, type ElementSet, type LocalizedText } from './templates';

/**
 * Legacy rounding steps, each half-up to N decimals, to reproduce a published report.
 * Leave all unset for the exact method (the default).
 */
export interface ComputeOptions {
  /** Round the weight 1/k to N decimals (3 → 0,111 for k = 9; 0,071 for k = 14). */
  readonly weightDecimals?: number;
  /** Round each element's NRR to N decimals before weighting. */
  readonly nrrDecimals?: number;
  /** Round each weighted NRR to N decimals before summing. */
  readonly weightedDecimals?: number;
}

/** Per-element figures. All numbers unrounded (beyond any legacy option asked for). */
export interface ElementResult {
  readonly key: string;
  /** Column code in questionnaire order: U1…Uk. */
  readonly code: string;
  readonly name: LocalizedText;
  /** Respondents who answered this element. */
  readonly answered: number;
  /** Sum of the scores given (Σ nilai). */
  readonly total: number;
  /** Mean score on 1–4 over those who answered (NRR), after `nrrDecimals` if set. */
  readonly nrr: number;
  /** NRR × weight (NRR tertimbang), after `weightedDecimals` if set. */
  readonly weighted: number;
  /** NRR × 25, on the 25–100 scale. */
  readonly score: number;
  readonly grade: Grade;
  readonly performance: Performance;
  /** How many answered 1, 2, 3, 4. */
  readonly distribution: ScoreCounts;
}

/** The whole result of a survey. */
export interface IkmResult {
  readonly setId: ElementSet['id'];
  readonly gradeTable: ElementSet['gradeTable'];
  /** Number of elements. */
  readonly k: number;
  /** The weight used: exactly 1/k, or its rounded value under `weightDecimals`. */
  readonly weight: number;
  /** Respondents (rows with at least one answer). */
  readonly respondents: number;
  /** Respondents who answered every element; null when computed from counts without it. */
  readonly completeRespondents: number | null;
  readonly elements: readonly ElementResult[];
  /** The index on the 1–4 scale (NI). */
  readonly ikm: number;
  /** The converted index on 25–100 (NIK), IKM × 25. */
  readonly score: number;
  /** `score` rounded half-up to 2 decimals: the value the grade is read from and reports print. */
  readonly scoreRounded: number;
  readonly grade: Grade;
  readonly performance: Performance;
  /** Keys of the element(s) with the highest exact NRR; more than one on a tie. */
  readonly highest: readonly string[];
  /** Keys of the element(s) with the lowest exact NRR; more than one on a tie. */
  readonly lowest: readonly string[];
  readonly options: ComputeOptions;
}

const TWENTY_FIVE = fromInt(25);

/** Only the three legacy options, without undefined entries (so results compare equal). */
function stripUndefined(o: ComputeOptions): ComputeOptions {
  const out: { weightDecimals?: number; nrrDecimals?: number; weightedDecimals?: number } = {};
  if (o.weightDecimals !== undefined) out.weightDecimals = o.weightDecimals;
  if (o.nrrDecimals !== undefined) out.nrrDecimals = o.nrrDecimals;
  if (o.weightedDecimals !== undefined) out.weightedDecimals = o.weightedDecimals;
  return out;
}

function checkDecimals(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > 12) {
    throw new IkmError('invalid-option', `${name} must be an integer from 0 to 12, got ${value}`);
  }
}

function maybeRound(r: Rational, decimals: number | undefined): Rational {
  return decimals === undefined ? r : roundTo(r, decimals, 'half-up');
}

function checkCounts(set: ElementSet, counts: readonly ScoreCounts[]): void {
  if (counts.length !== set.elements.length) {
    throw new IkmError('element-count-mismatch', `expected counts for ${set.elements.length} elements, got ${counts.length}`);
  }
  counts.forEach((c, j) => {
    if (c.length !== 4 || !c.every((x) => Number.isSafeInteger(x) && x >= 0)) {
      throw new IkmError('invalid-count', `counts of ${elementCode(j)} must be four non-negative integers`, j);
    }
  });
}

/** Keys of the elements whose value equals the extreme under `better` (ties kept). */
function extremes(keys: readonly string[], values: readonly Rational[], sign: 1 | -1): string[] {
  let best = values[0]!;
  for (const v of values) if (compare(v, best) * sign > 0) best = v;
  return keys.filter((_, j) => compare(values[j]!, best) === 0);
}

/**
 * Computes the index from a tally (per-element counts plus respondent numbers). This is the
 * single implementation behind {@link computeFromAnswers} and {@link computeFromCounts}.
 *
 * @throws IkmError 'no-answers' when nobody answered, 'element-unanswered' when one element
 *   has no answer (its NRR is undefined), 'invalid-option' for a bad decimals option.
 */
export function computeFromTally(set: ElementSet, tally: Tally, options: ComputeOptions = {}): IkmResult {
  checkDecimals('weightDecimals', options.weightDecimals);
  checkDecimals('nrrDecimals', options.nrrDecimals);
  checkDecimals('weightedDecimals', options.weightedDecimals);
  checkCounts(set, tally.counts);
  const k = set.elements.length;
  const answeredAll = tally.counts.map((c) => c[0] + c[1] + c[2] + c[3]);
  if (answeredAll.every((n) => n === 0)) throw new IkmError('no-answers', 'no element has any answer');
  const empty = answeredAll.findIndex((n) => n === 0);
  if (empty >= 0) throw new IkmError('element-unanswered', `${elementCode(empty)} has no answer`, empty);

  const weight = maybeRound(rat(1n, BigInt(k)), options.weightDecimals);
  const exactNrr: Rational[] = [];
  let ikm = ZERO;
  const elements = set.elements.map((def, j): ElementResult => {
    const c = tally.counts[j]!;
    const answered = answeredAll[j]!;
    const total = c[0] + 2 * c[1] + 3 * c[2] + 4 * c[3];
    const nrrExact = rat(BigInt(total), BigInt(answered));
    exactNrr.push(nrrExact);
    const nrr = maybeRound(nrrExact, options.nrrDecimals);
    const weighted = maybeRound(mul(nrr, weight), options.weightedDecimals);
    ikm = add(ikm, weighted);
    const score = mul(nrr, TWENTY_FIVE);
    const cls = classifyExact(score, set.gradeTable);
    return {
      key: def.key,
      code: elementCode(j),
      name: def.name,
      answered,
      total,
      nrr: toNumber(nrr),
      weighted: toNumber(weighted),
      score: toNumber(score),
      grade: cls.grade,
      performance: cls.performance,
      distribution: [c[0], c[1], c[2], c[3]],
    };
  });
  const score = mul(ikm, TWENTY_FIVE);
  const cls = classifyExact(score, set.gradeTable);
  const keys = set.elements.map((e) => e.key);
  return {
    setId: set.id,
    gradeTable: set.gradeTable,
    k,
    weight: toNumber(weight),
    respondents: tally.respondents,
    completeRespondents: tally.completeRespondents,
    elements,
    ikm: toNumber(ikm),
    score: toNumber(score),
    scoreRounded: cls.rounded,
    grade: cls.grade,
    performance: cls.performance,
    highest: extremes(keys, exactNrr, 1),
    lowest: extremes(keys, exactNrr, -1),
    options: stripUndefined(options),
  };
}

/**
 * Computes the index from per-respondent answers: one row per respondent, one entry per
 * element in set order, each 1–4 or null (blank). Rows with no answer at all are skipped.
 */
export function computeFromAnswers(set: ElementSet, answers: Iterable<readonly Answer[]>, options: ComputeOptions = {}): IkmResult {
  const acc = new IkmAccumulator(set.elements.length);
  for (const row of answers) acc.add(row);
  return computeFromTally(set, acc.tally(), options);
}

/** Respondent numbers that per-element counts cannot tell. */
export interface CountsMeta {
  /** Total respondents; defaults to the largest number of answers of any element. */
  readonly respondents?: number;
  /** Respondents who answered every element; unknown (null) when not given. */
  readonly completeRespondents?: number;
}

/**
 * Computes the index from per-element score counts `[c1, c2, c3, c4]` (how many answered
 * 1, 2, 3, 4). Gives the same figures as {@link computeFromAnswers} on the same answers.
 */
export function computeFromCounts(set: ElementSet, counts: readonly ScoreCounts[], options: ComputeOptions & CountsMeta = {}): IkmResult {
  checkCounts(set, counts);
  const answered = counts.map((c) => c[0] + c[1] + c[2] + c[3]);
  const most = Math.max(...answered);
  const respondents = options.respondents ?? most;
  if (!Number.isSafeInteger(respondents) || respondents < most) {
    throw new IkmError('invalid-count', `respondents (${respondents}) cannot be fewer than an element's answers (${most})`);
  }
  const complete = options.completeRespondents;
  if (complete !== undefined && (!Number.isSafeInteger(complete) || complete < 0 || complete > Math.min(...answered))) {
    throw new IkmError('invalid-count', `completeRespondents (${complete}) must be between 0 and the fewest answers of an element`);
  }
  const { weightDecimals, nrrDecimals, weightedDecimals } = options;
  const tally: Tally = { counts, respondents, completeRespondents: complete ?? 0, blankRows: 0 };
  const result = computeFromTally(set, tally, { weightDecimals, nrrDecimals, weightedDecimals });
  return { ...result, completeRespondents: complete ?? null };
}

/**
 * The score (25–100) from already-averaged NRRs, as printed in an old report, for checking a
 * published figure (reference 3.4 lists only NRRs). Same options as the main computation.
 */
export function scoreFromNrrs(nrrs: readonly number[], options: ComputeOptions = {}): number {
  checkDecimals('weightDecimals', options.weightDecimals);
  checkDecimals('nrrDecimals', options.nrrDecimals);
  checkDecimals('weightedDecimals', options.weightedDecimals);
  if (nrrs.length < 1) throw new IkmError('no-answers', 'at least one NRR is required');
  const weight = maybeRound(rat(1n, BigInt(nrrs.length)), options.weightDecimals);
  let ikm = ZERO;
  for (const x of nrrs) {
    const nrr = maybeRound(ratFromNumber(x), options.nrrDecimals);
    ikm = add(ikm, maybeRound(mul(nrr, weight), options.weightedDecimals));
  }
  return toNumber(mul(ikm, TWENTY_FIVE));
}

function ratFromNumber(x: number): Rational {
  if (!Number.isFinite(x) || x < 1 || x > 4) throw new IkmError('invalid-option', `an NRR must be between 1 and 4, got ${x}`);
  return fromNumber(x);
}
