/**
 * Users and logged-in supertest agents for integration tests. Users are written straight to
 * the real database (argon2id hash); logging in goes through the real login form, CSRF and all.
 * The fixture users share one hash of TEST_PASSWORD, computed once per test file by the app's own
 * hashPassword: argon2id at the suite's low cost (tests/support/setup.ts), like every account the
 * app creates in tests; logging in still verifies a real argon2id hash, only faster.
 */
import type { Express } from 'express';
import type { Types } from 'mongoose';
import request from 'supertest';
import { User, type Role } from '../../models/user';
import { hashPassword } from '../../server/features/auth/password';

let counter = 0;

export const TEST_PASSWORD = 'correct horse battery staple';

let fixtureHash: Promise<string> | undefined;
function testPasswordHash(): Promise<string> {
  fixtureHash ??= hashPassword(TEST_PASSWORD);
  return fixtureHash;
}

export async function createUser(role: Role, unitId: Types.ObjectId | null = null, email?: string) {
  counter += 1;
  return User.create({
    email: email ?? `${role}-${counter}-${Date.now()}@example.go.id`,
    name: `Test ${role} ${counter}`,
    role,
    unitId,
    passwordHash: await testPasswordHash(),
  });
}

/** The CSRF token rendered into a page's forms. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field on the page');
  return m[1]!;
}

export interface LoggedInAgent {
  agent: ReturnType<typeof request.agent>;
  /** A fresh CSRF token for the session (read from a page). */
  csrf: () => Promise<string>;
}

/** Log in through GET/POST /admin/login; fails the test when login does not succeed. */
export async function loginAs(app: Express, email: string, password = TEST_PASSWORD): Promise<LoggedInAgent> {
  const agent = request.agent(app);
  const page = await agent.get('/admin/login');
  const res = await agent
    .post('/admin/login')
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
  if (res.status !== 303 && res.status !== 302) throw new Error(`login failed for ${email}: HTTP ${res.status}`);
  return {
    agent,
    csrf: async () => csrfFrom((await agent.get('/admin/account')).text),
  };
}
