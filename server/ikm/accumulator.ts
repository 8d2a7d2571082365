/**
 * Incremental tally for streaming input: one respondent at a time goes into per-element score
 * counts, so memory is O(k) however many rows a file has (issue 3: 1,000,000 respondents in a
 * streaming pass). The counts are all the method needs: NRR_j = Σ score / answered_j
 * (reference 2.5), and the answer distribution is the counts themselves.
 */
import { IkmError } from './errors';

/** An answer score on the 1–4 scale (1 worst, 4 best; reference 2.3). */
export type Score = 1 | 2 | 3 | 4;

/** One respondent's answer to one element: a score, or null when left blank. */
export type Answer = Score | null;

/** How many respondents gave 1, 2, 3 and 4 to one element, in that order. */
export type ScoreCounts = readonly [number, number, number, number];

/** The sufficient statistics of a survey. */
export interface Tally {
  /** One entry per element, in element order. */
  readonly counts: readonly ScoreCounts[];
  /** Rows with at least one answer. */
  readonly respondents: number;
  /** Rows that answered every element. */
  readonly completeRespondents: number;
  /** Rows with no answer at all; not respondents (a blank spreadsheet line is no questionnaire). */
  readonly blankRows: number;
}

/** True when `x` is an integer 1–4. */
export function isScore(x: unknown): x is Score {
  return x === 1 || x === 2 || x === 3 || x === 4;
}

/**
 * Who counts as a respondent, given how many of the k elements a questionnaire
 * answers with a score: none is a blank questionnaire and no respondent; all k is a complete one.
 * The one rule, for this tally and for the stored counters (server/results/counters.ts).
 */
export function respondentKind(answered: number, k: number): 'blank' | 'partial' | 'complete' {
  if (answered === 0) return 'blank';
  return answered === k ? 'complete' : 'partial';
}

/** Adds respondents one by one into per-element counts. */
export class IkmAccumulator {
  private readonly counts: Float64Array;
  private respondents = 0;
  private complete = 0;
  private blank = 0;

  /** @param k number of elements (≥ 1). */
  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1) throw new IkmError('invalid-option', `k must be an integer ≥ 1, got ${k}`);
    this.counts = new Float64Array(4 * k);
  }

  /**
   * Adds one respondent's answers (length k, each 1–4 or null).
   * @throws IkmError 'element-count-mismatch' or 'invalid-score' (nothing is added then).
   */
  add(answers: readonly Answer[]): void {
    if (answers.length !== this.k) {
      throw new IkmError('element-count-mismatch', `expected ${this.k} answers, got ${answers.length}`);
    }
    let answered = 0;
    for (let j = 0; j < this.k; j++) {
      const a = answers[j];
      if (a === null) continue;
      if (!isScore(a)) throw new IkmError('invalid-score', `answer ${String(a)} is not an integer 1–4`, j);
      answered++;
    }
    const kind = respondentKind(answered, this.k);
    if (kind === 'blank') {
      this.blank++;
      return;
    }
    for (let j = 0; j < this.k; j++) {
      const a = answers[j];
      if (a !== null && a !== undefined) this.counts[4 * j + a - 1] += 1;
    }
    this.respondents++;
    if (kind === 'complete') this.complete++;
  }

  /** A snapshot of the counts so far. */
  tally(): Tally {
    const counts: ScoreCounts[] = [];
    for (let j = 0; j < this.k; j++) {
      const o = 4 * j;
      counts.push([this.counts[o], this.counts[o + 1], this.counts[o + 2], this.counts[o + 3]]);
    }
    return { counts, respondents: this.respondents, completeRespondents: this.complete, blankRows: this.blank };
  }
}
