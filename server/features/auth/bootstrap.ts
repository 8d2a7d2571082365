/**
 * The first admin, created at first start when no admin exists:
 *   ADMIN_EMAIL + ADMIN_PASSWORD set → that account, with that password;
 *   otherwise → ADMIN_EMAIL (or admin@skm.local) with a one-time password printed once to the
 *   console; the admin must choose a new password after logging in.
 * There is no default password. Once any admin exists this does nothing.
 */
import type { Config } from '../../config';
import { User } from '../../../models/user';
import { recordAudit } from '../audit';
import { hashPassword, oneTimePassword } from './password';

export const DEFAULT_ADMIN_EMAIL = 'admin@skm.local';

export interface BootstrapContext {
  config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD'>;
  log: (line: string) => void;
}

/** Returns the e-mail of the admin it created, or null when an admin already existed. */
export async function ensureFirstAdmin({ config, log }: BootstrapContext): Promise<string | null> {
  if (await User.exists({ role: 'admin' })) return null;
  const email = (config.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
  if (await User.exists({ email })) {
    log(`no admin exists, but ${email} is already a user with another role: not changed; give it the admin role in the database`);
    return null;
  }
  const given = config.ADMIN_PASSWORD;
  const password = given ?? oneTimePassword();
  const user = await User.create({
    email,
    name: 'Administrator',
    role: 'admin',
    unitId: null,
    passwordHash: await hashPassword(password),
    mustChangePassword: !given,
  });
  await recordAudit({ actor: null, action: 'user.bootstrapAdmin', target: { kind: 'user', id: user._id, label: email }, after: { email, role: 'admin' } });
  if (given) {
    log(`first admin created: ${email} (password from ADMIN_PASSWORD)`);
  } else {
    log(`first admin created: ${email}`);
    log(`one-time password (shown only now; you will choose a new one after logging in): ${password}`);
  }
  return email;
}
