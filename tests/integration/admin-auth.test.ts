/**
 * Accounts: login (no user enumeration), throttling per account and per client, session
 * expiry, logout, logout everywhere, password change, one-time passwords, first-admin
 * bootstrap and CSRF rejection. Real database, real app, no mocks.
 */
import request from 'supertest';
import mongoose from 'mongoose';
import { useTestDatabase } from '../support/db';
import { testApp, testConfig } from '../support/app';
import { createUser, csrfFrom, loginAs, TEST_PASSWORD } from '../support/auth';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { User } from '../../models/user';
import { LoginAttempt } from '../../models/login-attempt';
import { AuditLog } from '../../models/audit-log';
import { ensureFirstAdmin, DEFAULT_ADMIN_EMAIL } from '../../server/features/auth/bootstrap';
import { reserveLoginAttempt, sweepLoginAttempts, THROTTLE } from '../../server/features/auth/throttle.service';
import { postForm } from './admin-helpers';
import { SESSION_IDLE_MS } from '../../server/web/session';

useTestDatabase();

// Trust one proxy so each test can be "a different client" through X-Forwarded-For.
const app = testApp({ TRUST_PROXY: '1' });

async function tryLogin(email: string, password: string, ip: string, on = app) {
  const agent = request.agent(on);
  const page = await agent.get('/admin/login').set('X-Forwarded-For', ip);
  const res = await agent
    .post('/admin/login')
    .set('X-Forwarded-For', ip)
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
  return { agent, res };
}

describe('login', () => {
  test('login page: renders in Bahasa Indonesia with a CSRF field and no admin menu', async () => {
    const res = await request(app).get('/admin/login');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Masuk pengelola');
    expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(res.text).not.toContain('admin-nav');
  });

  test('correct credentials: 303 to the page asked for, the session works, lastLoginAt set', async () => {
    const user = await createUser('admin');
    const agent = request.agent(app);
    const page = await agent.get('/admin/login?next=%2Fadmin%2Fusers');
    const res = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: user.email.toUpperCase(), password: TEST_PASSWORD, next: '/admin/users', _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    const home = await agent.get('/admin');
    expect(home.status).toBe(200);
    expect(home.text).toContain(user.name);
    expect((await User.findById(user._id).lean())!.lastLoginAt).toBeInstanceOf(Date);
  });

  test('login with next pointing to another site: goes to /admin instead', async () => {
    const user = await createUser('viewer', null);
    const agent = request.agent(app);
    const page = await agent.get('/admin/login');
    const res = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, next: '//evil.example/x', _csrf: csrfFrom(page.text) });
    expect(res.headers.location).toBe('/admin');
  });

  test('wrong password and unknown e-mail: the same 401 message, e-mail kept, no session', async () => {
    const user = await createUser('admin');
    const wrong = await tryLogin(user.email, 'not the password at all', '198.51.100.1');
    const unknown = await tryLogin('nobody@example.go.id', 'not the password at all', '198.51.100.1');
    for (const { res } of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.text).toContain('Email atau kata sandi salah.');
    }
    expect(wrong.res.text).toContain(`value="${user.email}"`);
    expect(unknown.res.text).toContain('value="nobody@example.go.id"');
    // Nothing else on the page differs between "no such account" and "wrong password".
    const strip = (s: string) => s.replace(/value="[^"]*"/g, '');
    expect(strip(wrong.res.text)).toBe(strip(unknown.res.text));
    expect((await wrong.agent.get('/admin')).status).toBe(303);
  });

  test('a disabled account cannot log in, with the same message', async () => {
    const user = await createUser('admin');
    await User.updateOne({ _id: user._id }, { $set: { disabled: true } });
    const { res } = await tryLogin(user.email, TEST_PASSWORD, '198.51.100.2');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Email atau kata sandi salah.');
  });

  test('empty fields: 422 with each error beside its field', async () => {
    const { res } = await tryLogin('', '', '198.51.100.3');
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-email"');
    expect(res.text).toContain('Isi alamat email Anda.');
    expect(res.text).toContain('Isi kata sandi Anda.');
  });

  test('logout: POST /admin/logout ends the session', async () => {
    const user = await createUser('admin');
    const who = await loginAs(app, user.email);
    const res = await postForm(who, '/admin/logout');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/login');
    const after = await who.agent.get('/admin/surveys');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/admin/login?next=%2Fadmin%2Fsurveys');
  });
});

