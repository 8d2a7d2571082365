/** A Microsoft Forms export (XLSX, dates as spreadsheet dates) imported end to end. */
import ExcelJS from 'exceljs';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs } from '../support/auth';
import { Response } from '../../models/response';
import { ImportBatch } from '../../models/import-batch';
import { elementsFromTemplate, verifyStats } from '../../server/results';
import { makeSurvey, makeUnit } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

async function microsoftFormsXlsx(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  const questions = elementsFromTemplate('permenpanrb-14-2017').map((e) => e.question.en);
  ws.addRow(['ID', 'Start time', 'Completion time', 'Email', 'Name', 'Gender', 'Service', ...questions, 'Suggestions']);
  const labels = ['Very appropriate', 'Easy', 'Fast', 'Free', 'Appropriate', 'Competent', 'Very polite and friendly', 'Good', 'Well managed'];
  ws.addRow([1, new Date(Date.UTC(2022, 5, 30, 9, 0)), new Date(Date.UTC(2022, 5, 30, 9, 5)), 'anonymous', '', 'Female', 'Service B', ...labels, 'Good job']);
  ws.addRow([
    2,
    new Date(Date.UTC(2022, 6, 1, 14, 0)),
    new Date(Date.UTC(2022, 6, 1, 14, 3)),
    'anonymous',
    '',
    'Male',
    'Service A',
    ...labels.map((l, i) => (i === 2 ? '' : l)),
    '',
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

test('import: a Microsoft Forms XLSX export with English labels, blanks and sheet dates', async () => {
  const unit = await makeUnit();
  const survey = await makeSurvey(unit);
  const manager = await createUser('admin');
  const { agent, csrf } = await loginAs(app, manager.email);
  const page = await agent.get(`/admin/surveys/${survey._id}/import`);

  const up = await agent
    .post(`/admin/surveys/${survey._id}/import`)
    .field('_csrf', csrfFrom(page.text))
    .attach('file', await microsoftFormsXlsx(), 'SKM.xlsx');

  expect(up.status).toBe(303);
  const batch = await ImportBatch.findOne({ surveyId: survey._id }).lean();
  expect(batch!.mapping).toEqual([
    'ignore',
    'ignore',
    'timestamp',
    'ignore',
    'ignore',
    'pf:gender',
    'service',
    ...survey.elements.map((e) => `el:${e.key}`),
    'suggestion',
  ]);
  const preview = await agent.get(up.headers.location!);
  expect(preview.text).toContain('data-testid="valid">2<');
  expect(preview.text).toContain('data-testid="invalid">0<');

  const res = await agent
    .post(`${up.headers.location}/commit`)
    .type('form')
    .send({ _csrf: await csrf() });

  expect(res.status).toBe(303);
  const stored = await Response.find({ surveyId: survey._id }).sort({ submittedAt: 1 }).lean();
  expect(stored.map((r) => [r.month, r.semester, r.service, (r.profile as unknown as Record<string, string>).gender])).toEqual([
    [6, 1, 'b', 'p'],
    [7, 2, 'a', 'l'],
  ]);
  expect(stored[0]!.answers.map((a) => a.v)).toEqual([4, 3, 3, 4, 3, 3, 4, 3, 4]);
  expect(stored[1]!.answers.map((a) => a.k)).not.toContain('waktu'); // a blank is not a zero
  expect((await verifyStats(survey._id)).ok).toBe(true);
});
