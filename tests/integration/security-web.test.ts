/**
 * Security, the web layer (issue 10, items 6, 9, 10, 11, 12): cross-site form posts, form-token
 * lifetime, the kiosk flag, the QR code's host, client errors that must be 400s, sessions that
 * anonymous visitors must not create, headers on the health endpoints, the absolute session
 * lifetime. Real app, real database; time is a clock the tests move.
 */
import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testConfig } from '../support/app';
import { createUser, csrfFrom, loginAs, TEST_PASSWORD } from '../support/auth';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { Response } from '../../models/response';
import { qrSvg } from '../../server/features/survey-form/qr';
import { START_TOKEN_LIFETIME_MS } from '../../server/features/survey-form/form-token';
import type { SurveyFormDeps } from '../../server/features/survey-form/survey-form.routes';
import { SECRET, formApp, hiddenFields, makeSurvey, validAnswers } from './survey-form.helpers';
import { makeSurvey as makeImportSurvey, makeUnit } from './dashboard-fixtures';

useTestDatabase();

const app = formApp();
const sessionCount = () => mongoose.connection.db!.collection('sessions').countDocuments();
const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) => c.startsWith('skm.sid='));

describe('security: anonymous visitors do not create sessions (item 11)', () => {
  test('anonymous GETs under /admin, the home page and a survey form store no session and set no cookie', async () => {
    const survey = await makeSurvey();
    const before = await sessionCount();
    for (const path of ['/admin', '/admin/surveys', '/admin/users', '/admin/dashboard', '/admin/no-such-page', '/', `/s/${survey.slug}`]) {
      const res = await request(app).get(path);
      expect([200, 303, 404]).toContain(res.status);
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(await sessionCount()).toBe(before);
  });

  test('the login page stores no session either (a signed cookie token); the session starts at login', async () => {
    const before = await sessionCount();
    const agent = request.agent(app);
    const page = await agent.get('/admin/login');
    expect(page.status).toBe(200);
    expect(sessionCookie(page)).toBeUndefined();
    expect(await sessionCount()).toBe(before);
    // A wrong password re-renders the form: still nothing stored.
    const user = await createUser('admin');
    const wrong = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: user.email, password: 'not it', _csrf: csrfFrom(page.text) });
    expect(wrong.status).toBe(401);
    expect(await sessionCount()).toBe(before);
    const ok = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: user.email, password: TEST_PASSWORD, _csrf: csrfFrom(wrong.text) });
    expect(ok.status).toBe(303);
    expect(sessionCookie(ok)).toBeDefined();
    expect(await sessionCount()).toBe(before + 1);
  });

  test('the session-less login token is bound to its cookie: without the cookie, or from another browser, 403', async () => {
    const page = await request(app).get('/admin/login');
    const token = csrfFrom(page.text);
    const user = await createUser('admin');
    const noCookie = await request(app).post('/admin/login').type('form').send({ email: user.email, password: TEST_PASSWORD, _csrf: token });
    expect(noCookie.status).toBe(403);
    const other = request.agent(app);
    await other.get('/admin/login');
    expect((await other.post('/admin/login').type('form').send({ email: user.email, password: TEST_PASSWORD, _csrf: token })).status).toBe(403);
    const forged = `${token.split('.')[0]}.${'A'.repeat(32)}`;
    const cookie = ((page.headers['set-cookie'] as unknown as string[]) ?? []).map((c) => c.split(';')[0]).join('; ');
    expect(
      (await request(app).post('/admin/login').set('Cookie', cookie).type('form').send({ email: user.email, password: TEST_PASSWORD, _csrf: forged })).status,
    ).toBe(403);
  });
});

describe('security: headers and session lifetime (item 12)', () => {
  test('/healthz and /readyz carry the security headers', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('same-origin');
    }
  });

  test('a session ends 7 days after login however active it is, beside the 8-hour idle timeout', async () => {
    let clock = Date.now();
    const clocked = createApp({ config: testConfig({ SESSION_SECRET: SECRET }), logger: createLogger('silent'), now: () => new Date(clock) });
    const user = await createUser('admin');
    const { agent } = await loginAs(clocked, user.email);
    clock += 6 * 24 * 3600 * 1000;
    expect((await agent.get('/admin')).status).toBe(200);
    clock += 24 * 3600 * 1000 + 60_000;
    const after = await agent.get('/admin');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/admin/login?next=%2Fadmin');
  });
});

