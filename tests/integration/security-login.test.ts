/**
 * Security, login throttling (issue 10, items 1 and 8; issue 12, keyed hashes): the attempt is
 * reserved before the password is checked, so requests sent at once cannot slip past the limit;
 * nobody can lock someone else's account; client addresses are stored only as keyed hashes.
 * Real app, real database; the clock is passed in and moved, never slept on.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { useTestDatabase } from '../support/db';
import { testConfig } from '../support/app';
import { createUser, csrfFrom, TEST_PASSWORD } from '../support/auth';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { LoginAttempt } from '../../models/login-attempt';
import { keyedHash } from '../../server/lib/keyed-hash';
import { reserveLoginAttempt, THROTTLE } from '../../server/features/auth/throttle.service';

useTestDatabase();

const SECRET = 'x'.repeat(40);
// Inside a window, a minute after it starts: moving the clock by seconds never crosses into the next one.
let clock = Math.floor(Date.now() / THROTTLE.windowMs) * THROTTLE.windowMs + 60_000;
const app = createApp({ config: testConfig({ TRUST_PROXY: '1', SESSION_SECRET: SECRET }), logger: createLogger('silent'), now: () => new Date(clock) });

/** The login page (for its CSRF token) and a login POST from client `ip`; the POST is returned unsent. */
async function prepareLogin(email: string, password: string, ip: string, on: Express = app) {
  const agent = request.agent(on);
  const page = await agent.get('/admin/login').set('X-Forwarded-For', ip);
  const csrf = csrfFrom(page.text);
  return { agent, send: () => agent.post('/admin/login').set('X-Forwarded-For', ip).type('form').send({ email, password, _csrf: csrf }) };
}

async function login(email: string, password: string, ip: string) {
  const p = await prepareLogin(email, password, ip);
  return p.send();
}

function statuses(results: { status: number }[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of results) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

afterEach(async () => {
  await LoginAttempt.deleteMany({});
});

describe('security: login attempts sent at once', () => {
  test('20 wrong passwords at once for one account from one client: only 5 are checked, 15 get 429', async () => {
    const user = await createUser('admin');
    const prepared = await Promise.all(Array.from({ length: 20 }, (_, i) => prepareLogin(user.email, `wrong ${i}`, '192.0.2.10')));
    const results = await Promise.all(prepared.map((p) => p.send()));
    expect(statuses(results)).toEqual({ 401: THROTTLE.maxPerAccountClient, 429: 20 - THROTTLE.maxPerAccountClient });
  }, 120_000);

  test('40 wrong logins at once from one client over 40 accounts: only 20 are checked, 20 get 429', async () => {
    const prepared = await Promise.all(Array.from({ length: 40 }, (_, i) => prepareLogin(`spray-${i}@example.go.id`, 'Password123!', '192.0.2.11')));
    const results = await Promise.all(prepared.map((p) => p.send()));
    expect(statuses(results)).toEqual({ 401: THROTTLE.maxPerClient, 429: 40 - THROTTLE.maxPerClient });
  }, 120_000); // 20 argon2 checks at once take a while on a loaded machine
});

describe('security: the reservation itself (service level, no HTTP)', () => {
  test('50 reservations at once for one account and client: exactly 5 succeed', async () => {
    const who = { email: `burst-${crypto.randomUUID()}@example.go.id`, client: '192.0.2.60', secret: SECRET };
    const results = await Promise.all(Array.from({ length: 50 }, () => reserveLoginAttempt(who, clock)));
    expect(results.filter((r) => r.ok)).toHaveLength(THROTTLE.maxPerAccountClient);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.retryAfterSeconds > 0 && !r.slowedDown)).toBe(true);
  });

  test('an attempt refused for the account gives its client slot back: the client can still try other accounts', async () => {
    const client = '192.0.2.61';
    const target = { email: 'target@example.go.id', client, secret: SECRET };
    for (let i = 0; i < 20; i += 1) {
      const r = await reserveLoginAttempt(target, clock);
      if (r.ok) await r.attempt.failed();
    }
    // 5 failures used 5 of the client's 20 slots; the 15 refused attempts used none.
    let allowed = 0;
    for (let i = 0; i < THROTTLE.maxPerClient; i += 1) {
      const r = await reserveLoginAttempt({ email: `other-${i}@example.go.id`, client, secret: SECRET }, clock);
      if (r.ok) allowed += 1;
    }
    expect(allowed).toBe(THROTTLE.maxPerClient - THROTTLE.maxPerAccountClient);
  });

  test("a success gives back this attempt and clears the client's failures for the account; the window end frees everything", async () => {
    const who = { email: 'typo@example.go.id', client: '192.0.2.62', secret: SECRET };
    for (let i = 0; i < THROTTLE.maxPerAccountClient - 1; i += 1) {
      const r = await reserveLoginAttempt(who, clock);
      if (!r.ok) throw new Error('refused too early');
      await r.attempt.failed();
    }
    const right = await reserveLoginAttempt(who, clock);
    if (!right.ok) throw new Error('the fifth attempt was refused');
    await right.attempt.succeeded();
    const again = await Promise.all(Array.from({ length: 10 }, () => reserveLoginAttempt(who, clock)));
    expect(again.filter((r) => r.ok)).toHaveLength(THROTTLE.maxPerAccountClient);
    expect((await reserveLoginAttempt(who, clock + THROTTLE.windowMs)).ok).toBe(true);
  });
});