describe('login throttling', () => {
  // Windows are fixed in time: the app's clock stays a minute into one, so no test's failures
  // straddle a window's end however slow the machine is.
  const inWindow = () => Math.floor(Date.now() / THROTTLE.windowMs) * THROTTLE.windowMs + 60_000;
  const fixed = inWindow();
  const throttled = createApp({ config: testConfig({ TRUST_PROXY: '1' }), logger: createLogger('silent'), now: () => new Date(fixed) });

  afterEach(async () => {
    await LoginAttempt.deleteMany({});
  });

  test('per account and client: after 5 failures the right password from that client gets a friendly 429', async () => {
    const user = await createUser('admin');
    for (let i = 0; i < THROTTLE.maxPerAccountClient; i += 1) {
      expect((await tryLogin(user.email, `wrong ${i}`, '203.0.113.10', throttled)).res.status).toBe(401);
    }
    const blocked = await tryLogin(user.email, TEST_PASSWORD, '203.0.113.10', throttled);
    expect(blocked.res.status).toBe(429);
    expect(blocked.res.text).toContain('Terlalu banyak percobaan masuk yang gagal');
    expect(Number(blocked.res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await blocked.agent.get('/admin')).status).toBe(303);
    // Stored as keyed hashes: neither the e-mail nor the address is in the database.
    const docs = await LoginAttempt.find({}).lean();
    expect(JSON.stringify(docs)).not.toContain(user.email);
    expect(JSON.stringify(docs)).not.toContain('203.0.113.10');
  });

  test('per account and client: recovers once the window has passed (the clock moves)', async () => {
    let clock = inWindow();
    const clocked = createApp({ config: testConfig({ TRUST_PROXY: '1' }), logger: createLogger('silent'), now: () => new Date(clock) });
    const user = await createUser('admin');
    for (let i = 0; i < THROTTLE.maxPerAccountClient; i += 1) await tryLogin(user.email, `wrong ${i}`, '203.0.113.20', clocked);
    expect((await tryLogin(user.email, TEST_PASSWORD, '203.0.113.20', clocked)).res.status).toBe(429);
    clock += THROTTLE.windowMs;
    const ok = await tryLogin(user.email, TEST_PASSWORD, '203.0.113.20', clocked);
    expect(ok.res.status).toBe(303);
    expect((await ok.agent.get('/admin')).status).toBe(200);
  });

  test('per client: 20 failures over many accounts block that client only', async () => {
    const user = await createUser('admin');
    for (let i = 0; i < THROTTLE.maxPerClient; i += 1) {
      expect((await tryLogin(`guess-${i}@example.go.id`, 'x', '203.0.113.30', throttled)).res.status).toBe(401);
    }
    expect((await tryLogin(user.email, TEST_PASSWORD, '203.0.113.30', throttled)).res.status).toBe(429);
    expect((await tryLogin(user.email, TEST_PASSWORD, '203.0.113.31', throttled)).res.status).toBe(303);
  }, 120_000); // many argon2 checks in a row: slow on a loaded machine

  test('the sweep removes the slots of ended windows and keeps the current ones', async () => {
    const now = Date.now();
    const who = { email: 'old@example.go.id', client: '203.0.113.50', secret: 'x'.repeat(40) };
    // The current one first: a reservation may sweep, and one in the past never does.
    expect((await reserveLoginAttempt({ ...who, email: 'new@example.go.id' }, now)).ok).toBe(true);
    expect((await reserveLoginAttempt(who, now - 2 * THROTTLE.windowMs)).ok).toBe(true);
    // Each attempt holds a slot for the client, the account and client, and the account.
    expect(await LoginAttempt.countDocuments({})).toBe(6);
    expect(await sweepLoginAttempts(now)).toBe(3);
    expect(await LoginAttempt.countDocuments({})).toBe(3);
  });

  test("a successful login clears that client's failures for the account", async () => {
    const user = await createUser('admin');
    for (let i = 0; i < THROTTLE.maxPerAccountClient - 1; i += 1) await tryLogin(user.email, 'wrong', '203.0.113.40');
    expect((await tryLogin(user.email, TEST_PASSWORD, '203.0.113.40')).res.status).toBe(303);
    for (let i = 0; i < THROTTLE.maxPerAccountClient - 1; i += 1) expect((await tryLogin(user.email, 'wrong again', '203.0.113.40')).res.status).toBe(401);
    expect((await tryLogin(user.email, TEST_PASSWORD, '203.0.113.40')).res.status).toBe(303);
  }, 120_000); // many argon2 checks in a row: slow on a loaded machine
});

