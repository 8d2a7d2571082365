/**
 * Survey management: creating from a template, a custom set or a previous period; form errors
 * beside their fields with nothing stored; editing texts, services, profile questions and the
 * indicator; the element set frozen once responses exist; the audit trail of every change.
 */
import crypto from 'node:crypto';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { Survey } from '../../models/survey';
import { Response } from '../../models/response';
import { AuditLog } from '../../models/audit-log';
import { elementsFromTemplate } from '../../server/results';
import { getTemplate } from '../../server/ikm';
import { createSurvey, createUnit, postForm } from './admin-helpers';

useTestDatabase();
const app = testApp();

let admin: Awaited<ReturnType<typeof createUser>>;
let manager: Awaited<ReturnType<typeof createUser>>;
let asAdmin: LoggedInAgent;
let asManager: LoggedInAgent;
let unit: Awaited<ReturnType<typeof createUnit>>;

beforeAll(async () => {
  unit = await createUnit('Direktorat Pemberdayaan Kelompok Rentan');
  admin = await createUser('admin');
  manager = await createUser('unit-manager', unit._id);
  asAdmin = await loginAs(app, admin.email);
  asManager = await loginAs(app, manager.email);
});

type Text = { id: string; en: string } | null | undefined;
type ElementLike = { name?: Text; question?: Text; labels?: { id: string[]; en: string[] } | null };

function elementFields(elements: readonly ElementLike[], change: (i: number) => string = () => ''): Record<string, string> {
  const out: Record<string, string> = {};
  elements.forEach((e, i) => {
    out[`name_id_${i}`] = e.name!.id + change(i);
    out[`name_en_${i}`] = e.name!.en;
    out[`question_id_${i}`] = e.question!.id;
    out[`question_en_${i}`] = e.question!.en;
    [0, 1, 2, 3].forEach((j) => {
      out[`label_id_${i}_${j}`] = e.labels!.id[j]!;
      out[`label_en_${i}_${j}`] = e.labels!.en[j]!;
    });
  });
  return out;
}

async function insertResponse(survey: { _id: unknown; unitId: unknown }) {
  await Response.create({
    surveyId: survey._id,
    unitId: survey.unitId,
    year: 2024,
    semester: 1,
    quarter: 1,
    month: 2,
    answers: [{ k: 'persyaratan', v: 4 }],
    submittedAt: new Date(),
    idempotencyKey: crypto.randomUUID(),
    contentHash: 'x',
  });
}

