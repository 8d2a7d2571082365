/**
 * Application errors. Each carries an HTTP status and a message key from server/i18n,
 * so the central error handler can answer in the user's language. No Express here.
 */
import type { MessageKey } from './i18n';

export type FieldErrors = Record<string, MessageKey | { key: MessageKey; params?: Record<string, string | number> }>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
    this.name = new.target.name;
  }
}

export class NotFound extends AppError {
  constructor(messageKey: MessageKey = 'error.notFound') {
    super(404, 'not_found', messageKey);
  }
}

export class Invalid extends AppError {
  constructor(
    readonly fields: FieldErrors,
    messageKey: MessageKey = 'error.invalid',
  ) {
    super(422, 'invalid', messageKey);
  }
}

export class BadRequest extends AppError {
  constructor(messageKey: MessageKey = 'error.badRequest', params?: Record<string, string | number>) {
    super(400, 'bad_request', messageKey, params);
  }
}

export class Unauthorized extends AppError {
  constructor(messageKey: MessageKey = 'error.unauthorized') {
    super(401, 'unauthorized', messageKey);
  }
}

export class Forbidden extends AppError {
  constructor(messageKey: MessageKey = 'error.forbidden') {
    super(403, 'forbidden', messageKey);
  }
}

export class Conflict extends AppError {
  constructor(messageKey: MessageKey = 'error.conflict', params?: Record<string, string | number>) {
    super(409, 'conflict', messageKey, params);
  }
}

export class PayloadTooLarge extends AppError {
  constructor() {
    super(413, 'payload_too_large', 'error.payloadTooLarge');
  }
}

export class TooManyRequests extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    messageKey: MessageKey = 'error.tooManyRequests',
  ) {
    super(429, 'too_many_requests', messageKey, { seconds: retryAfterSeconds });
  }
}

/** The database (or another dependency) cannot be reached: 503, try again later. */
export class Unavailable extends AppError {
  constructor(messageKey: MessageKey = 'error.unavailable') {
    super(503, 'unavailable', messageKey);
  }
}

const UNAVAILABLE_ERROR_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/** True for driver errors that mean "the database is not reachable right now". */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNAVAILABLE_ERROR_NAMES.has(err.name)) return true;
  // Mongoose wraps buffering timeouts ("Operation `x.find()` buffering timed out") in a MongooseError.
  if (err.name === 'MongooseError' && /buffering timed out|before initial connection|Client must be connected/.test(err.message)) {
    return true;
  }
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}

/** MongoDB duplicate-key error (E11000), e.g. from a unique index. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