describe('sessions', () => {
  test('session expiry: an idle session stops working after the idle time, even with its cookie', async () => {
    let clock = Date.now();
    const shortApp = createApp({ config: testConfig(), logger: createLogger('silent'), now: () => new Date(clock) });
    const user = await createUser('admin');
    const who = await loginAs(shortApp, user.email);
    const first = await who.agent.get('/admin');
    expect(first.status).toBe(200);
    const cookie = (first.headers['set-cookie'] as unknown as string[] | undefined)?.find((c) => c.startsWith('skm.sid=')) ?? '';
    const sid = cookie.split(';')[0]!;
    expect(sid).toMatch(/^skm\.sid=/);
    clock += SESSION_IDLE_MS - 1000;
    expect((await request(shortApp).get('/admin').set('Cookie', sid)).status).toBe(200); // still within the idle time
    clock += SESSION_IDLE_MS + 1000;
    const later = await request(shortApp).get('/admin').set('Cookie', sid);
    expect(later.status).toBe(303);
    expect(later.headers.location).toMatch(/^\/admin\/login/);
  });

  test("a page's image request does not rewrite the session (its save would undo a save made beside it); a page does, once a minute", async () => {
    let clock = Date.now();
    const clockedApp = createApp({ config: testConfig(), logger: createLogger('silent'), now: () => new Date(clock) });
    const user = await createUser('admin');
    const who = await loginAs(clockedApp, user.email);
    expect((await who.agent.get('/admin')).status).toBe(200);
    const sessions = mongoose.connection.db!.collection<{ _id: string; session: unknown }>('sessions');
    const stored = async () => JSON.stringify((await sessions.find({}).toArray()).map((d) => d.session));
    const before = await stored();
    clock += 61_000; // past the last-use precision: the next page would write the session
    for (const headers of [{ 'Sec-Fetch-Dest': 'image' }, { 'Sec-Fetch-Dest': 'style' }, { Accept: 'image/avif,image/webp,*/*' }]) {
      expect((await who.agent.get('/admin').set(headers)).status).toBe(200);
    }
    expect(await stored()).toBe(before);
    expect((await who.agent.get('/admin').set('Sec-Fetch-Dest', 'document')).status).toBe(200);
    expect(await stored()).not.toBe(before);
  });

  test('logout everywhere: the other session stops working, this one goes on', async () => {
    const user = await createUser('unit-manager', null);
    const laptop = await loginAs(app, user.email);
    const phone = await loginAs(app, user.email);
    expect((await phone.agent.get('/admin')).status).toBe(200);
    const res = await postForm(laptop, '/admin/account/logout-everywhere');
    expect(res.status).toBe(303);
    expect((await phone.agent.get('/admin')).status).toBe(303);
    const mine = await laptop.agent.get('/admin/account');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Semua sesi lain telah diakhiri.');
    const entry = await AuditLog.findOne({ action: 'account.logoutEverywhere', 'target.id': String(user._id) }).lean();
    expect(entry?.actorEmail).toBe(user.email);
  });
});

