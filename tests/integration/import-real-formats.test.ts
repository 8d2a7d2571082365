/**
 * Issue 11: importing exports exactly as Google Forms (Indonesian and English locale, with and
 * without BOM) and Microsoft Forms (XLSX) write them, an export numbered best-first, a
 * letter-prefixed export, a cumulative re-download and timestamps near midnight WIB, on the
 * real app and database. Each case checks the final score against the method module
 * (computeFromAnswers over the answers the file was built from).
 */
import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs, type LoggedInAgent } from '../support/auth';
import { Response } from '../../models/response';
import { ImportBatch } from '../../models/import-batch';
import { computeFromAnswers, type Answer } from '../../server/ikm';
import { computeSurveyResults, elementSetOf, elementsFromTemplate, verifyStats } from '../../server/results';
import { prng } from '../../server/lib/prng';
import { makeSurvey, makeUnit } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

const ELEMENTS = elementsFromTemplate('permenpanrb-14-2017');

/** n respondents' scores (element order), some blanks, deterministic. */
function answers(n: number, seed: number): Answer[][] {
  const r = prng(seed);
  return Array.from({ length: n }, () => ELEMENTS.map(() => (r() < 0.05 ? null : ((1 + Math.floor(r() * 4)) as Answer))));
}

type Lang = 'id' | 'en';
type Label = (score: number, element: number, lang: Lang) => string;
const plain: Label = (s, j, lang) => ELEMENTS[j]!.labels[lang][s - 1]!;
/** "a. Tidak sesuai" … "d. Sangat sesuai" (worst first, as the options were listed). */
const lettered: Label = (s, j, lang) => `${'abcd'[s - 1]}. ${plain(s, j, lang)}`;
/** "1. Sangat sesuai" … "4. Tidak sesuai": options numbered best-first. */
const bestFirst: Label = (s, j, lang) => `${5 - s}. ${plain(s, j, lang)}`;

const pad = (n: number) => String(n).padStart(2, '0');

interface CsvOptions {
  lang: Lang;
  bom?: boolean;
  separator?: ',' | ';';
  label?: Label;
  /** Timestamp text of respondent i. */
  time?: (i: number) => string;
  suggestion?: (i: number) => string;
}

const quote = (c: string) => `"${c.replace(/"/g, '""')}"`;

/** A Google Forms response sheet downloaded as CSV (Sheets in the given locale). */
function googleFormsCsv(rows: Answer[][], o: CsvOptions): Buffer {
  const label = o.label ?? plain;
  // Sheets in id_ID writes "15/03/2022 10.23.45"; in en_US "3/15/2022 10:23:45".
  const time =
    o.time ?? ((i: number) => (o.lang === 'id' ? `${pad(1 + (i % 28))}/03/2022 10.${pad(i % 60)}.00` : `3/${1 + (i % 28)}/2022 10:${pad(i % 60)}:00`));
  const sep = o.separator ?? ',';
  const head = [
    o.lang === 'id' ? 'Cap waktu' : 'Timestamp',
    ...ELEMENTS.map((e, j) => `${j + 1}. ${e.question[o.lang]}`),
    o.lang === 'id' ? 'Saran dan masukan' : 'Suggestions',
  ];
  const lines = [head.map(quote).join(sep)];
  rows.forEach((row, i) => {
    lines.push([time(i), ...row.map((s, j) => (s === null ? '' : label(s, j, o.lang))), o.suggestion?.(i) ?? ''].map(quote).join(sep));
  });
  return Buffer.from(`${o.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`, 'utf8');
}

/** A Microsoft Forms export (XLSX): ID, start and completion as sheet dates, English questions. */
async function microsoftFormsXlsx(rows: Answer[][], label: Label = plain): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sheet1');
  ws.addRow(['ID', 'Start time', 'Completion time', 'Email', 'Name', ...ELEMENTS.map((e) => e.question.en), 'Suggestions']);
  rows.forEach((row, i) => {
    const done = new Date(Date.UTC(2022, 4, 1 + (i % 28), 9, i % 60, 0));
    ws.addRow([i + 1, new Date(done.getTime() - 120_000), done, 'anonymous', '', ...row.map((s, j) => (s === null ? '' : label(s, j, 'en'))), '']);
  });
  ws.getColumn(2).numFmt = 'm/d/yy h:mm';
  ws.getColumn(3).numFmt = 'm/d/yy h:mm';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

