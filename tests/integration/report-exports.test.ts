/**
 * Golden tests of the annual report on the demo's fixed answer set: the numbers inside the PDF
 * (pdftotext), the DOCX (its document XML), the XLSX (exceljs read-back: formulas and cached
 * values) and the CSV (parsed rows) equal the method module's — 92,26 / A / capaian 102,51%
 * for the 2022 survey, and the two highest elements named in the seed. Plus access control
 * (403 another unit, 404 unknown, login redirect).
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { binary, csvRows, docxContent, pdfPageCount, pdfPages, readXlsx } from '../support/files';
import { Survey, type SurveyDoc } from '../../models/survey';
import { Response } from '../../models/response';
import { Unit } from '../../models/unit';
import { DEMO_SURVEY_SLUG } from '../../server/features/demo/seed';
import { loadDemo } from '../support/demo';
import { computeSurveyResults, type SurveyResults } from '../../server/results';
import { formatNumber, formatPercent } from '../../server/i18n/format';
import { formatDateTime } from '../../server/features/reports/report.model';
import { makeUnit } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();
// Rendering charts and pages takes seconds on a loaded 2-core machine.
jest.setTimeout(120_000);

let survey: SurveyDoc;
let expected: SurveyResults;
let admin: LoggedInAgent;
const n2 = (x: number) => formatNumber(x, 2, 'id');

beforeAll(async () => {
  await loadDemo();
  survey = (await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>())!;
  expected = await computeSurveyResults(survey._id);
  const user = await createUser('admin');
  admin = await loginAs(app, user.email);
}, 180_000);

/** Downloads a report; Bahasa Indonesia unless the query asks otherwise (the language is remembered). */
async function download(format: string, query = '') {
  const q = query.includes('lang=') ? query : `${query}${query ? '&' : '?'}lang=id`;
  const res = await admin.agent
    .get(`/admin/surveys/${survey._id}/report.${format}${q}`)
    .buffer(true)
    .parse(binary as never);
  return res;
}

const nameOf = (key: string) => survey.elements.find((e) => e.key === key)!.name!.id;

/** The sentence the seed's story promises, built from the method's numbers. */
function highestSentence(): string {
  const top = [...expected.result!.elements].sort((a, b) => b.nrr - a.nrr).slice(0, 2);
  return `Unsur dengan nilai tertinggi adalah ${top.map((e) => `${nameOf(e.key)} (${n2(e.nrr)})`).join(' dan ')}`;
}

const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('GET /admin/surveys/:id/report.pdf', () => {
  test('admin, demo 2022: an A4 PDF whose text carries 92,26 / A / 102,51%, every element score, and the highest elements', async () => {
    const res = await download('pdf');

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(`laporan-${DEMO_SURVEY_SLUG}-2022.pdf`);
    const pages = pdfPages(res.body as Buffer);
    const text = squash(pages.join(' '));
    const r = expected.result!;
    expect(n2(r.score)).toBe('92,26');
    expect(text).toContain(
      `IKK 3.1 Nilai Kepuasan Stakeholder: target 90,00, realisasi 92,26, capaian ${formatPercent(expected.indicator!.achievement.display, 2, 'id')}.`,
    );
    expect(formatPercent(expected.indicator!.achievement.display, 2, 'id')).toBe('102,51%');
    expect(text).toContain(`${n2(r.score)}`);
    expect(text).toContain('A (Sangat Baik)');
    for (const e of r.elements) expect(text).toContain(n2(e.score));
    expect(text).toContain(highestSentence());
    expect(highestSentence()).toContain('Bebas pungutan dan gratifikasi (3,88) dan Keramahan dan kesopanan petugas (3,84)');
    expect(text).toContain('BAB I Pendahuluan');
    expect(text).toContain('Lampiran 4. Laporan Hasil Tindak Lanjut Periode Sebelumnya');
    expect(text).toContain('Daftar Isi');
    // Trend 2021 → 2022, both computed by the method.
    expect(text).toContain('Nilai SKM naik 3,36 poin dari 88,90 pada periode 2021 menjadi 92,26.');
    // Sample: 1,250 respondents against the Krejcie–Morgan minimum for 1,800.
    expect(text).toContain(`sampel minimal adalah ${formatNumber(expected.sample!.required, 0, 'id')} responden. Jumlah responden: 1.250.`);
    // Page numbers on every page but the cover.
    const count = pdfPageCount(res.body as Buffer);
    expect(count).toBeGreaterThan(6);
    expect(squash(pages[count - 1]!)).toContain(`Halaman ${count} dari ${count}`);
  });

  test('English on request: the same numbers in English notation', async () => {
    const res = await download('pdf', '?lang=en');

    const text = squash(pdfPages(res.body as Buffer).join(' '));
    expect(text).toContain(`achievement ${formatPercent(expected.indicator!.achievement.display, 2, 'en')}`);
    expect(text).toContain('The highest-scoring elements are Free of levies and gratuities (3.88) and Courtesy and friendliness of staff (3.84)');
  });

  test('a month range: only those months are counted, and the period is named', async () => {
    const from = { year: 2022, month: 1 };
    const to = { year: 2022, month: 6 };
    const part = await computeSurveyResults(survey._id, { from, to });

    const res = await download('pdf', '?from=2022-01&to=2022-06');

    const text = squash(pdfPages(res.body as Buffer).join(' '));
    expect(text).toContain('Jan 2022 s.d. Jun 2022');
    expect(text).toContain(`Jumlah responden: ${formatNumber(part.respondents, 0, 'id')}.`);
    expect(text).toContain(`atau ${n2(part.result!.score)} setelah konversi`);
  });

  test('a malformed or reversed period: 400 with a message, nothing generated', async () => {
    const res = await admin.agent.get(`/admin/surveys/${survey._id}/report.pdf?from=2022-09&to=2022-02`);

    expect(res.status).toBe(400);
    expect(res.text).toContain('Periode tidak valid');
  });
});

