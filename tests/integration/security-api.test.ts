/**
 * Security, the JSON API (issue 10, item 7): a token is scoped to a unit and its sub-units when
 * it is created; a survey the caller may not read answers exactly like a missing one.
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { ApiToken } from '../../models/api-token';
import { hashToken } from '../../server/features/api/tokens.service';
import { createSurvey, createUnit, postForm } from './admin-helpers';

useTestDatabase();
const app = testApp();

let asAdmin: LoggedInAgent;
let parent: Awaited<ReturnType<typeof createUnit>>;
let child: Awaited<ReturnType<typeof createUnit>>;
let other: Awaited<ReturnType<typeof createUnit>>;

async function createToken(fields: Record<string, string>) {
  const res = await postForm(asAdmin, '/admin/tokens', fields);
  return { res, token: /<code class="secret">(skm_[A-Za-z0-9_-]+)<\/code>/.exec(res.text)?.[1] };
}

const results = (slug: string, token?: string) => {
  const r = request(app).get(`/api/v1/surveys/${slug}/results`);
  return token ? r.set('Authorization', `Bearer ${token}`) : r;
};

beforeAll(async () => {
  parent = await createUnit('Kedeputian Uji');
  child = await createUnit('Direktorat Anak', parent);
  other = await createUnit('Direktorat Lain');
  asAdmin = await loginAs(app, (await createUser('admin')).email);
});

describe('security: API tokens are scoped to a unit', () => {
  test("a token reads unpublished surveys of its unit and sub-units, and no other unit's", async () => {
    const own = await createSurvey(parent, { published: false });
    const sub = await createSurvey(child, { published: false });
    const foreign = await createSurvey(other, { published: false });
    const { res, token } = await createToken({ name: 'SAKIP Kedeputian', unitId: String(parent._id) });
    expect(res.status).toBe(201);
    expect((await results(own.slug, token)).status).toBe(200);
    expect((await results(sub.slug, token)).status).toBe(200);
    const refused = await results(foreign.slug, token);
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual((await results('no-such-survey', token)).body);
    // Indicators of another unit: published ones only.
    const published = await createSurvey(other, { published: true, indicator: { code: 'IKK 9.1', name: 'Publik', target: 80 } });
    await createSurvey(other, { published: false, indicator: { code: 'IKK 9.2', name: 'Rahasia', target: 80 } });
    const ind = await request(app).get(`/api/v1/units/${other.slug}/indicators?year=2024`).set('Authorization', `Bearer ${token}`);
    expect(ind.body.indicators.map((i: { survey: { slug: string } }) => i.survey.slug)).toEqual([published.slug]);
  });

  test('a token cannot be created without a unit: 422 beside the field, nothing stored', async () => {
    const before = await ApiToken.countDocuments({});
    const { res, token } = await createToken({ name: 'Tanpa unit' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-unitId"');
    expect(res.text).toContain('Pilih unit yang hasilnya boleh dibaca token ini.');
    expect(token).toBeUndefined();
    expect((await createToken({ name: 'Unit palsu', unitId: '0123456789abcdef01234567' })).res.status).toBe(422);
    expect(await ApiToken.countDocuments({})).toBe(before);
  });

  test('a token made before scoping (no unit) reads published results only', async () => {
    const hidden = await createSurvey(parent, { published: false });
    const shown = await createSurvey(parent, { published: true });
    const token = 'skm_legacy-token-without-a-unit-0123456789abcdef';
    await ApiToken.create({ name: 'Lama', hash: hashToken(token), prefix: token.slice(0, 10), createdBy: parent._id });
    expect((await results(shown.slug, token)).status).toBe(200);
    expect((await results(hidden.slug, token)).status).toBe(404);
  });
});

describe('security: anonymous callers cannot tell unpublished from missing', () => {
  test('an unpublished survey and a missing one get the same status and body', async () => {
    const unpublished = await createSurvey(parent, { published: false });
    const a = await results(unpublished.slug);
    const b = await results('tidak-ada-survei-ini');
    expect(a.status).toBe(404);
    expect(b.status).toBe(404);
    expect(a.body).toEqual(b.body);
    expect(a.headers['www-authenticate']).toBeUndefined();
  });
});
