/** Password hashing (argon2id only) and one-time passwords. */
import crypto from 'node:crypto';
import argon2 from 'argon2';

/** Why 12: long passphrases beat complexity rules (NIST SP 800-63B); the config asks the same. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

/** argon2id's cost: argon2's defaults, 64 MiB, 3 passes, 4 lanes (OWASP's minimums are lower). */
const STANDARD_COST = { memoryCost: 65536, timeCost: 3, parallelism: 4 } as const;
let cost: { memoryCost: number; timeCost: number; parallelism: number } = STANDARD_COST;

/**
 * The test suite's cost: 1 MiB, 1 pass, 1 lane. Called by the jest setup file only
 * (tests/support/setup.ts), so the suite's hundreds of logins, account creations and unknown-account
 * checks stay fast; hashes are still real argon2id. Refused outside NODE_ENV=test, and nothing
 * in the app calls it (tests/unit/password.test.ts checks that a started app hashes at full cost).
 */
export function useTestPasswordHashCost(): void {
  if (process.env.NODE_ENV !== 'test') throw new Error('the low password-hash cost is for tests only (NODE_ENV=test)');
  cost = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the account does not exist, so the
 * answer takes as long as for a real account (no user enumeration by timing). */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  return dummy;
}

/** A one-time password: 18 random characters from an alphabet without look-alikes. */
export function oneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(18);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