interface Ctx {
  survey: Awaited<ReturnType<typeof makeSurvey>>;
  session: LoggedInAgent;
}

async function setup(overrides: Record<string, unknown> = {}): Promise<Ctx> {
  const unit = await makeUnit();
  const survey = await makeSurvey(unit, overrides);
  const manager = await createUser('unit-manager', unit._id);
  return { survey, session: await loginAs(app, manager.email) };
}

async function upload(c: Ctx, file: Buffer, name: string): Promise<string> {
  const page = await c.session.agent.get(`/admin/surveys/${String(c.survey._id)}/import`);
  const res = await c.session.agent
    .post(`/admin/surveys/${String(c.survey._id)}/import`)
    .field('_csrf', csrfFrom(page.text))
    .attach('file', file, name);
  expect(res.status).toBe(303);
  return res.headers.location!;
}

async function commit(c: Ctx, url: string, fields: Record<string, string> = {}) {
  return c.session.agent
    .post(`${url}/commit`)
    .type('form')
    .send({ _csrf: await c.session.csrf(), ...fields });
}

const count = (html: string, id: string) => Number(new RegExp(`data-testid="${id}">([\\d.]+)<`).exec(html)?.[1]?.replace(/\./g, '') ?? 'NaN');

/** The survey's stored results equal the method on exactly these answers; counters agree. */
async function expectScoreOf(surveyId: Types.ObjectId, survey: Ctx['survey'], rows: Answer[][]): Promise<void> {
  const expected = computeFromAnswers(elementSetOf(survey as never), rows);
  const stored = await computeSurveyResults(surveyId);
  expect(stored.result).toEqual(expected);
  expect(stored.result!.score).toBe(expected.score);
  expect((await verifyStats(surveyId)).ok).toBe(true);
}

