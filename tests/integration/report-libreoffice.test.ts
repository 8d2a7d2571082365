/**
 * The exported files in real clients: LibreOffice headless converts the DOCX (to text) and the
 * XLSX (to CSV, every sheet) without error, and the converted text and values carry the method
 * module's numbers. A copy of the XLSX with every cached formula result removed makes
 * LibreOffice compute the per-element formulas itself: its values equal the app's. The PDF's
 * pages are rendered to PNG with pdftoppm (the README's sample page comes from the same call).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import JSZip from 'jszip';
import { parse } from 'csv-parse/sync';
import { useTestDatabase } from '../support/db';
import { libreOfficeConvert, tmpDir } from '../support/files';
import { makeSurvey, makeUnit, storeAll } from './dashboard-fixtures';
import { buildSurveyReport, type ReportContext } from '../../server/features/reports/report.service';
import { renderDocx } from '../../server/features/reports/report.docx';
import { renderPdf } from '../../server/features/reports/report.pdf';
import { writeXlsx } from '../../server/features/reports/report.export';
import { formatNumber } from '../../server/i18n/format';
import { prng } from '../../server/lib/prng';

useTestDatabase();
jest.setTimeout(300_000);

let ctx: ReportContext;

beforeAll(async () => {
  const unit = await makeUnit('Balai Uji LibreOffice');
  const survey = await makeSurvey(unit, { population: 120, indicator: { code: 'IKU 2', name: 'Indeks kepuasan layanan', target: 85 } });
  const rnd = prng(9);
  const inputs = Array.from({ length: 60 }, (_, i) => {
    const scores = survey.elements.map((_, j) => (j === 3 && i % 7 === 0 ? null : 1 + Math.min(3, Math.floor(rnd() * 4 + (j % 3) * 0.3))));
    return { scores, month: 1 + (i % 12), service: i % 2 ? 'a' : 'b', profile: { gender: i % 3 ? 'p' : 'l' } };
  });
  await storeAll(survey, inputs);
  ctx = await buildSurveyReport(survey, {}, 'id', new Date(Date.UTC(2023, 0, 15)));
}, 300_000);

async function xlsxBytes(): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeXlsx(ctx, out);
  return Buffer.concat(chunks);
}

/** LibreOffice's CSV of every sheet of an XLSX: sheet name → rows. */
function sheetsAsCsv(xlsx: Buffer): Map<string, string[][]> {
  const dir = tmpDir('skm-lo-');
  const file = path.join(dir, 'r.xlsx');
  fs.writeFileSync(file, xlsx);
  // Filter options: comma, double quote, UTF-8, line 1, …, token 9 false = full-precision values, token 12 = -1: every sheet to its own file.
  execFileSync(
    'soffice',
    [
      `-env:UserInstallation=file://${dir}/profile`,
      '--headless',
      '--convert-to',
      'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
      '--outdir',
      dir,
      file,
    ],
    { stdio: 'pipe', timeout: 240_000 },
  );
  const out = new Map<string, string[][]>();
  for (const f of fs.readdirSync(dir).filter((x) => x.startsWith('r-') && x.endsWith('.csv'))) {
    out.set(f.slice(2, -4), parse(fs.readFileSync(path.join(dir, f), 'utf8'), { relax_column_count: true }) as string[][]);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

test('LibreOffice converts the DOCX to text without error; the text carries the method’s numbers', async () => {
  const r = ctx.results.result!;

  const text = libreOfficeConvert(await renderDocx(ctx.report), 'laporan.docx', 'txt:Text (encoded):UTF8')
    .toString('utf8')
    .replace(/\s+/g, ' ');

  expect(text).toContain(`atau ${formatNumber(r.score, 2, 'id')} setelah konversi, dengan mutu pelayanan ${r.grade}`);
  expect(text).toContain(`capaian ${formatNumber(ctx.results.indicator!.achievement.display, 2, 'id')}%`);
  for (const e of r.elements) expect(text).toContain(formatNumber(e.nrr, 3, 'id'));
  expect(text).toContain('BAB III Hasil Pengolahan Data SKM');
});

test('LibreOffice opens the XLSX (every sheet to CSV) and shows the cached values: the app’s numbers', async () => {
  const r = ctx.results.result!;

  const sheets = sheetsAsCsv(await xlsxBytes());

  expect([...sheets.keys()].sort()).toEqual(['Jawaban', 'Per unsur', 'Profil', 'Ringkasan', 'Saran', 'Sebaran']);
  const per = sheets.get('Per unsur')!;
  r.elements.forEach((e, j) => {
    expect(Number(per[j + 1]![2])).toBe(e.answered);
    expect(Number(per[j + 1]![3])).toBe(e.total);
  });
  expect(sheets.get('Jawaban')!.length).toBe(ctx.results.respondents + 1);
});

test('with the cached results removed, LibreOffice computes the formulas itself: COUNT, SUM, NRR and the score equal the method’s', async () => {
  const r = ctx.results.result!;
  const zip = await JSZip.loadAsync(await xlsxBytes());
  for (const name of Object.keys(zip.files).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n))) {
    const xml = await zip.file(name)!.async('string');
    zip.file(name, xml.replace(/(<f>[^<]*<\/f>)<v>[^<]*<\/v>/g, '$1'));
  }
  const stripped = await zip.generateAsync({ type: 'nodebuffer' });
  expect(stripped.toString('latin1')).not.toContain('</f><v>');

  const per = sheetsAsCsv(stripped).get('Per unsur')!;

  r.elements.forEach((e, j) => {
    const row = per[j + 1]!;
    expect(Number(row[2])).toBe(e.answered);
    expect(Number(row[3])).toBe(e.total);
    expect(Number(row[4])).toBeCloseTo(e.nrr, 9);
    expect(Number(row[6])).toBeCloseTo(e.score, 9);
  });
  const ikm = per[r.elements.length + 1]!;
  expect(Number(ikm[4])).toBeCloseTo(r.ikm, 9);
  expect(Number(ikm[6])).toBeCloseTo(r.score, 9);
});

test('pdftoppm renders the PDF’s pages to PNG images', async () => {
  const dir = tmpDir();
  const pdf = path.join(dir, 'r.pdf');
  fs.writeFileSync(pdf, await renderPdf(ctx.report));

  execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '3', pdf, path.join(dir, 'page')]);

  const pngs = fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
  expect(pngs).toHaveLength(3);
  for (const f of pngs) {
    const bytes = fs.readFileSync(path.join(dir, f));
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // A4 (210 × 297 mm) at 50 dpi: about 413 × 585 pixels (PNG header: width and height at bytes 16 and 20).
    expect(Math.abs(bytes.readUInt32BE(16) - 413)).toBeLessThanOrEqual(1);
    expect(Math.abs(bytes.readUInt32BE(20) - 585)).toBeLessThanOrEqual(1);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
