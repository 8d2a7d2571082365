/**
 * Login throttling, shared by every app instance through the database.
 *
 * Why slots: the attempt must be reserved *before* the password is verified, atomically, or
 * twenty requests sent at once all pass a "count the failures" check (issue 10, item 1). On the
 * embedded engine an update is read-modify-write, so a counter document loses increments. The
 * one atomic operation it has is inserting a new `_id`. So each subject has `limit` numbered
 * slots per fixed window, `_id` = "<kind>:<keyed hash>:<window>:<n>", and an attempt takes a
 * free slot by inserting it (a duplicate key means taken; try the next one). No slot free means
 * throttled. A failed attempt keeps its slots (they are the failure record); a successful one
 * gives them back. The slots of a window expire with it and a sweep deletes them (no TTL index).
 *
 * Who is throttled, and how (issue 10, item 8: anyone must not be able to lock anyone out):
 *  - one account from one client: a few failures, then that client waits for that account;
 *  - one client across accounts: a password-spraying address waits;
 *  - one account from all clients: never locked. After many failures it is slowed down to one
 *    attempt per couple of seconds (from anyone), so the owner, with the right password, still
 *    gets in from a fresh client.
 *
 * E-mail addresses and client addresses are stored only as keyed hashes (HMAC with the server
 * secret, as the survey form does): a plain hash of an IPv4 address can be reversed.
 */
import { sweepExpired } from '../../db/sweep';
import { LoginAttempt } from '../../../models/login-attempt';
import { isDuplicateKey } from '../../errors';
import { keyedHash } from '../../lib/keyed-hash';

export const THROTTLE = {
  windowMs: 15 * 60 * 1000,
  /** Failures allowed for one account from one client within a window. */
  maxPerAccountClient: 5,
  /** Failures allowed from one client within a window, across accounts. */
  maxPerClient: 20,
  /** Failures for one account, from all clients, after which the account is slowed down. */
  slowAccountAfter: 100,
  /** Once slowed down: one attempt per interval for the account, from anyone. */
  slowIntervalMs: 2_000,
  /** A process remembers a full subject this long before it probes the slots again. */
  fullMemoMs: 10_000,
  sweepEveryMs: 60 * 1000,
} as const;

export type ThrottleLimits = typeof THROTTLE;

/** Who is trying: the e-mail typed, the client (address, IPv6 grouped by the caller), the secret. */
export interface LoginSubject {
  email: string;
  client: string;
  secret: string;
}

interface Subjects {
  pair: string;
  client: string;
  account: string;
}

function subjects(s: LoginSubject): Subjects {
  const email = s.email.trim().toLowerCase();
  return {
    pair: `pair:${keyedHash(s.secret, 'login-pair', `${email}|${s.client}`)}`,
    client: `client:${keyedHash(s.secret, 'login-client', s.client)}`,
    account: `acct:${keyedHash(s.secret, 'login-account', email)}`,
  };
}

// In-process hints, so a reservation usually costs one insert: where to start probing, and
// which subjects were full (re-probed after fullMemoMs). Entries of past windows are dropped.
let hintWindow = -1;
const nextSlot = new Map<string, number>();
const fullUntil = new Map<string, number>();

function forgetOldWindows(window: number): void {
  if (window === hintWindow) return;
  hintWindow = window;
  nextSlot.clear();
  fullUntil.clear();
}

/** Take a free slot of `key` (a subject in one window). Returns its _id, or null when all are taken. */
async function reserveSlot(key: string, limit: number, expiresAt: Date, now: number, limits: ThrottleLimits): Promise<string | null> {
  if ((fullUntil.get(key) ?? 0) > now) return null;
  const start = nextSlot.get(key) ?? 0;
  for (let k = 0; k < limit; k += 1) {
    const n = (start + k) % limit;
    const _id = `${key}:${n}`;
    try {
      await LoginAttempt.create({ _id, expiresAt });
      nextSlot.set(key, (n + 1) % limit);
      return _id;
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
    }
  }
  fullUntil.set(key, now + limits.fullMemoMs);
  return null;
}

async function release(ids: (string | null)[]): Promise<void> {
  for (const _id of ids) {
    if (!_id) continue;
    await LoginAttempt.deleteOne({ _id });
    fullUntil.delete(_id.slice(0, _id.lastIndexOf(':')));
  }
}

let lastSweep = 0;

/** Delete the slots of windows that have ended. Returns how many were removed. */
export async function sweepLoginAttempts(now: number): Promise<number> {
  lastSweep = now;
  return sweepExpired(LoginAttempt.collection, { expiresAt: { $lt: new Date(now) } });
}

/** A reserved attempt: report how it ended. */
export interface LoginReservation {
  /** The password was wrong (or no such account): keep the slots as the failure record. */
  failed(): Promise<void>;
  /** The password was right: give the slots back and clear this client's failures for the account. */
  succeeded(): Promise<void>;
}

/** Refused: `slowedDown` when only the account-wide slow-down applies (seconds), else throttled (minutes). */
export type Reservation = { ok: true; attempt: LoginReservation } | { ok: false; retryAfterSeconds: number; slowedDown: boolean };

/**
 * Reserve one login attempt before the password is checked. Refused (with the seconds to
 * wait) when this client has used its attempts for the account or overall, or when the account
 * is slowed down and someone tried it less than slowIntervalMs ago.
 */
export async function reserveLoginAttempt(who: LoginSubject, now: number, limits: ThrottleLimits = THROTTLE): Promise<Reservation> {
  if (now - lastSweep >= limits.sweepEveryMs) await sweepLoginAttempts(now);
  const window = Math.floor(now / limits.windowMs);
  forgetOldWindows(window);
  const windowEnd = (window + 1) * limits.windowMs;
  const expiresAt = new Date(windowEnd);
  const untilWindowEnd = Math.max(1, Math.ceil((windowEnd - now) / 1000));
  const s = subjects(who);

  const client = await reserveSlot(`${s.client}:${window}`, limits.maxPerClient, expiresAt, now, limits);
  if (!client) return { ok: false, retryAfterSeconds: untilWindowEnd, slowedDown: false };
  const pair = await reserveSlot(`${s.pair}:${window}`, limits.maxPerAccountClient, expiresAt, now, limits);
  if (!pair) {
    await release([client]);
    return { ok: false, retryAfterSeconds: untilWindowEnd, slowedDown: false };
  }
  let account = await reserveSlot(`${s.account}:${window}`, limits.slowAccountAfter, expiresAt, now, limits);
  if (!account) {
    // Slowed down, not locked: one attempt per interval for this account, from anyone.
    const tick = Math.floor(now / limits.slowIntervalMs);
    const tickEnd = (tick + 1) * limits.slowIntervalMs;
    account = await reserveSlot(`${s.account}:slow:${tick}`, 1, new Date(windowEnd + limits.slowIntervalMs), now, limits);
    if (!account) {
      await release([pair, client]);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((tickEnd - now) / 1000)), slowedDown: true };
    }
  }
  const pairKey = `${s.pair}:${window}`;
  return {
    ok: true,
    attempt: {
      failed: async () => undefined,
      succeeded: async () => {
        const pairSlots = Array.from({ length: limits.maxPerAccountClient }, (_, n) => `${pairKey}:${n}`);
        await release([client, account, ...pairSlots]);
        nextSlot.delete(pairKey);
      },
    },
  };
}
