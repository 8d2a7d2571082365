/**
 * The two hidden fields that make a submission safe to repeat and hard to automate:
 *  - `_key`, the idempotency key: random, stored with the response under a unique index, so a
 *    double click, a refresh or a retry stores at most one response;
 *  - `_t`, the start token: when the form was served, signed with the server secret, so the
 *    minimum fill time cannot be forged by the client. It lives START_TOKEN_LIFETIME_MS: a token
 *    harvested once cannot be replayed for ever (an expired one re-renders the form with a fresh
 *    token, answers kept).
 */
import crypto from 'node:crypto';

export const KEY_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

/** How long a served form may be sent: a working day, so a tab left open over lunch still works. */
export const START_TOKEN_LIFETIME_MS = 12 * 3600 * 1000;
/** Clocks of several app instances may differ a little: a token this far in the future still counts. */
const CLOCK_SKEW_MS = 60 * 1000;

export function newIdempotencyKey(): string {
  return crypto.randomBytes(16).toString('base64url');
}

function signature(secret: string, slug: string, key: string, issuedAt: number): string {
  return crypto.createHmac('sha256', secret).update(`form-start|${slug}|${key}|${issuedAt}`).digest('base64url').slice(0, 32);
}

export function signStartToken(secret: string, slug: string, key: string, issuedAt: number): string {
  return `${issuedAt}.${signature(secret, slug, key, issuedAt)}`;
}

/** The time the form was served, or undefined when the token is missing, malformed, not ours or expired at `now`. */
export function verifyStartToken(secret: string, slug: string, key: string, token: string | undefined, now: number): number | undefined {
  const m = /^(\d{12,14})\.([A-Za-z0-9_-]{32})$/.exec(token ?? '');
  if (!m) return undefined;
  const issuedAt = Number(m[1]);
  if (now - issuedAt > START_TOKEN_LIFETIME_MS || issuedAt - now > CLOCK_SKEW_MS) return undefined;
  const expected = Buffer.from(signature(secret, slug, key, issuedAt));
  const given = Buffer.from(m[2]!);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? issuedAt : undefined;
}

/** The keyed hash lives in server/lib: the login throttle uses the same one. */
export { keyedHash } from '../../lib/keyed-hash';