describe('import: real export formats (issue 11)', () => {
  test.each([
    ['Google Forms, Indonesian locale, no BOM', { lang: 'id' as const }],
    ['Google Forms, Indonesian locale, saved again by Excel (BOM, ";")', { lang: 'id' as const, bom: true, separator: ';' as const }],
    ['Google Forms, English locale, BOM', { lang: 'en' as const, bom: true }],
    ['Google Forms, English locale, no BOM', { lang: 'en' as const }],
  ])('%s: every question auto-mapped, every row valid, score as the method gives', async (_name, o) => {
    const c = await setup();
    const rows = answers(37, 11);

    const url = await upload(c, googleFormsCsv(rows, o), 'SKM (Jawaban).csv');
    const preview = await c.session.agent.get(url);

    expect(count(preview.text, 'valid')).toBe(37);
    expect(count(preview.text, 'invalid')).toBe(0);
    const batch = await ImportBatch.findOne({ surveyId: c.survey._id }).lean();
    expect(batch!.mapping).toEqual(['timestamp', ...ELEMENTS.map((e) => `el:${e.key}`), 'suggestion']);
    expect(batch!.dateOrder).toBe(o.lang === 'id' ? 'dmy' : 'mdy');
    expect((await commit(c, url)).status).toBe(303);
    await expectScoreOf(c.survey._id, c.survey, rows);
    const stored = await Response.find({ surveyId: c.survey._id }).sort({ submittedAt: 1 }).lean();
    expect(stored[0]!.month).toBe(3);
  });

  test('Microsoft Forms XLSX: sheet dates, response IDs, score as the method gives', async () => {
    const c = await setup();
    const rows = answers(25, 12);

    const url = await upload(c, await microsoftFormsXlsx(rows), 'SKM.xlsx');
    const preview = await c.session.agent.get(url);

    expect(count(preview.text, 'valid')).toBe(25);
    expect((await commit(c, url)).status).toBe(303);
    await expectScoreOf(c.survey._id, c.survey, rows);
    expect((await Response.find({ surveyId: c.survey._id }).lean()).every((r) => r.month === 5)).toBe(true);
  });

  test('a letter-prefixed export ("a. Tidak sesuai" … "d. Sangat sesuai"): nothing to decide', async () => {
    const c = await setup();
    const rows = answers(30, 13);

    const url = await upload(c, googleFormsCsv(rows, { lang: 'id', label: lettered }), 'huruf.csv');
    const preview = await c.session.agent.get(url);

    expect(count(preview.text, 'valid')).toBe(30);
    expect(preview.text).not.toContain('id="table-unknown"');
    expect((await commit(c, url)).status).toBe(303);
    await expectScoreOf(c.survey._id, c.survey, rows);
  });

  test('an export numbered best-first: never read silently, named as a reversed scale, both readings shown; the label rule gives the right score', async () => {
    const c = await setup();
    const rows = answers(40, 14);
    const url = await upload(c, googleFormsCsv(rows, { lang: 'id', label: bestFirst }), 'terbalik.csv');

    const preview = await c.session.agent.get(url);

    expect(count(preview.text, 'valid')).toBe(0);
    expect(preview.text).toContain('Skala tampaknya terbalik');
    // "1. Sangat sesuai" is listed once for U1 and U5 (same labels), with both readings.
    expect(preview.text).toMatch(
      /<td>1\. [^<]*persyaratan[^<]*, 5\. [^<]*produk[^<]*<\/td><th scope="row"><label for="f-u\d+">1\. Sangat sesuai<\/label><br><span class="muted small" data-testid="readings">angka: 1 · label: 4<\/span>/,
    );
    const refused = await commit(c, url, { skipInvalid: '1' });
    expect(refused.status).toBe(422);
    expect(await Response.countDocuments({ surveyId: c.survey._id })).toBe(0);

    const saved = await c.session.agent
      .post(`${url}/mapping`)
      .type('form')
      .send({ _csrf: await c.session.csrf(), prefixRule: 'label' });
    expect(saved.status).toBe(303);
    const after = await c.session.agent.get(url);
    expect(count(after.text, 'valid')).toBe(40);

    expect((await commit(c, url)).status).toBe(303);
    await expectScoreOf(c.survey._id, c.survey, rows);
  });

  test('one decision for a text applies to every element with the same labels, or to one of them', async () => {
    const c = await setup();
    const rows = answers(6, 15).map((r) => r.map((s) => s ?? 3) as Answer[]);
    rows[0]![0] = 4;
    rows[1]![4] = 4;
    // U1 and U5 (both "Sesuai" labels) carry an unknown text in the first two rows.
    const csv = googleFormsCsv(rows, { lang: 'id', label: (s, j, lang) => ((j === 0 || j === 4) && s === 4 ? 'Sangat setuju' : plain(s, j, lang)) });
    const url = await upload(c, csv, 'setuju.csv');
    const batch = await ImportBatch.findOne({ surveyId: c.survey._id }).lean();
    const hex = Buffer.from('sangat setuju').toString('hex');
    const before = await c.session.agent.get(url);
    expect(before.text).toContain(`name="d_1.5_${hex}"`);

    // First for U5 alone: U1's rows stay undecided.
    await c.session.agent
      .post(`${url}/mapping`)
      .type('form')
      .send({ _csrf: await c.session.csrf(), [`d_1.5_${hex}`]: '4', [`s_1.5_${hex}`]: '5' });
    expect((await ImportBatch.findById(batch!._id).lean())!.decisions).toEqual({ '5': { 'sangat setuju': '4' } });
    const one = await c.session.agent.get(url);
    expect(one.text).toContain(`name="d_1_${hex}"`);
    expect(count(one.text, 'valid')).toBe(6 - rows.filter((r) => r[0] === 4).length);

    await c.session.agent
      .post(`${url}/mapping`)
      .type('form')
      .send({ _csrf: await c.session.csrf(), [`d_1.5_${hex}`]: '4', [`s_1.5_${hex}`]: 'all' });

    const decided = await ImportBatch.findById(batch!._id).lean();
    expect(decided!.decisions).toEqual({ '1': { 'sangat setuju': '4' }, '5': { 'sangat setuju': '4' } });
    const after = await c.session.agent.get(url);
    expect(count(after.text, 'valid')).toBe(6);
    expect((await commit(c, url)).status).toBe(303);
    await expectScoreOf(c.survey._id, c.survey, rows);
  });

  test('a cumulative re-download: rows already imported are shown as "sudah diimpor" and skipped; only new rows are added', async () => {
    const c = await setup();
    const all = answers(29, 16);
    const first = all.slice(0, 20);
    const url1 = await upload(c, googleFormsCsv(first, { lang: 'id' }), 'SKM (Jawaban).csv');
    expect((await commit(c, url1)).status).toBe(303);

    const url2 = await upload(c, googleFormsCsv(all, { lang: 'id' }), 'SKM (Jawaban) (1).csv');
    const preview = await c.session.agent.get(url2);

    expect(count(preview.text, 'valid')).toBe(9);
    expect(count(preview.text, 'already-count')).toBe(20);
    expect(preview.text).toContain('Sudah diimpor');
    expect((await commit(c, url2)).status).toBe(303);
    expect(await Response.countDocuments({ surveyId: c.survey._id })).toBe(29);
    await expectScoreOf(c.survey._id, c.survey, all);
  });

  test('the same U1…Uk file (no timestamps) uploaded twice is recognised as a whole', async () => {
    const c = await setup();
    const rows = answers(5, 17);
    const csv = Buffer.from(['U1,U2,U3,U4,U5,U6,U7,U8,U9', ...rows.map((r) => r.map((s) => s ?? '').join(','))].join('\n'));
    expect((await commit(c, await upload(c, csv, 'kertas.csv'))).status).toBe(303);

    const again = await upload(c, csv, 'kertas.csv');
    const preview = await c.session.agent.get(again);

    expect(count(preview.text, 'already-count')).toBe(5);
    expect(count(preview.text, 'valid')).toBe(0);
    expect((await commit(c, again)).status).toBe(422);
    expect(await Response.countDocuments({ surveyId: c.survey._id })).toBe(5);
    await expectScoreOf(c.survey._id, c.survey, rows);
  });

  test('timestamps near midnight WIB: filed by their WIB date; the suggestions page shows the WIB date', async () => {
    const c = await setup({ period: { year: 2025, semester: 2 } });
    const rows = answers(3, 18).map((r) => r.map((s) => s ?? 2) as Answer[]);
    const times = ['30/06/2025 23.59.59', '01/07/2025 00.00.00', '01/07/2025 06.30.00'];
    const csv = googleFormsCsv(rows, { lang: 'id', time: (i) => times[i]!, suggestion: (i) => (i === 2 ? 'Antrean pagi panjang' : '') });
    const url = await upload(c, csv, 'tengah-malam.csv');

    const preview = await c.session.agent.get(url);

    expect(count(preview.text, 'valid')).toBe(2);
    expect(preview.text).toContain('tanggal 2025-06-30 di luar periode survei');
    expect((await commit(c, url, { skipInvalid: '1' })).status).toBe(303);
    const stored = await Response.find({ surveyId: c.survey._id }).sort({ submittedAt: 1 }).lean();
    expect(stored.map((r) => [r.month, r.quarter, r.semester])).toEqual([
      [7, 3, 2],
      [7, 3, 2],
    ]);
    expect(stored[1]!.submittedAt.toISOString()).toBe('2025-06-30T23:30:00.000Z');
    const page = await c.session.agent.get(`/admin/surveys/${String(c.survey._id)}/suggestions`);
    expect(page.text).toContain('Antrean pagi panjang');
    expect(page.text).toContain('2025-07-01');
    expect(page.text).not.toContain('2025-06-30');
    await expectScoreOf(c.survey._id, c.survey, rows.slice(1));
  });

  test('fractional scores are refused in both decimal notations, never truncated', async () => {
    const c = await setup();
    const csv = Buffer.from(['U1,U2,U3,U4,U5,U6,U7,U8,U9', '4.5,4,4,4,4,4,4,4,4', '4,3,99,3,3,3,3,3,3', '4;4', '3,3,3,3,3,3,3,3,3'].join('\n'));
    const semicolon = Buffer.from(['U1;U2;U3;U4;U5;U6;U7;U8;U9', '4,5;4;4;4;4;4;4;4;4', '1,9;3;3;3;3;3;3;3;3', '3;3;3;3;3;3;3;3;3'].join('\n'));

    for (const [file, valid] of [
      [csv, 1],
      [semicolon, 1],
    ] as const) {
      const url = await upload(c, file, 'skor.csv');
      const preview = await c.session.agent.get(url);
      expect(count(preview.text, 'valid')).toBe(valid);
      expect(preview.text).toMatch(/skor &#34;(4\.5|4,5)&#34; bukan angka 1–4/);
    }
  });
});
