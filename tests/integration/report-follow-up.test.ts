/**
 * The follow-up plan (RTL): unit managers add, change and remove actions (CSRF, audited);
 * a bad form comes back 422 with the input kept and nothing stored; viewers and other units
 * are refused. The plan appears in the report (BAB IV.B), and on the next period's dashboard
 * and report (Lampiran 4) as last period's plan.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs } from '../support/auth';
import { binary, docxContent } from '../support/files';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';
import { AuditLog } from '../../models/audit-log';
import { FollowUpPlan } from '../../models/follow-up-plan';

useTestDatabase();
const app = testApp();
jest.setTimeout(120_000);

async function world() {
  const unit = await makeUnit('Balai RTL');
  const s2022 = await makeSurvey(unit, { period: { year: 2022 } });
  const s2023 = await makeSurvey(unit, { period: { year: 2023 } });
  for (const scores of [
    [4, 4, 3, 4, 3, 4, 4, 3, 2],
    [3, 4, 3, 4, 3, 4, 4, 3, 2],
  ])
    await storeResponse(s2022, { scores });
  await storeResponse(s2023, { scores: [4, 4, 4, 4, 4, 4, 4, 4, 3] });
  const manager = await loginAs(app, (await createUser('unit-manager', unit._id)).email);
  return { unit, s2022, s2023, manager };
}

const form = (over: Record<string, string> = {}) => ({
  elementKey: 'pengaduan',
  problem: 'Pengaduan lambat ditanggapi',
  action: 'Kanal pengaduan daring dengan status tindak lanjut',
  responsible: 'Subbagian Umum',
  quarter: '2',
  year: '2023',
  status: 'planned',
  evidence: '',
  ...over,
});

async function pageCsrf(agent: ReturnType<typeof loginAs> extends Promise<infer A> ? A : never, url: string) {
  return csrfFrom((await agent.agent.get(url)).text);
}

test('unit manager: adds an action (303, stored, audited), changes its status (audited before/after), deletes it (audited)', async () => {
  const { s2022, manager } = await world();
  const url = `/admin/surveys/${s2022._id}/follow-up`;

  const created = await manager.agent
    .post(url)
    .type('form')
    .send({ ...form(), _csrf: await pageCsrf(manager, url) });

  expect(created.status).toBe(303);
  const item = await FollowUpPlan.findOne({ surveyId: s2022._id }).lean();
  expect(item).toMatchObject({ elementKey: 'pengaduan', quarter: 2, year: 2023, status: 'planned', responsible: 'Subbagian Umum' });
  expect(await AuditLog.countDocuments({ action: 'followup.create', 'target.id': String(item!._id) })).toBe(1);

  const updated = await manager.agent
    .post(`${url}/${item!._id}`)
    .type('form')
    .send({ ...form({ status: 'done', evidence: 'SK kanal pengaduan No. 12/2023' }), _csrf: await pageCsrf(manager, url) });

  expect(updated.status).toBe(303);
  const audit = await AuditLog.findOne({ action: 'followup.update', 'target.id': String(item!._id) }).lean();
  expect(audit!.before).toEqual({ status: 'planned', evidence: '' });
  expect(audit!.after).toEqual({ status: 'done', evidence: 'SK kanal pengaduan No. 12/2023' });

  const deleted = await manager.agent
    .post(`${url}/${item!._id}/delete`)
    .type('form')
    .send({ _csrf: await pageCsrf(manager, url) });

  expect(deleted.status).toBe(303);
  expect(await FollowUpPlan.countDocuments({ surveyId: s2022._id })).toBe(0);
  expect(await AuditLog.countDocuments({ action: 'followup.delete', 'target.id': String(item!._id) })).toBe(1);
});

test('a bad form: 422, every error beside its field, the input kept, nothing stored', async () => {
  const { s2022, manager } = await world();
  const url = `/admin/surveys/${s2022._id}/follow-up`;

  const res = await manager.agent
    .post(url)
    .type('form')
    .send({ ...form({ action: '   ', elementKey: 'bukan-unsur', quarter: '7' }), _csrf: await pageCsrf(manager, url) });

  expect(res.status).toBe(422);
  expect(res.text).toContain('id="e-action"');
  expect(res.text).toContain('id="e-elementKey"');
  expect(res.text).toContain('id="e-quarter"');
  expect(res.text).toContain('Pengaduan lambat ditanggapi');
  expect(await FollowUpPlan.countDocuments({ surveyId: s2022._id })).toBe(0);
});

test('a viewer of the unit and a manager of another unit: 403, nothing stored', async () => {
  const { unit, s2022 } = await world();
  const viewer = await loginAs(app, (await createUser('viewer', unit._id)).email);
  const outsider = await loginAs(app, (await createUser('unit-manager', (await makeUnit('Lain'))._id)).email);
  const url = `/admin/surveys/${s2022._id}/follow-up`;

  const asViewer = await viewer.agent
    .post(url)
    .type('form')
    .send({ ...form(), _csrf: await viewer.csrf() });
  const asOutsider = await outsider.agent
    .post(url)
    .type('form')
    .send({ ...form(), _csrf: await outsider.csrf() });

  expect(asViewer.status).toBe(403);
  expect(asOutsider.status).toBe(403);
  expect((await viewer.agent.get(url)).status).toBe(200);
  expect(await FollowUpPlan.countDocuments({ surveyId: s2022._id })).toBe(0);
});

test('the plan is in the report (BAB IV.B), and on the next period’s dashboard and report (Lampiran 4) with its status', async () => {
  const { s2022, s2023, manager } = await world();
  const url = `/admin/surveys/${s2022._id}/follow-up`;
  await manager.agent
    .post(url)
    .type('form')
    .send({ ...form({ status: 'in-progress', evidence: 'Uji coba kanal' }), _csrf: await pageCsrf(manager, url) });

  const report2022 = await manager.agent
    .get(`/admin/surveys/${s2022._id}/report.docx?lang=id`)
    .buffer(true)
    .parse(binary as never);
  const dash2023 = await manager.agent.get(`/admin/surveys/${s2023._id}/dashboard`);
  const report2023 = await manager.agent
    .get(`/admin/surveys/${s2023._id}/report.docx?lang=id`)
    .buffer(true)
    .parse(binary as never);

  const t2022 = (await docxContent(report2022.body as Buffer)).text;
  expect(t2022).toContain('Tabel');
  expect(t2022).toContain('Kanal pengaduan daring dengan status tindak lanjut');
  expect(t2022).toContain('TW 2 2023');
  expect(t2022).toContain('Sedang berjalan');
  expect(dash2023.text).toContain('Rencana tindak lanjut periode sebelumnya (2022)');
  expect(dash2023.text).toContain('Kanal pengaduan daring dengan status tindak lanjut');
  const t2023 = (await docxContent(report2023.body as Buffer)).text;
  expect(t2023).toContain('Tindak lanjut periode sebelumnya');
  expect(t2023).toContain('Uji coba kanal');
});
