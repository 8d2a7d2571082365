/**
 * Application errors. Each carries an HTTP status and a message key from server/i18n,
 * so the central error handler can answer in the user's language. No Express here.
 */
import { types } from 'node:util';
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

/** Node socket error codes of a connection the other side closed (seen when the driver writes to it). */
const SOCKET_GONE_CODES = new Set(['EPIPE', 'ECONNRESET']);

/** Server error codes meaning "not now": shutting down, stepped down, timed out, interrupted. */
const UNAVAILABLE_CODES = new Set([6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * What the store says when it cannot write or answer now: a read-only or full data store, a lost
 * connection seen through a bulk write, a reply the driver could not read (FerretDB's "BSON
 * element cursor is missing" during a restart).
 */
const UNAVAILABLE_MESSAGES =
  /readonly database|read-only|disk is full|no space left|disk I\/O error|database is locked|connection (?:\d+ to .* )?(?:closed|reset)|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|server is closed|BSON element cursor is missing|Topology is closed|pool (?:was )?cleared/i;

/** True for driver errors that mean "the database is not reachable (or cannot write) right now": answer 503 with Retry-After. */
export function isDatabaseUnavailable(err: unknown): boolean {
  // isNativeError: Node's own errors (sockets) come from another realm under test runners.
  if (!(err instanceof Error || types.isNativeError(err))) return false;
  if (UNAVAILABLE_ERROR_NAMES.has(err.name)) return true;
  const labels = (err as { errorLabelSet?: Set<string> }).errorLabelSet;
  if (labels && (labels.has('RetryableWriteError') || labels.has('ResetPool') || labels.has('TransientTransactionError'))) return true;
  const code = (err as { code?: unknown }).code;
  if (err.name.startsWith('Mongo') && typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
  // A bulk write (insertMany) whose connection was lost fails as a whole with the network error inside.
  if (err.name.startsWith('Mongo') && UNAVAILABLE_MESSAGES.test(err.message)) return true;
  const inner = (err as { writeErrors?: unknown; errorResponse?: { errmsg?: unknown } }).errorResponse?.errmsg;
  if (typeof inner === 'string' && UNAVAILABLE_MESSAGES.test(inner)) return true;
  // Mongoose wraps buffering timeouts ("Operation `x.find()` buffering timed out") in a MongooseError.
  if (err.name === 'MongooseError' && /buffering timed out|before initial connection|Client must be connected/.test(err.message)) {
    return true;
  }
  // The driver writing a command to a socket the database already closed (it was killed) gets
  // Node's own error, not a MongoNetworkError: "This socket has been ended by the other party".
  if (typeof code === 'string' && SOCKET_GONE_CODES.has(code) && /ended by the other party|EPIPE|ECONNRESET/.test(`${err.message} ${err.stack ?? ''}`))
    return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}

/** MongoDB duplicate-key error (E11000), e.g. from a unique index. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}