describe('security: nobody can lock someone else out', () => {
  test('5 failures from 5 different clients: the right password from a fresh client still logs in', async () => {
    const user = await createUser('admin');
    for (let i = 0; i < THROTTLE.maxPerAccountClient; i += 1) {
      expect((await login(user.email, `wrong ${i}`, `192.0.2.${20 + i}`)).status).toBe(401);
    }
    const owner = await prepareLogin(user.email, TEST_PASSWORD, '198.51.100.99');
    expect((await owner.send()).status).toBe(303);
    expect((await owner.agent.get('/admin')).status).toBe(200);
  });

  test("the attacker's own client is throttled for that account while the owner logs in from another", async () => {
    const user = await createUser('admin');
    for (let i = 0; i < THROTTLE.maxPerAccountClient; i += 1) await login(user.email, `wrong ${i}`, '192.0.2.30');
    expect((await login(user.email, TEST_PASSWORD, '192.0.2.30')).status).toBe(429);
    expect((await login(user.email, TEST_PASSWORD, '192.0.2.31')).status).toBe(303);
  });

  test('an account under a spread-out attack is slowed down to one attempt per interval, never locked', async () => {
    const user = await createUser('admin');
    // The attack: slowAccountAfter failures, each from its own client (recorded through the service).
    for (let i = 0; i < THROTTLE.slowAccountAfter; i += 1) {
      const r = await reserveLoginAttempt({ email: user.email, client: `10.1.${Math.floor(i / 200)}.${i % 200}`, secret: SECRET }, clock);
      if (!r.ok) throw new Error(`attempt ${i} was refused`);
      await r.attempt.failed();
    }
    // One more try in this interval goes through; the next in the same interval waits a few seconds.
    expect((await login(user.email, 'still guessing', '192.0.2.40')).status).toBe(401);
    const slowed = await login(user.email, TEST_PASSWORD, '198.51.100.40');
    expect(slowed.status).toBe(429);
    expect(slowed.text).toContain('Akun ini sedang menerima banyak percobaan masuk');
    expect(Number(slowed.headers['retry-after'])).toBeLessThanOrEqual(Math.ceil(THROTTLE.slowIntervalMs / 1000));
    // The owner tries again a moment later and gets in.
    clock += THROTTLE.slowIntervalMs;
    expect((await login(user.email, TEST_PASSWORD, '198.51.100.40')).status).toBe(303);
  });
});

describe('security: what a throttling record reveals', () => {
  test('client addresses and e-mails are stored as keyed hashes (HMAC), not plain SHA-256', async () => {
    const ip = '192.0.2.77';
    const email = 'someone@example.go.id';
    expect((await login(email, 'wrong', ip)).status).toBe(401);
    const ids = (await LoginAttempt.find({}).lean()).map((d) => String(d._id)).join('\n');
    const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex').slice(0, 32);
    expect(ids).toContain(keyedHash(SECRET, 'login-client', ip));
    expect(ids).toContain(keyedHash(SECRET, 'login-account', email));
    expect(ids).not.toContain(sha(ip));
    expect(ids).not.toContain(sha(email));
    expect(ids).not.toContain(ip);
    expect(ids).not.toContain(email);
  });
});