describe('security: the survey form (item 6)', () => {
  test('a post from another site is refused by Origin, and by Sec-Fetch-Site, and nothing is stored', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`).set('Host', 'skm.test');
    const body = { ...hiddenFields(page.text), ...validAnswers(survey) };
    const byOrigin = await request(app).post(`/s/${survey.slug}`).set('Host', 'skm.test').set('Origin', 'http://evil.example').type('form').send(body);
    expect(byOrigin.status).toBe(403);
    expect(byOrigin.text).toContain('dikirim dari situs lain');
    const byFetchSite = await request(app).post(`/s/${survey.slug}`).set('Host', 'skm.test').set('Sec-Fetch-Site', 'cross-site').type('form').send(body);
    expect(byFetchSite.status).toBe(403);
    const nullOrigin = await request(app).post(`/s/${survey.slug}`).set('Host', 'skm.test').set('Origin', 'null').type('form').send(body);
    expect(nullOrigin.status).toBe(403);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);
    // The same post from the site itself is stored.
    const own = await request(app)
      .post(`/s/${survey.slug}`)
      .set('Host', 'skm.test')
      .set('Origin', 'http://skm.test')
      .set('Sec-Fetch-Site', 'same-origin')
      .type('form')
      .send(body);
    expect(own.status).toBe(303);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(1);
  });

  test('behind a trusted proxy that rewrites Host, a post from the public host is accepted', async () => {
    const proxied = formApp({}, { TRUST_PROXY: '1' });
    const survey = await makeSurvey();
    const page = await request(proxied).get(`/s/${survey.slug}`);
    const res = await request(proxied)
      .post(`/s/${survey.slug}`)
      .set('Host', 'localhost:3000')
      .set('X-Forwarded-Host', 'skm.example.go.id')
      .set('Origin', 'https://skm.example.go.id')
      .type('form')
      .send({ ...hiddenFields(page.text), ...validAnswers(survey) });
    expect(res.status).toBe(303);
  });

  test('a cross-site post to the admin area (the login form) is refused too', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/admin/login');
    const res = await agent
      .post('/admin/login')
      .set('Origin', 'http://evil.example')
      .type('form')
      .send({ email: 'a@example.go.id', password: 'x', _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(403);
  });

  test('a form token expires: sent after its lifetime the form comes back with the answers and stores nothing', async () => {
    let clock = Date.now();
    const deps: SurveyFormDeps = {
      config: testConfig({ SESSION_SECRET: SECRET }),
      logger: createLogger('silent'),
      now: () => new Date(clock),
      surveyForm: { minFillMs: 0 },
    };
    const clocked = createApp(deps);
    const survey = await makeSurvey();
    const page = await request(clocked).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    clock += START_TOKEN_LIFETIME_MS + 60_000;
    const late = await request(clocked)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...validAnswers(survey), suggestion: 'Masih tersimpan' });
    expect(late.status).toBe(422);
    expect(late.text).toContain('Formulir ini perlu dimuat ulang');
    expect(late.text).toContain('Masih tersimpan');
    expect(hiddenFields(late.text)._t).not.toBe(hidden._t);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);
    // Within its lifetime the same kind of token is accepted.
    const fresh = hiddenFields((await request(clocked).get(`/s/${survey.slug}`)).text);
    clock += START_TOKEN_LIFETIME_MS - 60_000;
    expect(
      (
        await request(clocked)
          .post(`/s/${survey.slug}`)
          .type('form')
          .send({ ...fresh, ...validAnswers(survey) })
      ).status,
    ).toBe(303);
  });

  test('kiosk: posting kiosk=1 stores a web response; only a kiosk session started by a manager stores kiosk ones', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}?kiosk=1`);
    const forged = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(page.text), kiosk: '1', ...validAnswers(survey) });
    expect(forged.status).toBe(303);
    expect((await Response.findOne({ surveyId: survey._id }).lean())!.source).toBe('web');

    const manager = await createUser('unit-manager', survey.unitId);
    const { agent } = await loginAs(app, manager.email);
    const admin = await agent.get(`/admin/surveys/${String(survey._id)}`);
    const start = await agent
      .post(`/admin/surveys/${String(survey._id)}/kiosk`)
      .type('form')
      .send({ _csrf: csrfFrom(admin.text) });
    expect(start.status).toBe(303);
    expect(start.headers.location).toBe(`/s/${survey.slug}?kiosk=1`);
    // The device is no longer logged in as the manager.
    expect((await agent.get('/admin')).status).toBe(303);
    const kioskPage = await agent.get(start.headers.location!);
    const stored = await agent
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(kioskPage.text), ...validAnswers(survey) });
    expect(stored.status).toBe(303);
    const sources = (await Response.find({ surveyId: survey._id }).lean()).map((r) => r.source).sort();
    expect(sources).toEqual(['kiosk', 'web']);
  });

  test('a viewer cannot turn a device into a kiosk', async () => {
    const survey = await makeSurvey();
    const viewer = await createUser('viewer', survey.unitId);
    const { agent, csrf } = await loginAs(app, viewer.email);
    const res = await agent
      .post(`/admin/surveys/${String(survey._id)}/kiosk`)
      .type('form')
      .send({ _csrf: await csrf() });
    expect(res.status).toBe(403);
  });
});

