/**
 * Logging in, changing a password and ending sessions: the account rules, without Express.
 * A failed login never says whether the account exists; too many failures are throttled.
 */
import type { Types } from 'mongoose';
import { Unit } from '../../../models/unit';
import { User } from '../../../models/user';
import { Invalid, TooManyRequests } from '../../errors';
import { recordAudit } from '../audit';
import { dummyHash, hashPassword, verifyPassword } from './password';
import { reserveLoginAttempt, type LoginSubject } from './throttle.service';

export interface LoggedIn {
  userId: string;
  sessionVersion: number;
  mustChangePassword: boolean;
}

/**
 * Check e-mail and password from `who.client`. The attempt is reserved before the password is
 * verified (see throttle.service), so requests sent at once cannot slip past the limits.
 * Throws TooManyRequests when throttled and Invalid (one message for every kind of failure)
 * when the credentials do not match.
 */
export async function login(email: string, password: string, who: Omit<LoginSubject, 'email'>, now: Date): Promise<LoggedIn> {
  const reserved = await reserveLoginAttempt({ ...who, email }, now.getTime());
  if (!reserved.ok) throw new TooManyRequests(reserved.retryAfterSeconds, reserved.slowedDown ? 'auth.slowedDown' : 'auth.throttled');
  const user = await User.findOne({ email: email.trim().toLowerCase() }, { passwordHash: 1, sessionVersion: 1, disabled: 1, mustChangePassword: 1 });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  if (!user || !ok || user.disabled) {
    await reserved.attempt.failed();
    throw new Invalid({ email: 'auth.badCredentials' }, 'auth.badCredentials');
  }
  await reserved.attempt.succeeded();
  await User.updateOne({ _id: user._id }, { $set: { lastLoginAt: now } });
  return { userId: String(user._id), sessionVersion: user.sessionVersion, mustChangePassword: user.mustChangePassword };
}

/** End every session of the user (theirs included): returns the new session version. */
export async function bumpSessionVersion(userId: string): Promise<number> {
  const u = await User.findOneAndUpdate({ _id: userId }, { $inc: { sessionVersion: 1 } }, { new: true }).lean();
  return u?.sessionVersion ?? 0;
}

export async function logoutEverywhere(actor: { id: string; email: string; name: string }): Promise<number> {
  const version = await bumpSessionVersion(actor.id);
  await recordAudit({ actor, action: 'account.logoutEverywhere', target: { kind: 'user', id: actor.id, label: actor.email } });
  return version;
}

/**
 * Change the user's password after checking the current one. Other sessions end (the
 * version is bumped); the caller keeps the current session on the returned version.
 */
export async function changePassword(actor: { id: string; email: string; name: string }, input: { current: string; password: string }): Promise<number> {
  const user = await User.findById(actor.id, { passwordHash: 1 });
  if (!user || !(await verifyPassword(user.passwordHash, input.current))) {
    throw new Invalid({ current: 'auth.currentWrong' });
  }
  if (input.current === input.password) throw new Invalid({ password: 'auth.passwordSame' });
  const passwordHash = await hashPassword(input.password);
  const u = await User.findOneAndUpdate(
    { _id: user._id },
    { $set: { passwordHash, mustChangePassword: false }, $inc: { sessionVersion: 1 } },
    { new: true },
  ).lean();
  await recordAudit({ actor, action: 'account.passwordChange', target: { kind: 'user', id: actor.id, label: actor.email } });
  return u?.sessionVersion ?? 0;
}

/** The name of the user's unit, for the account page (null without a unit). */
export async function unitName(unitId: Types.ObjectId | null): Promise<string | null> {
  const unit = unitId ? await Unit.findById(unitId, { name: 1 }).lean() : null;
  return unit?.name ?? null;
}