describe('password change', () => {
  test('wrong current password: 422 beside the field, password unchanged', async () => {
    const user = await createUser('viewer', null);
    const who = await loginAs(app, user.email);
    const res = await postForm(who, '/admin/account/password', {
      current: 'nope nope nope',
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-current"');
    expect(res.text).toContain('Kata sandi saat ini salah.');
    const stored = await User.findById(user._id).lean();
    expect(stored!.passwordHash).toBe(user.passwordHash);
  });

  test('too short and not confirmed: both errors at once', async () => {
    const user = await createUser('viewer', null);
    const who = await loginAs(app, user.email);
    const res = await postForm(who, '/admin/account/password', { current: TEST_PASSWORD, password: 'short', confirm: 'other' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Kata sandi minimal 12 karakter.');
  });

  test('success: new password works, old one does not, other sessions end, this one stays', async () => {
    const user = await createUser('viewer', null);
    const who = await loginAs(app, user.email);
    const other = await loginAs(app, user.email);
    const res = await postForm(who, '/admin/account/password', {
      current: TEST_PASSWORD,
      password: 'a brand new passphrase',
      confirm: 'a brand new passphrase',
    });
    expect(res.status).toBe(303);
    expect((await who.agent.get('/admin/account')).status).toBe(200);
    expect((await other.agent.get('/admin')).status).toBe(303);
    expect((await tryLogin(user.email, TEST_PASSWORD, '192.0.2.50')).res.status).toBe(401);
    expect((await tryLogin(user.email, 'a brand new passphrase', '192.0.2.50')).res.status).toBe(303);
    expect(await AuditLog.countDocuments({ action: 'account.passwordChange', 'target.id': String(user._id) })).toBe(1);
  });
});

describe('CSRF', () => {
  test('a POST without a token, or with a wrong one, is refused with 403 and changes nothing', async () => {
    const user = await createUser('admin');
    const who = await loginAs(app, user.email);
    const missing = await who.agent.post('/admin/account/logout-everywhere').type('form').send({});
    expect(missing.status).toBe(403);
    const wrong = await who.agent.post('/admin/account/logout-everywhere').type('form').send({ _csrf: 'forged-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('Formulir ini sudah kedaluwarsa');
    expect((await User.findById(user._id).lean())!.sessionVersion).toBe(0);
    expect((await who.agent.get('/admin')).status).toBe(200);
  });

  test('a login POST without the token is refused', async () => {
    const user = await createUser('admin');
    const res = await request(app).post('/admin/login').type('form').send({ email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(403);
  });
});

describe('first admin bootstrap', () => {
  beforeEach(async () => {
    await User.deleteMany({ role: 'admin' });
  });

  test('from ADMIN_EMAIL and ADMIN_PASSWORD: that account, no forced change, password not printed', async () => {
    const lines: string[] = [];
    const config = testConfig({ ADMIN_EMAIL: 'Kepala@Example.go.id', ADMIN_PASSWORD: 'a very long admin passphrase' });
    expect(await ensureFirstAdmin({ config, log: (l) => lines.push(l) })).toBe('kepala@example.go.id');
    const admin = await User.findOne({ email: 'kepala@example.go.id' }).lean();
    expect(admin).toMatchObject({ role: 'admin', mustChangePassword: false });
    expect(lines.join('\n')).not.toContain('a very long admin passphrase');
    const { res } = await tryLogin('kepala@example.go.id', 'a very long admin passphrase', '192.0.2.60');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin');
  });

  test('without a password: a one-time password printed once, which must be changed after login', async () => {
    const lines: string[] = [];
    const config = testConfig();
    expect(await ensureFirstAdmin({ config, log: (l) => lines.push(l) })).toBe(DEFAULT_ADMIN_EMAIL);
    const printed = /one-time password[^:]*: (\S+)$/.exec(lines.find((l) => l.includes('one-time password')) ?? '')?.[1];
    expect(printed).toMatch(/^[A-Za-z0-9]{18}$/);
    const stored = await User.findOne({ email: DEFAULT_ADMIN_EMAIL }).lean();
    expect(stored!.mustChangePassword).toBe(true);
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored!.passwordHash).not.toContain(printed!);

    // A second start does nothing and prints nothing.
    const again: string[] = [];
    expect(await ensureFirstAdmin({ config, log: (l) => again.push(l) })).toBeNull();
    expect(again).toEqual([]);
    expect(await User.countDocuments({ role: 'admin' })).toBe(1);

    const { agent, res } = await tryLogin(DEFAULT_ADMIN_EMAIL, printed!, '192.0.2.61');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/account');
    const gated = await agent.get('/admin/surveys');
    expect(gated.status).toBe(303);
    expect(gated.headers.location).toBe('/admin/account');
    const account = await agent.get('/admin/account');
    expect(account.text).toContain('kata sandi sementara');
    const changed = await agent
      .post('/admin/account/password')
      .type('form')
      .send({ current: printed, password: 'my own admin passphrase', confirm: 'my own admin passphrase', _csrf: csrfFrom(account.text) });
    expect(changed.status).toBe(303);
    expect((await agent.get('/admin/surveys')).status).toBe(200);
  });

  test('an admin already exists: nothing is created', async () => {
    await createUser('admin');
    expect(await ensureFirstAdmin({ config: testConfig({ ADMIN_EMAIL: 'other@example.go.id' }), log: () => undefined })).toBeNull();
    expect(await User.exists({ email: 'other@example.go.id' })).toBeNull();
  });
});
