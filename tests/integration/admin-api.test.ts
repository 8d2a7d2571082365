/**
 * API tokens and the read-only JSON API: tokens shown once and stored as SHA-256 hashes,
 * Bearer authentication, revocation, published-only public access, and figures equal to the
 * method module's on the same answers.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { Response } from '../../models/response';
import { ApiToken } from '../../models/api-token';
import { AuditLog } from '../../models/audit-log';
import { achievement, computeFromAnswers, getTemplate, type Answer } from '../../server/ikm';
import { rebuildStats } from '../../server/results';
import { createSurvey, createUnit, postForm } from './admin-helpers';

useTestDatabase();
const app = testApp();

const SET = getTemplate('permenpanrb-14-2017');
let asAdmin: LoggedInAgent;
let unit: Awaited<ReturnType<typeof createUnit>>;
let published: Awaited<ReturnType<typeof createSurvey>>;
let unpublished: Awaited<ReturnType<typeof createSurvey>>;
let token: string;
/** Deterministic answers: row r gives element j the score 1 + ((r + 2j) mod 4), some 4-heavy. */
const rows: Answer[][] = Array.from({ length: 40 }, (_, r) => SET.elements.map((_, j) => (r % 3 === 0 ? 4 : ((1 + ((r + 2 * j) % 4)) as 1 | 2 | 3 | 4))));

async function storeAnswers(survey: { _id: unknown; unitId: unknown }, answers: Answer[][]) {
  await Response.insertMany(
    answers.map((row) => ({
      surveyId: survey._id,
      unitId: survey.unitId,
      year: 2024,
      semester: 1,
      quarter: 1,
      month: 3,
      answers: row.flatMap((v, j) => (v === null ? [] : [{ k: SET.elements[j]!.key, v }])),
      submittedAt: new Date('2024-03-10T03:00:00Z'),
      idempotencyKey: crypto.randomUUID(),
      contentHash: 'h',
    })),
  );
}

async function createTokenThroughPage(name: string): Promise<string> {
  const res = await postForm(asAdmin, '/admin/tokens', { name, unitId: String(unit._id) });
  expect(res.status).toBe(201);
  const shown = /<code class="secret">(skm_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)?.[1];
  expect(shown).toBeDefined();
  return shown!;
}

beforeAll(async () => {
  unit = await createUnit('Direktorat Pemberdayaan Kelompok Rentan');
  const indicator = { code: 'IKK 3.1', name: 'Nilai Kepuasan Stakeholder', target: 90 };
  published = await createSurvey(unit, { published: true, status: 'closed', indicator, population: 1800 });
  unpublished = await createSurvey(unit, { published: false, status: 'open', indicator: { ...indicator, code: 'IKK 3.2' } });
  await storeAnswers(published, rows);
  await storeAnswers(unpublished, rows.slice(0, 10));
  await rebuildStats(published._id);
  await rebuildStats(unpublished._id);
  const admin = await createUser('admin');
  asAdmin = await loginAs(app, admin.email);
  token = await createTokenThroughPage('e-SAKIP Kementerian');
});

