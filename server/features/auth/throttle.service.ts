/**
 * Login throttling, per account and per client, stored in the database so every app instance
 * sees the same counts. Failures are counted in 5-minute buckets; an account (or a client) with
 * too many failures in the last 15 minutes is refused with a friendly 429 until enough buckets
 * have aged out. A successful login clears the account's failures. Old buckets are removed by a
 * sweep that runs at most once a minute, piggy-backed on login attempts (no TTL index, no timer).
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { LoginAttempt } from '../../../models/login-attempt';

export const THROTTLE = {
  bucketMs: 5 * 60 * 1000,
  windowMs: 15 * 60 * 1000,
  /** Failures allowed for one e-mail address within the window. */
  maxPerAccount: 5,
  /** Failures allowed from one client address within the window (across accounts). */
  maxPerClient: 20,
  sweepEveryMs: 60 * 1000,
} as const;

function hash(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex').slice(0, 32);
}

export function accountSubject(email: string): string {
  return `acct:${hash(email.trim().toLowerCase())}`;
}

export function clientSubject(ip: string): string {
  return `client:${hash(ip)}`;
}

let lastSweep = 0;

/** Delete the buckets that no longer count. Returns how many were removed. */
export async function sweepLoginAttempts(now = Date.now()): Promise<number> {
  lastSweep = now;
  const r = await LoginAttempt.deleteMany({ expiresAt: mongoose.trusted({ $lt: new Date(now) }) });
  return r.deletedCount;
}

async function sweep(now: number): Promise<void> {
  if (now - lastSweep < THROTTLE.sweepEveryMs) return;
  await sweepLoginAttempts(now);
}

async function failuresInWindow(subject: string, now: number): Promise<{ count: number; oldest: number | null }> {
  const since = new Date(now - THROTTLE.windowMs);
  const buckets = await LoginAttempt.find({ subject, bucketStart: mongoose.trusted({ $gt: since }) }, { failures: 1, bucketStart: 1 }).lean();
  let count = 0;
  let oldest: number | null = null;
  for (const b of buckets) {
    count += b.failures;
    const t = b.bucketStart.getTime();
    if (oldest === null || t < oldest) oldest = t;
  }
  return { count, oldest };
}

/**
 * Seconds until a login may be tried again, or 0 when it may be tried now.
 * Checked before the password is verified, so a blocked attacker learns nothing.
 */
export async function loginBlockedFor(email: string, ip: string, now = Date.now()): Promise<number> {
  await sweep(now);
  const checks: [string, number][] = [
    [accountSubject(email), THROTTLE.maxPerAccount],
    [clientSubject(ip), THROTTLE.maxPerClient],
  ];
  let wait = 0;
  for (const [subject, max] of checks) {
    const { count, oldest } = await failuresInWindow(subject, now);
    if (count >= max && oldest !== null) {
      wait = Math.max(wait, Math.ceil((oldest + THROTTLE.windowMs - now) / 1000));
    }
  }
  return Math.max(0, wait);
}

export async function recordLoginFailure(email: string, ip: string, now = Date.now()): Promise<void> {
  const bucketStart = Math.floor(now / THROTTLE.bucketMs) * THROTTLE.bucketMs;
  const expiresAt = new Date(bucketStart + THROTTLE.bucketMs + THROTTLE.windowMs);
  for (const subject of [accountSubject(email), clientSubject(ip)]) {
    await LoginAttempt.updateOne(
      { _id: `${subject}:${bucketStart}` },
      { $inc: { failures: 1 }, $setOnInsert: { subject, bucketStart: new Date(bucketStart), expiresAt } },
      { upsert: true },
    );
  }
}

export async function clearAccountFailures(email: string): Promise<void> {
  await LoginAttempt.deleteMany({ subject: accountSubject(email) });
}
