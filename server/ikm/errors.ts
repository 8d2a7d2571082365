/**
 * The one error type of the method module. Callers (the CLI, the web features) turn `code`
 * and `element` into a message in their language; the module itself stays language-free.
 */

/** Why a computation was refused. */
export type IkmErrorCode =
  /** An answer row or a counts list does not have one entry per element. */
  | 'element-count-mismatch'
  /** An answer is not an integer 1–4 (or null for "not answered"). */
  | 'invalid-score'
  /** A count is not a non-negative integer, or a respondent total is smaller than an element's answers. */
  | 'invalid-count'
  /** Nobody answered anything. */
  | 'no-answers'
  /** One element has no answer at all, so its NRR (and the index) is undefined. */
  | 'element-unanswered'
  /** An option (decimals, target, cap, population) is out of range. */
  | 'invalid-option';

/** A refused computation, with the element (zero-based index) it concerns when there is one. */
export class IkmError extends Error {
  constructor(
    readonly code: IkmErrorCode,
    message: string,
    readonly element?: number,
  ) {
    super(message);
    this.name = 'IkmError';
  }
}
