/**
 * The dashboard pages over HTTP: role × route access, the numbers shown equal the method's,
 * suggestions always escaped, hide/unhide with CSRF and an audit entry.
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs } from '../support/auth';
import { AuditLog } from '../../models/audit-log';
import { Response } from '../../models/response';
import { computeSurveyResults } from '../../server/results';
import { formatNumber } from '../../server/i18n/format';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

async function world() {
  const parent = await makeUnit('Direktorat Induk');
  const child = await makeUnit('Subdirektorat Anak', parent);
  const other = await makeUnit('Direktorat Lain');
  const survey = await makeSurvey(child);
  await storeResponse(survey, {
    scores: [4, 4, 3, 4, 3, 4, 4, 3, 3],
    service: 'a',
    month: 2,
    profile: { gender: 'p' },
    suggestion: '<script>alert("x")</script> tolong perbaiki',
  });
  await storeResponse(survey, { scores: [3, 3, 3, 2, 3, 4, 4, 3, null], service: 'b', month: 3, profile: { gender: 'l' }, suggestion: 'Antrean terlalu lama' });
  return { parent, child, other, survey };
}

describe('GET /admin/surveys/:id/dashboard', () => {
  test('anonymous: redirected to the login page', async () => {
    const { survey } = await world();

    const res = await request(app).get(`/admin/surveys/${survey._id}/dashboard`);

    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/login\?next=/);
  });

  test('admin: the headline and per-unsur figures are the method module’s, formatted', async () => {
    const { survey } = await world();
    const admin = await createUser('admin');
    const { agent } = await loginAs(app, admin.email);
    const expected = (await computeSurveyResults(survey._id)).result!;

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard`);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`data-testid="ikm">${formatNumber(expected.score, 2, 'id')}<`);
    for (const e of expected.elements) expect(res.text).toContain(`<td class="num">${formatNumber(e.score, 2, 'id')}</td>`);
    expect(res.text).toContain('id="data-unsur"');
    expect(res.text).toContain('/static/vendor/chart.umd.min.js');
  });

  test('unit manager and viewer of a parent unit: allowed (sub-unit survey); of another unit: 403', async () => {
    const { parent, other, survey } = await world();
    const manager = await createUser('unit-manager', parent._id);
    const viewer = await createUser('viewer', parent._id);
    const outsider = await createUser('unit-manager', other._id);

    const asManager = await (await loginAs(app, manager.email)).agent.get(`/admin/surveys/${survey._id}/dashboard`);
    const asViewer = await (await loginAs(app, viewer.email)).agent.get(`/admin/surveys/${survey._id}/dashboard`);
    const asOutsider = await (await loginAs(app, outsider.email)).agent.get(`/admin/surveys/${survey._id}/dashboard`);

    expect(asManager.status).toBe(200);
    expect(asViewer.status).toBe(200);
    expect(asOutsider.status).toBe(403);
  });

  test('a profile filter recounts from raw answers and shows that subset', async () => {
    const { survey } = await world();
    const admin = await createUser('admin');
    const { agent } = await loginAs(app, admin.email);
    const expected = (await computeSurveyResults(survey._id, { profile: { gender: 'p' } })).result!;

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard?p_gender=p`);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`data-testid="ikm">${formatNumber(expected.score, 2, 'id')}<`);
    expect(expected.respondents).toBe(1);
  });
});

describe('GET /admin/dashboard', () => {
  test('a unit manager sees only surveys of their unit and sub-units', async () => {
    const { parent, other, survey } = await world();
    const foreign = await makeSurvey(other, { title: 'Survei Unit Lain' });
    const manager = await createUser('unit-manager', parent._id);
    const { agent } = await loginAs(app, manager.email);

    const res = await agent.get('/admin/dashboard');

    expect(res.status).toBe(200);
    expect(res.text).toContain(`/admin/surveys/${survey._id}/dashboard`);
    expect(res.text).not.toContain(`/admin/surveys/${foreign._id}/dashboard`);
    expect(res.text).not.toContain('Survei Unit Lain');
  });

  test('anonymous: redirected to the login page', async () => {
    const res = await request(app).get('/admin/dashboard');
    expect(res.status).toBe(303);
  });
});

describe('suggestions', () => {
  test('a <script> suggestion renders as text, newest first, searchable', async () => {
    const { survey } = await world();
    const viewer = await createUser('admin');
    const { agent } = await loginAs(app, viewer.email);

    const all = await agent.get(`/admin/surveys/${survey._id}/suggestions`);
    const found = await agent.get(`/admin/surveys/${survey._id}/suggestions?q=antrean`);

    expect(all.status).toBe(200);
    expect(all.text).not.toContain('<script>alert');
    expect(all.text).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; tolong perbaiki');
    expect(all.text.indexOf('Antrean terlalu lama')).toBeLessThan(all.text.indexOf('tolong perbaiki'));
    expect(found.text).toContain('Antrean terlalu lama');
    expect(found.text).not.toContain('tolong perbaiki');
  });

  test('hide: needs the CSRF token; with it the suggestion is hidden, audited, and left out of the dashboard', async () => {
    const { child, survey } = await world();
    const manager = await createUser('unit-manager', child._id);
    const { agent, csrf } = await loginAs(app, manager.email);
    const target = await Response.findOne({ surveyId: survey._id, suggestion: 'Antrean terlalu lama' }).lean();
    const url = `/admin/surveys/${survey._id}/suggestions/${target!._id}/visibility`;

    const noToken = await agent.post(url).type('form').send({ hidden: '1' });
    expect(noToken.status).toBe(403);
    expect((await Response.findById(target!._id).lean())!.suggestionHidden).toBe(false);

    const res = await agent
      .post(url)
      .type('form')
      .send({ hidden: '1', _csrf: await csrf() });

    expect(res.status).toBe(303);
    expect((await Response.findById(target!._id).lean())!.suggestionHidden).toBe(true);
    const audit = await AuditLog.findOne({ action: 'suggestion.hide', 'target.id': String(target!._id) }).lean();
    expect(audit).not.toBeNull();
    expect(audit!.actorEmail).toBe(manager.email);
    const dash = await agent.get(`/admin/surveys/${survey._id}/dashboard`);
    expect(dash.text).not.toContain('Antrean terlalu lama');
    const list = await agent.get(`/admin/surveys/${survey._id}/suggestions`);
    expect(list.text).not.toContain('Antrean terlalu lama');
    const withHidden = await agent.get(`/admin/surveys/${survey._id}/suggestions?hidden=1`);
    expect(withHidden.text).toContain('Antrean terlalu lama');
  });

  test('hide: a viewer gets 403 and nothing changes', async () => {
    const { child, survey } = await world();
    const viewer = await createUser('viewer', child._id);
    const { agent, csrf } = await loginAs(app, viewer.email);
    const target = await Response.findOne({ surveyId: survey._id, suggestion: 'Antrean terlalu lama' }).lean();

    const res = await agent
      .post(`/admin/surveys/${survey._id}/suggestions/${target!._id}/visibility`)
      .type('form')
      .send({ hidden: '1', _csrf: await csrf() });

    expect(res.status).toBe(403);
    expect((await Response.findById(target!._id).lean())!.suggestionHidden).toBe(false);
  });
});
