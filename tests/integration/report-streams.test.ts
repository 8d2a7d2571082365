/**
 * The streamed exports at their edges: raw answers past the sheet's row limit continue on
 * "Jawaban 2", … with the per-element formulas summing over every raw sheet and the summary
 * saying so (the limit is lowered here; Excel's is 1,048,576); CSV cells that would run as
 * formulas are neutralised (OWASP).
 */
import { PassThrough } from 'node:stream';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs } from '../support/auth';
import { binary, csvRows, readXlsx } from '../support/files';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';
import { buildSurveyReport, countRawResponses } from '../../server/features/reports/report.service';
import { EXCEL_MAX_ROWS } from '../../server/features/reports/report.xlsx';
import { writeXlsx } from '../../server/features/reports/report.export';
import { csvLine } from '../../server/features/reports/report.csv';

useTestDatabase();
const app = testApp();
jest.setTimeout(120_000);

test('XLSX: 7 responses with 4 rows per sheet → Jawaban, Jawaban 2, Jawaban 3; formulas over all three; the summary names them', async () => {
  const unit = await makeUnit('Balai Baris');
  const survey = await makeSurvey(unit);
  for (let i = 0; i < 7; i++) await storeResponse(survey, { scores: [4, 3, 4, 3, 4, 3, 4, 3, (i % 4) + 1] });
  const ctx = await buildSurveyReport(survey, {}, 'id', new Date(Date.UTC(2023, 0, 1)));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));

  const written = await writeXlsx(ctx, out, { maxRows: 4 });

  expect(EXCEL_MAX_ROWS).toBe(1_048_576);
  expect(written).toEqual({ rawRows: 7, rawSheets: ['Jawaban', 'Jawaban 2', 'Jawaban 3'] });
  const wb = await readXlsx(Buffer.concat(chunks));
  expect(wb.worksheets.map((w) => w.name).slice(-3)).toEqual(['Jawaban', 'Jawaban 2', 'Jawaban 3']);
  expect([3, 3, 1].map((n, i) => wb.getWorksheet(written.rawSheets[i]!)!.rowCount - 1)).toEqual([3, 3, 1]);
  const u9 = wb.getWorksheet('Per unsur')!.getRow(10);
  expect(u9.getCell(4).value).toEqual({
    formula: "SUM('Jawaban'!M:M)+SUM('Jawaban 2'!M:M)+SUM('Jawaban 3'!M:M)",
    result: ctx.results.result!.elements[8]!.total,
  });
  const notes: string[] = [];
  wb.getWorksheet('Ringkasan')!.eachRow((row) => notes.push(String(row.getCell(1).value)));
  expect(notes).toContain('Jawaban mentah melebihi batas baris Excel dan dilanjutkan pada lembar: Jawaban, Jawaban 2, Jawaban 3.');
});

test('CSV: a profile answer or service starting with = + - @ is neutralised; numbers stay numbers', async () => {
  const unit = await makeUnit('Balai Injeksi');
  const survey = await makeSurvey(unit, { services: [{ key: 'a', name: { id: 'A', en: 'A' } }] });
  await storeResponse(survey, { scores: [4, 4, 4, 4, 4, 4, 4, 4, 4], profile: { occupation: '=HYPERLINK("http://x","klik")', gender: '+1' }, service: 'a' });
  const manager = await loginAs(app, (await createUser('unit-manager', unit._id)).email);

  const res = await manager.agent
    .get(`/admin/surveys/${survey._id}/report.csv?lang=id`)
    .buffer(true)
    .parse(binary as never);

  const [header, row] = csvRows(res.body as Buffer);
  const col = (name: string) => row![header!.indexOf(name)];
  expect(col('Pekerjaan')).toBe(`'=HYPERLINK("http://x","klik")`);
  expect(col('Jenis kelamin')).toBe("'+1");
  expect(col('U1 Persyaratan')).toBe('4');
  expect(csvLine(['@SUM(A1)', '-2', '\tx', 3, null])).toBe(`"'@SUM(A1)","'-2","'\tx",3,\r\n`);
});

test('XLSX of a month range: the rows are counted from the counters’ month cells before writing, and the sheet split fits the rows written', async () => {
  const unit = await makeUnit('Balai Rentang');
  const survey = await makeSurvey(unit);
  const months = [1, 2, 2, 3, 3, 3, 4];
  for (const month of months) await storeResponse(survey, { month, scores: [4, 3, 4, 3, 4, 3, 4, 3, (month % 4) + 1] });
  const year = survey.period.year;
  const period = { from: { year, month: 2 }, to: { year, month: 3 } };
  const inRange = months.filter((m) => m >= 2 && m <= 3).length;
  const ctx = await buildSurveyReport(survey, period, 'id', new Date(Date.UTC(year + 1, 0, 1)));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));

  expect(await countRawResponses(survey._id, period)).toBe(inRange);
  const written = await writeXlsx(ctx, out, { maxRows: 3 });

  expect(written).toEqual({ rawRows: inRange, rawSheets: ['Jawaban', 'Jawaban 2', 'Jawaban 3'] });
  const summary: unknown[][] = [];
  (await readXlsx(Buffer.concat(chunks))).getWorksheet('Ringkasan')!.eachRow((row) => summary.push([row.getCell(1).value, row.getCell(2).value]));
  expect(summary).toContainEqual(['Jumlah baris jawaban mentah', inRange]);
});