describe('creating a survey', () => {
  test('from a template: a draft with the template elements, audited with its author', async () => {
    const slug = `skm-${Date.now()}`;
    const res = await postForm(asManager, '/admin/surveys', {
      title: 'SKM 2024',
      slug,
      unitId: String(unit._id),
      year: '2024',
      semester: '1',
      source: 'permenpanrb-14-2017',
    });
    expect(res.status).toBe(303);
    const stored = await Survey.findOne({ slug }).lean();
    expect(stored).toMatchObject({
      title: 'SKM 2024',
      status: 'draft',
      published: false,
      template: 'permenpanrb-14-2017',
      period: { year: 2024, semester: 1 },
    });
    expect(stored!.elements.map((e) => e.key)).toEqual(getTemplate('permenpanrb-14-2017').elements.map((e) => e.key));
    expect(stored!.unitPath.map(String)).toEqual([String(unit._id)]);
    expect(res.headers.location).toBe(`/admin/surveys/${stored!._id}`);
    const entry = await AuditLog.findOne({ action: 'survey.create', 'target.id': String(stored!._id) }).lean();
    expect(entry).toMatchObject({ actorEmail: manager.email, target: { kind: 'survey' }, after: { slug, template: 'permenpanrb-14-2017', elements: 9 } });
    expect(entry!.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  test('custom set of k elements: U1…Uk with generic labels', async () => {
    const slug = `custom-${Date.now()}`;
    const res = await postForm(asAdmin, '/admin/surveys', {
      title: 'Khusus',
      slug,
      unitId: String(unit._id),
      year: '2024',
      source: 'custom',
      customCount: '5',
    });
    expect(res.status).toBe(303);
    const stored = await Survey.findOne({ slug }).lean();
    expect(stored!.template).toBe('custom');
    expect(stored!.elements.map((e) => e.code)).toEqual(['U1', 'U2', 'U3', 'U4', 'U5']);
  });

  test("copy of a previous period's survey: elements, services, indicator copied; a fresh draft", async () => {
    const previous = await createSurvey(unit, {
      template: 'stakeholder',
      elements: elementsFromTemplate('stakeholder'),
      status: 'closed',
      published: true,
      responseCount: 1250,
      services: [{ key: 'konsultasi', name: { id: 'Konsultasi', en: 'Consultation' } }],
      indicator: { code: 'IKK 3.1', name: 'Nilai Kepuasan Stakeholder', target: 90 },
      population: 1800,
    });
    const slug = `copy-${Date.now()}`;
    const res = await postForm(asManager, '/admin/surveys', {
      title: 'SKM 2025',
      slug,
      unitId: String(unit._id),
      year: '2025',
      source: 'copy',
      copyFrom: String(previous._id),
    });
    expect(res.status).toBe(303);
    const copy = await Survey.findOne({ slug }).lean();
    expect(copy).toMatchObject({ template: 'stakeholder', status: 'draft', published: false, responseCount: 0, population: 1800, period: { year: 2025 } });
    expect(copy!.indicator).toMatchObject({ code: 'IKK 3.1', target: 90 });
    expect(copy!.services.map((x) => x.key)).toEqual(['konsultasi']);
    expect(copy!.elements).toEqual(previous.toObject().elements);
    expect(await AuditLog.countDocuments({ action: 'survey.copy', 'target.id': String(copy!._id) })).toBe(1);
  });

  test('"copy for next period" pre-fills the year after the source survey, not the current year', async () => {
    const source = await createSurvey(unit, { period: { year: 2022 } });
    const page = await asManager.agent.get(`/admin/surveys/new?copy=${source._id}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="f-year" name="year" value="2023"/);
  });

  test('invalid form: 422, every error beside its field, input kept, nothing stored', async () => {
    const before = await Survey.countDocuments({});
    const res = await postForm(asManager, '/admin/surveys', {
      title: 'Judul yang disimpan',
      slug: 'X!',
      unitId: String(unit._id),
      year: '20',
      source: 'custom',
      customCount: '99',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-slug"');
    expect(res.text).toContain('id="e-year"');
    expect(res.text).toContain('id="e-customCount"');
    expect(res.text).toContain('Isi jumlah unsur dari 1 sampai 15.');
    expect(res.text).toContain('value="Judul yang disimpan"');
    expect(await Survey.countDocuments({})).toBe(before);
  });

  test('a slug already in use: 422 on the slug field, nothing stored', async () => {
    const existing = await createSurvey(unit);
    const before = await Survey.countDocuments({});
    const res = await postForm(asAdmin, '/admin/surveys', {
      title: 'Dobel',
      slug: existing.slug,
      unitId: String(unit._id),
      year: '2024',
      source: 'stakeholder',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Alamat ini sudah dipakai survei lain.');
    expect(await Survey.countDocuments({})).toBe(before);
  });

  test('without the CSRF token: 403 and nothing stored', async () => {
    const before = await Survey.countDocuments({});
    const res = await asAdmin.agent
      .post('/admin/surveys')
      .type('form')
      .send({ title: 'X', slug: `csrf-${Date.now()}`, unitId: String(unit._id), year: '2024', source: 'stakeholder' });
    expect(res.status).toBe(403);
    expect(await Survey.countDocuments({})).toBe(before);
  });
});

describe('editing a survey', () => {
  test('element texts while a draft without responses: saved, audited with before and after', async () => {
    const survey = await createSurvey(unit);
    const res = await postForm(
      asManager,
      `/admin/surveys/${survey._id}/elements`,
      elementFields(survey.toObject().elements, (i) => (i === 0 ? ' (diubah)' : '')),
    );
    expect(res.status).toBe(303);
    const stored = await Survey.findById(survey._id).lean();
    expect(stored!.elements[0]!.name!.id).toBe('Persyaratan (diubah)');
    expect(stored!.elements.map((e) => e.key)).toEqual(survey.elements.map((e) => e.key));
    const entry = await AuditLog.findOne({ action: 'survey.elements', 'target.id': String(survey._id) }).lean();
    expect(entry!.actorEmail).toBe(manager.email);
    expect((entry!.before as { elements: { name: { id: string } }[] }).elements[0]!.name.id).toBe('Persyaratan');
    expect((entry!.after as { elements: { name: { id: string } }[] }).elements[0]!.name.id).toBe('Persyaratan (diubah)');
  });

  test('an empty element text: 422 beside that field, nothing changed', async () => {
    const survey = await createSurvey(unit);
    const fields = elementFields(survey.toObject().elements, (i) => (i === 1 ? ' baru' : ''));
    fields.label_en_2_3 = '';
    const res = await postForm(asAdmin, `/admin/surveys/${survey._id}/elements`, fields);
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-label_en_2_3"');
    expect(res.text).toContain(`value="${survey.elements[1]!.name!.id} baru"`);
    const stored = await Survey.findById(survey._id).lean();
    expect(stored!.elements).toEqual(survey.toObject().elements);
  });

  test('once a response exists the element set is frozen: refused with a clear message, nothing changed', async () => {
    const survey = await createSurvey(unit);
    await insertResponse(survey);
    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    expect(page.text).toContain('Set unsur dikunci karena survei ini sudah memiliki jawaban.');
    const res = await postForm(
      asManager,
      `/admin/surveys/${survey._id}/elements`,
      elementFields(survey.toObject().elements, () => ' X'),
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain('Set unsur dikunci karena survei ini sudah memiliki jawaban.');
    const stored = await Survey.findById(survey._id).lean();
    expect(stored!.elements).toEqual(survey.toObject().elements);
    expect(await AuditLog.countDocuments({ action: 'survey.elements', 'target.id': String(survey._id) })).toBe(0);
  });

  test('an open survey without responses: texts are not editable either', async () => {
    const survey = await createSurvey(unit, { status: 'open' });
    const res = await postForm(
      asAdmin,
      `/admin/surveys/${survey._id}/elements`,
      elementFields(survey.toObject().elements, () => ' X'),
    );
    expect(res.status).toBe(409);
    expect(res.text).toContain('Unsur hanya dapat diubah selama survei masih berstatus draf');
  });

  test('settings: period, population and dates saved; closing before opening refused beside the field', async () => {
    const survey = await createSurvey(unit);
    const ok = await postForm(asManager, `/admin/surveys/${survey._id}/settings`, {
      title: 'SKM Semester 2',
      year: '2024',
      semester: '2',
      population: '1800',
      opensAt: '2024-07-01',
      closesAt: '2024-12-31',
      suggestionEnabled: 'on',
    });
    expect(ok.status).toBe(303);
    const stored = await Survey.findById(survey._id).lean();
    expect(stored).toMatchObject({
      title: 'SKM Semester 2',
      period: { year: 2024, semester: 2 },
      population: 1800,
      suggestionEnabled: true,
      oneResponsePerDevice: false,
    });
    // Dates are WIB calendar days: open from the start of 1 July, closed after the end of 31 December.
    expect(stored!.opensAt!.toISOString()).toBe('2024-06-30T17:00:00.000Z');
    expect(stored!.closesAt!.toISOString()).toBe('2024-12-31T16:59:59.999Z');
    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    expect(page.text).toContain('value="2024-07-01"');
    expect(page.text).toContain('value="2024-12-31"');
    const bad = await postForm(asManager, `/admin/surveys/${survey._id}/settings`, {
      title: 'Lain',
      year: '2024',
      opensAt: '2024-12-31',
      closesAt: '2024-01-01',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="e-closesAt"');
    expect(bad.text).toContain('value="Lain"');
    expect((await Survey.findById(survey._id).lean())!.title).toBe('SKM Semester 2');
    const noSuchDay = await postForm(asManager, `/admin/surveys/${survey._id}/settings`, {
      title: 'Lain',
      year: '2024',
      opensAt: '2024-02-31',
      closesAt: '2024-13-01',
    });
    expect(noSuchDay.status).toBe(422);
    expect(noSuchDay.text).toContain('id="e-opensAt"');
    expect(noSuchDay.text).toContain('id="e-closesAt"');
  });

  test('settings: English title and description saved; blank ones stay blank (the form falls back to Indonesian)', async () => {
    const survey = await createSurvey(unit);
    const res = await postForm(asManager, `/admin/surveys/${survey._id}/settings`, {
      title: 'SKM Loket',
      titleEn: 'Counter Survey',
      description: 'Deskripsi',
      descriptionEn: '',
      year: '2024',
    });
    expect(res.status).toBe(303);
    expect(await Survey.findById(survey._id).lean()).toMatchObject({
      title: 'SKM Loket',
      titleEn: 'Counter Survey',
      description: 'Deskripsi',
      descriptionEn: '',
    });
    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    expect(page.text).toContain('id="f-titleEn" name="titleEn" value="Counter Survey"');
  });

  test('services as rows: the key is derived from the name, the English name falls back, an empty row is dropped', async () => {
    const survey = await createSurvey(unit);
    const res = await postForm(asManager, `/admin/surveys/${survey._id}/services`, {
      svc_rows: '3',
      svc_0_id: 'Rehabilitasi sosial',
      svc_0_en: '',
      svc_0_key: '',
      svc_1_id: 'Konsultasi teknis',
      svc_1_en: 'Technical consultation',
      svc_1_key: 'konsultasi',
      svc_2_id: '',
      svc_2_en: '',
      svc_2_key: '',
    });
    expect(res.status).toBe(303);
    expect((await Survey.findById(survey._id).lean())!.services).toEqual([
      { key: 'rehabilitasi-sosial', name: { id: 'Rehabilitasi sosial', en: 'Rehabilitasi sosial' } },
      { key: 'konsultasi', name: { id: 'Konsultasi teknis', en: 'Technical consultation' } },
    ]);
    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    expect(page.text).toContain('name="svc_0_key" value="rehabilitasi-sosial"');
    expect(page.text).toContain('name="svc_rows" value="3"');
  });

  test('services: "add a row" is a submit button that keeps what was typed, adds a row and saves nothing', async () => {
    const survey = await createSurvey(unit);
    const before = (await Survey.findById(survey._id).lean())!.services;
    const res = await postForm(asManager, `/admin/surveys/${survey._id}/services`, { svc_rows: '1', svc_0_id: 'Layanan pengaduan', _add: 'svc' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="svc_rows" value="2"');
    expect(res.text).toContain('value="Layanan pengaduan"');
    expect(res.text).toMatch(/id="f-svc_1_id" name="svc_1_id" value=""[^>]*autofocus/);
    expect((await Survey.findById(survey._id).lean())!.services).toEqual(before);
  });

  test('services: a bad typed key or a key used twice is named beside its field; nothing stored', async () => {
    const survey = await createSurvey(unit);
    const before = (await Survey.findById(survey._id).lean())!.services;
    const res = await postForm(asManager, `/admin/surveys/${survey._id}/services`, {
      svc_rows: '3',
      svc_0_id: 'A',
      svc_0_key: 'BAD KEY',
      svc_1_id: 'B',
      svc_1_key: 'b',
      svc_2_id: 'C',
      svc_2_key: 'b',
    });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-svc_0_key"');
    expect(res.text).toContain('id="e-svc_2_key"');
    expect(res.text).toContain('value="BAD KEY"');
    expect((await Survey.findById(survey._id).lean())!.services).toEqual(before);
  });

  test('profile questions as rows with option rows; a choice question without options is refused beside it', async () => {
    const survey = await createSurvey(unit);
    const ok = await postForm(asManager, `/admin/surveys/${survey._id}/profile`, {
      pq_rows: '2',
      pq_0_id: 'Asal instansi',
      pq_0_en: 'Agency',
      pq_0_kind: 'choice',
      pq_0_required: 'on',
      pq_0_opts: '3',
      pq_0_o0_id: 'Pusat',
      pq_0_o0_en: 'Central',
      pq_0_o1_id: 'Daerah',
      pq_0_o2_id: '',
      pq_1_id: 'Catatan',
      pq_1_kind: 'text',
      pq_1_opts: '1',
    });
    expect(ok.status).toBe(303);
    expect((await Survey.findById(survey._id).lean())!.profileQuestions).toMatchObject([
      {
        key: 'asal_instansi',
        label: { id: 'Asal instansi', en: 'Agency' },
        kind: 'choice',
        required: true,
        options: [
          { key: 'pusat', name: { en: 'Central' } },
          { key: 'daerah', name: { en: 'Daerah' } },
        ],
      },
      { key: 'catatan', kind: 'text', required: false, options: [] },
    ]);
    const bad = await postForm(asManager, `/admin/surveys/${survey._id}/profile`, {
      pq_rows: '1',
      pq_0_id: 'Pekerjaan lain',
      pq_0_kind: 'choice',
      pq_0_opts: '1',
      pq_0_o0_id: '',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="e-pq_0_o0_id"');
    expect((await Survey.findById(survey._id).lean())!.profileQuestions).toHaveLength(2);
  });

  test('indicator link: code, target, cap and display rule saved; a target above 100 refused', async () => {
    const survey = await createSurvey(unit);
    const res = await postForm(asManager, `/admin/surveys/${survey._id}/indicator`, {
      code: 'IKK 3.1',
      name: 'Nilai Kepuasan Stakeholder',
      target: '90',
      polarity: 'higher',
      cap: '120',
      achievementDecimals: '1',
      achievementRounding: 'truncate',
    });
    expect(res.status).toBe(303);
    expect((await Survey.findById(survey._id).lean())!.indicator).toMatchObject({
      code: 'IKK 3.1',
      target: 90,
      cap: 120,
      achievementDecimals: 1,
      achievementRounding: 'truncate',
    });
    const bad = await postForm(asManager, `/admin/surveys/${survey._id}/indicator`, {
      code: 'IKK 3.1',
      name: 'X',
      target: '190',
      polarity: 'higher',
      cap: 'none',
      achievementDecimals: '2',
      achievementRounding: 'round',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="e-target"');
    expect((await Survey.findById(survey._id).lean())!.indicator!.target).toBe(90);
  });

  test('open, close and publish: status changes, each audited', async () => {
    const survey = await createSurvey(unit);
    expect((await postForm(asManager, `/admin/surveys/${survey._id}/status`, { status: 'open' })).status).toBe(303);
    expect((await Survey.findById(survey._id).lean())!.status).toBe('open');
    expect((await postForm(asManager, `/admin/surveys/${survey._id}/publish`, { published: '1' })).status).toBe(303);
    expect((await postForm(asManager, `/admin/surveys/${survey._id}/status`, { status: 'closed' })).status).toBe(303);
    const stored = await Survey.findById(survey._id).lean();
    expect(stored).toMatchObject({ status: 'closed', published: true });
    const actions = (
      await AuditLog.find({ 'target.id': String(survey._id) })
        .sort({ at: 1, _id: 1 })
        .lean()
    ).map((e) => [e.action, e.before, e.after]);
    expect(actions).toEqual([
      ['survey.open', { status: 'draft' }, { status: 'open' }],
      ['survey.publish', { published: false }, { published: true }],
      ['survey.close', { status: 'open' }, { status: 'closed' }],
    ]);
  });

  test('a viewer sees the survey page read-only: no save buttons, text fields readonly', async () => {
    const survey = await createSurvey(unit);
    const viewer = await createUser('viewer', unit._id);
    const page = await (await loginAs(app, viewer.email)).agent.get(`/admin/surveys/${survey._id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(survey.title);
    expect(page.text).not.toContain('>Simpan<');
    expect(page.text).toMatch(/id="f-title"[^>]*readonly/);
  });
});

describe('audit trail page', () => {
  test('admins read it newest first with who, what and the changed values; others get 403', async () => {
    const survey = await createSurvey(unit);
    await postForm(asManager, `/admin/surveys/${survey._id}/settings`, { title: 'Judul lama', year: '2024' });
    await postForm(asManager, `/admin/surveys/${survey._id}/settings`, { title: 'Judul <baru>', year: '2024' });
    const page = await asAdmin.agent.get('/admin/audit');
    expect(page.status).toBe(200);
    const first = page.text.indexOf('Judul &lt;baru&gt;');
    expect(first).toBeGreaterThan(0);
    expect(page.text).toContain(manager.email);
    expect(page.text).toContain('<td>Mengubah pengaturan survei</td>');
    expect(page.text).toContain('<span class="change-field">title</span>: <del>Judul lama</del> → <ins>Judul &lt;baru&gt;</ins>');
    expect(page.text).toMatch(/<time datetime="[^"]+">\d{1,2} \w+ \d{4},? \d{2}[.:]\d{2} WIB<\/time>/);
    expect(page.text).not.toContain('Judul <baru>');
    expect((await asManager.agent.get('/admin/audit')).status).toBe(403);
    expect((await request(app).get('/admin/audit')).status).toBe(303);
  });

  test('filters by action, user and date; the pager keeps the filter', async () => {
    const survey = await createSurvey(unit);
    await postForm(asManager, `/admin/surveys/${survey._id}/settings`, { title: 'Disaring', year: '2024' });
    await postForm(asAdmin, `/admin/surveys/${survey._id}/status`, { status: 'open' });
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

    const byAction = await asAdmin.agent.get('/admin/audit?action=survey.open');
    const byActor = await asAdmin.agent.get(`/admin/audit?actor=${encodeURIComponent(manager.email)}&from=${today}&to=${today}`);
    const lastYear = await asAdmin.agent.get('/admin/audit?from=2000-01-01&to=2000-12-31');

    expect(byAction.text).toContain('<td>Membuka survei</td>');
    expect(byAction.text).not.toContain('<td>Mengubah pengaturan survei</td>');
    expect(byAction.text).toContain('<option value="survey.open" selected>');
    expect(byActor.text).toContain('Disaring');
    expect(byActor.text).not.toContain(`<td>${admin.email}</td>`);
    expect(lastYear.text).toContain('Belum ada catatan.');
  });

  test('paginated: 50 a page, page 2 holds the older entries', async () => {
    const { recordAudit } = await import('../../server/features/audit/audit.service');
    for (let i = 0; i < 55; i += 1)
      await recordAudit({ actor: null, action: 'test.bulk', target: { kind: 'test', id: `n${i}`, label: `entry-${String(i).padStart(2, '0')}` } });
    const p1 = await asAdmin.agent.get('/admin/audit');
    const p2 = await asAdmin.agent.get('/admin/audit?page=2');
    expect(p1.text).toContain('entry-54');
    expect(p1.text).not.toContain('entry-00');
    expect(p2.text).toContain('entry-00');
    expect(p1.text).toContain('page=2');
  });
});