describe('GET /admin/surveys/:id/report.docx', () => {
  test('admin: real headings, tables and the same numbers as the method', async () => {
    const res = await download('docx');

    expect(res.status).toBe(200);
    const { xml, text } = await docxContent(res.body as Buffer);
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
    expect(xml).toContain('<w:pStyle w:val="Heading2"/>');
    expect(xml).toContain('<w:tbl>');
    expect(xml).toContain('TOC \\h \\o');
    const r = expected.result!;
    expect(text).toContain(
      `IKM Direktorat Pemberdayaan Kelompok Rentan periode 2022 adalah ${n2(r.ikm)} (skala 1–4), atau ${n2(r.score)} setelah konversi, dengan mutu pelayanan A (Sangat Baik).`,
    );
    expect(text).toContain('capaian 102,51%');
    expect(text).toContain(highestSentence());
    for (const e of r.elements) expect(text).toContain(formatNumber(e.nrr, 3, 'id'));
  });
});

describe('GET /admin/surveys/:id/report.xlsx', () => {
  test('admin: per-element formulas over the raw sheet, cached values equal to the method, numbers stored as numbers', async () => {
    const res = await download('xlsx');

    expect(res.status).toBe(200);
    const wb = await readXlsx(res.body as Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Ringkasan', 'Per unsur', 'Sebaran', 'Profil', 'Saran', 'Jawaban']);
    const per = wb.getWorksheet('Per unsur')!;
    const r = expected.result!;
    r.elements.forEach((e, j) => {
      const row = per.getRow(j + 2);
      const col = String.fromCharCode('E'.charCodeAt(0) + j);
      expect(row.getCell(3).value).toEqual({ formula: `COUNT('Jawaban'!${col}:${col})`, result: e.answered });
      expect(row.getCell(4).value).toEqual({ formula: `SUM('Jawaban'!${col}:${col})`, result: e.total });
      expect((row.getCell(5).value as { result: number }).result).toBe(e.nrr);
      expect((row.getCell(7).value as { result: number }).result).toBe(e.score);
    });
    const ikmRow = per.getRow(r.elements.length + 2);
    expect(ikmRow.getCell(5).value).toEqual({ formula: `AVERAGE(E2:E${r.elements.length + 1})`, result: r.ikm });
    expect(ikmRow.getCell(7).value).toEqual({ formula: `E${r.elements.length + 2}*25`, result: r.score });
    const summary = wb.getWorksheet('Ringkasan')!;
    const values = new Map<string, unknown>();
    summary.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(values.get('Nilai konversi (25–100)')).toBe(r.score);
    expect(values.get('Capaian (%)')).toBe(expected.indicator!.achievement.display);
    expect(values.get('Mutu pelayanan')).toBe('A');
    const raw = wb.getWorksheet('Jawaban')!;
    expect(raw.rowCount).toBe(expected.respondents + 1);
    expect(typeof raw.getRow(2).getCell(5).value).toBe('number');
    // Sums over the raw sheet equal the method's totals.
    r.elements.forEach((e, j) => {
      let sum = 0;
      raw.eachRow((row, i) => {
        if (i > 1) sum += Number(row.getCell(5 + j).value ?? 0);
      });
      expect(sum).toBe(e.total);
    });
  });

  test('suggestions sheet leaves hidden suggestions out', async () => {
    const one = await Response.collection.findOne({ surveyId: survey._id, suggestion: { $nin: ['', null] } });
    await Response.updateOne({ _id: one!._id }, { $set: { suggestionHidden: true, suggestion: 'RAHASIA-tersembunyi' } });

    const res = await download('xlsx');

    const wb = await readXlsx(res.body as Buffer);
    const texts: string[] = [];
    wb.getWorksheet('Saran')!.eachRow((row) => texts.push(String(row.getCell(3).value)));
    // Every visible suggestion, once: the header and the note, then one row each.
    const visible = await Response.collection.countDocuments({ surveyId: survey._id, suggestion: { $nin: ['', null] }, suggestionHidden: { $ne: true } });
    expect(visible).toBeGreaterThan(10);
    expect(texts.length - 2).toBe(visible);
    expect(texts).not.toContain('RAHASIA-tersembunyi');
    await Response.updateOne({ _id: one!._id }, { $set: { suggestionHidden: false } });
  });
});

describe('GET /admin/surveys/:id/report.csv', () => {
  test('admin: UTF-8 with BOM, a header, one row per response, element sums equal the method, times in the unit’s zone', async () => {
    const res = await download('csv');

    expect(res.status).toBe(200);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRows(bytes);
    const [header, ...data] = rows;
    expect(header!.slice(0, 5)).toEqual(['ID', 'Waktu (Asia/Jakarta)', 'Layanan', 'Saluran', 'U1 Persyaratan layanan']);
    expect(data).toHaveLength(expected.respondents);
    expected.result!.elements.forEach((e, j) => {
      expect(data.reduce((s, row) => s + Number(row[4 + j]), 0)).toBe(e.total);
    });
    const stored = await Response.findById(data[0]![0]).lean();
    expect(data[0]![1]).toBe(formatDateTime(stored!.submittedAt, 'Asia/Jakarta'));
    expect(Date.parse(`${data[0]![1]!.replace(' ', 'T')}+07:00`)).toBe(stored!.submittedAt.getTime());
  });
});

describe('report access', () => {
  test('anonymous: redirected to the login page', async () => {
    const res = await request(app).get(`/admin/surveys/${survey._id}/report.pdf`);

    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/admin\/login\?next=/);
  });

  test('a unit manager of another unit: 403 for every format; an unknown survey: 404; viewer of the unit: allowed', async () => {
    const other = await makeUnit('Direktorat Lain');
    const outsider = await loginAs(app, (await createUser('unit-manager', other._id)).email);
    const demoUnit = await Unit.findById(survey.unitId).lean();
    const viewer = await loginAs(app, (await createUser('viewer', demoUnit!._id)).email);

    for (const f of ['pdf', 'docx', 'xlsx', 'csv']) {
      expect((await outsider.agent.get(`/admin/surveys/${survey._id}/report.${f}`)).status).toBe(403);
    }
    expect((await admin.agent.get('/admin/surveys/64b000000000000000000000/report.pdf')).status).toBe(404);
    expect((await admin.agent.get(`/admin/surveys/${survey._id}/report.odt`)).status).toBe(404);
    expect((await viewer.agent.get(`/admin/surveys/${survey._id}/report.csv`)).status).toBe(200);
  });

  test('the survey dashboard offers the Laporan action, and its page offers each format', async () => {
    const dash = await admin.agent.get(`/admin/surveys/${survey._id}/dashboard`);
    const page = await admin.agent.get(`/admin/surveys/${survey._id}/report`);

    expect(dash.text).toContain(`href="/admin/surveys/${survey._id}/report"`);
    expect(page.status).toBe(200);
    for (const f of ['pdf', 'docx', 'xlsx', 'csv']) expect(page.text).toContain(`formaction="/admin/surveys/${survey._id}/report.${f}"`);
  });
});