describe('API tokens', () => {
  test('shown once, stored only as a SHA-256 hash, audited; the list never shows it again', async () => {
    const doc = await ApiToken.findOne({ name: 'e-SAKIP Kementerian' }).lean();
    expect(doc!.hash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(doc)).not.toContain(token);
    const list = await asAdmin.agent.get('/admin/tokens');
    expect(list.text).toContain('e-SAKIP Kementerian');
    expect(list.text).toContain(token.slice(0, 10));
    expect(list.text).not.toContain(token);
    expect(await AuditLog.countDocuments({ action: 'token.create', 'target.label': 'e-SAKIP Kementerian' })).toBe(1);
  });

  test('an empty name: 422 beside the field, no token stored', async () => {
    const before = await ApiToken.countDocuments({});
    const res = await postForm(asAdmin, '/admin/tokens', { name: '  ' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-name"');
    expect(await ApiToken.countDocuments({})).toBe(before);
  });

  test('a revoked token is refused with 401, even for published results', async () => {
    const t = await createTokenThroughPage('Sementara');
    expect((await request(app).get(`/api/v1/surveys/${unpublished.slug}/results`).set('Authorization', `Bearer ${t}`)).status).toBe(200);
    const doc = await ApiToken.findOne({ name: 'Sementara' }).lean();
    expect((await postForm(asAdmin, `/admin/tokens/${doc!._id}/revoke`)).status).toBe(303);
    const res = await request(app).get(`/api/v1/surveys/${published.slug}/results`).set('Authorization', `Bearer ${t}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('invalid_token');
    expect(res.body.error.code).toBe('unauthorized');
    expect(await AuditLog.countDocuments({ action: 'token.revoke', 'target.id': String(doc!._id) })).toBe(1);
  });
});

describe('GET /api/v1/surveys/:slug/results', () => {
  test('published, no token: the figures equal the method module on the same answers', async () => {
    const res = await request(app).get(`/api/v1/surveys/${published.slug}/results`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const expected = computeFromAnswers(SET, rows);
    expect(res.body.respondents).toBe(40);
    expect(res.body.index).toMatchObject({ score: expected.scoreRounded, grade: expected.grade, performance: expected.performance });
    expect(res.body.index.scoreExact).toBeCloseTo(expected.score, 10);
    expect(res.body.elements.map((e: { key: string; score: number; distribution: number[] }) => [e.key, e.score, e.distribution])).toEqual(
      expected.elements.map((e) => [e.key, e.score, [...e.distribution]]),
    );
    expect(res.body.highest).toEqual(expected.highest);
    expect(res.body.lowest).toEqual(expected.lowest);
    const a = achievement(expected.scoreRounded, 90);
    expect(res.body.indicator).toMatchObject({ code: 'IKK 3.1', target: 90, realization: expected.scoreRounded, achievement: a.display });
    expect(res.body.sample).toMatchObject({ population: 1800, adequate: false });
    expect(res.body.survey).toMatchObject({ slug: published.slug, published: true, unit: { slug: unit.slug } });
  });

  test('not published, no token: 404, as for a missing survey; with a token of its unit: 200', async () => {
    const anon = await request(app).get(`/api/v1/surveys/${unpublished.slug}/results`);
    expect(anon.status).toBe(404);
    expect(anon.body.error.code).toBe('not_found');
    const withToken = await request(app).get(`/api/v1/surveys/${unpublished.slug}/results`).set('Authorization', `Bearer ${token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.body.respondents).toBe(10);
    expect(withToken.headers['cache-control']).toContain('no-store');
    expect((await ApiToken.findOne({ name: 'e-SAKIP Kementerian' }).lean())!.lastUsedAt).toBeInstanceOf(Date);
  });

  test('an unknown token or a malformed header: 401', async () => {
    for (const header of ['Bearer skm_not-a-real-token', 'Basic abc', 'Bearer']) {
      const res = await request(app).get(`/api/v1/surveys/${published.slug}/results`).set('Authorization', header);
      expect(res.status).toBe(401);
    }
  });

  test('an unknown survey: 404 JSON', async () => {
    const res = await request(app).get('/api/v1/surveys/no-such-survey/results').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  test('a survey without answers: no index, the reason given', async () => {
    const empty = await createSurvey(unit, { published: true });
    const res = await request(app).get(`/api/v1/surveys/${empty.slug}/results`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ respondents: 0, index: null, problem: 'no-answers', elements: [], indicator: null });
  });
});

describe('GET /api/v1/units/:slug/indicators', () => {
  test('no token: only published surveys; with a token of the unit: all of the year', async () => {
    const anon = await request(app).get(`/api/v1/units/${unit.slug}/indicators?year=2024`);
    expect(anon.status).toBe(200);
    expect(anon.body.unit).toEqual({ slug: unit.slug, name: unit.name });
    expect(anon.body.indicators.map((i: { code: string }) => i.code)).toEqual(['IKK 3.1']);
    const expected = computeFromAnswers(SET, rows);
    expect(anon.body.indicators[0]).toMatchObject({
      target: 90,
      realization: expected.scoreRounded,
      achievement: achievement(expected.scoreRounded, 90).display,
      respondents: 40,
    });
    const all = await request(app).get(`/api/v1/units/${unit.slug}/indicators?year=2024`).set('Authorization', `Bearer ${token}`);
    expect(all.body.indicators.map((i: { code: string }) => i.code).sort()).toEqual(['IKK 3.1', 'IKK 3.2']);
    const otherYear = await request(app).get(`/api/v1/units/${unit.slug}/indicators?year=2023`);
    expect(otherYear.body.indicators).toEqual([]);
  });

  test('a missing year: 422 naming the field; an unknown unit: 404', async () => {
    const bad = await request(app).get(`/api/v1/units/${unit.slug}/indicators`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.year).toBeDefined();
    expect((await request(app).get('/api/v1/units/no-such-unit/indicators?year=2024')).status).toBe(404);
  });
});

describe('GET /api/openapi.yaml', () => {
  test('serves the OpenAPI 3.1 description of both endpoints', async () => {
    const res = await request(app).get('/api/openapi.yaml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/yaml/);
    expect(res.text).toContain('openapi: 3.1.0');
    expect(res.text).toContain('/api/v1/surveys/{slug}/results');
    expect(res.text).toContain('/api/v1/units/{slug}/indicators');
  });
});