describe('security: the QR code does not follow a forged Host (item 9)', () => {
  test('without PUBLIC_URL the QR code is never cached; with it, the code ignores the Host header', async () => {
    const survey = await makeSurvey();
    const forged = await request(app).get(`/s/${survey.slug}/qr.svg`).set('Host', 'evil.example').buffer(true);
    expect(forged.status).toBe(200);
    expect(forged.headers['cache-control']).toBe('no-store');
    const official = formApp({}, { PUBLIC_URL: 'https://skm.example.go.id' });
    const res = await request(official)
      .get(`/s/${survey.slug}/qr.svg`)
      .set('Host', 'evil.example')
      .buffer(true)
      .parse((r, cb) => {
        let d = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (d += c));
        r.on('end', () => cb(null, d));
      });
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
    expect(res.body).toBe(await qrSvg(`https://skm.example.go.id/s/${survey.slug}`));
  });
});

describe('security: client errors are 400s with a clear message (item 10)', () => {
  test('a body that says gzip but is not: 400', async () => {
    const survey = await makeSurvey();
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Content-Encoding', 'gzip')
      .send(Buffer.from('this is not gzip at all'));
    expect(res.status).toBe(400);
    expect(res.text).toContain('tidak dapat dibuka');
  });

  test('a broken percent-encoding in the path: 400', async () => {
    const res = await request(app).get('/s/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(res.text).toContain('kode persen yang rusak');
    const json = await request(app).get('/s/%E0%A4%A/qr.svg').set('Accept', 'application/json');
    expect(json.status).toBe(400);
    expect((json.body as { error: { code: string } }).error.code).toBe('bad_request');
  });

  test('a NUL byte in an import mapping decision: 400, the batch unchanged', async () => {
    const unit = await makeUnit();
    const survey = await makeImportSurvey(unit);
    const manager = await createUser('unit-manager', unit._id);
    const { agent, csrf } = await loginAs(app, manager.email);
    const page = await agent.get(`/admin/surveys/${String(survey._id)}/import`);
    const up = await agent
      .post(`/admin/surveys/${String(survey._id)}/import`)
      .field('_csrf', csrfFrom(page.text))
      .attach('file', Buffer.from('U1,U2,U3,U4,U5,U6,U7,U8,U9\n4,4,3,4,3,4,4,3,3\n', 'utf8'), 'jawaban.csv');
    expect(up.status).toBe(303);
    const res = await agent
      .post(`${up.headers.location}/mapping`)
      .type('form')
      .send({ _csrf: await csrf(), d_0_00: '1' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('karakter NUL');
    expect((await agent.get(up.headers.location!)).status).toBe(200);
  });
});
