/**
 * The report's figures as an XLSX workbook, streamed (exceljs WorkbookWriter, one row committed
 * at a time; the raw answers come in batches):
 *
 *   Ringkasan   the index, grade, indicator, sample; notes on formulas and any sheet split
 *   Per unsur   per element COUNT / SUM / NRR / weighted / ×25 as formulas over the raw sheet(s),
 *               and the mean of the NRRs ×25; each formula carries its cached result (the app's
 *               number), so a reader without recalculation shows the same values
 *   Sebaran     answers 1–4 per element (COUNTIF formulas over the raw sheet(s))
 *   Profil      respondents by profile answer and service
 *   Saran       suggestions, hidden ones left out
 *   Jawaban     raw answers; past Excel's 1,048,576 rows they continue on "Jawaban 2", …
 *
 * Numbers are stored as numbers (number formats only change the display).
 *
 * The writer is plain (no database): it is given plain data and the suggestions and rows in
 * batches, and runs on the renderer's worker thread; report.export.ts reads the database on the
 * main thread and streams the bytes to the response with backpressure.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { translate } from '../../i18n';
import { performanceText } from '../../i18n/format';
import { formatDateTime, profileKeyLabel, profileValueLabel } from './report.model';
import { neutralise, rawTable, type ExportInput, type ExportProgress } from './report.raw';
import type { RawResponse } from './report.service';
import type { SurveyResults } from '../../results/read-model';

/** Excel's row limit (header included). */
export const EXCEL_MAX_ROWS = 1_048_576;

export interface XlsxOptions {
  /** Rows per raw sheet, header included (Excel's limit by default; tests use a small one). */
  maxRows?: number;
  /** Told the raw rows written so far (may throw to stop). */
  progress?: ExportProgress;
}

/** The workbook's plain input (posted to the worker as it is). */
export interface XlsxInput extends ExportInput {
  title: string;
  unitName: string;
  periodLabel: string;
  results: Pick<SurveyResults, 'result' | 'respondents' | 'sample' | 'indicator' | 'problem' | 'cells' | 'profiles' | 'services'>;
  /** The raw rows the period holds (from the counters), for the sheet split known before writing. */
  expected: number;
  maxRows?: number;
}

/** A suggestion of the period, not hidden. */
export interface SuggestionRow {
  submittedAt: Date;
  service: string;
  text: string;
}

/** The batches a workbook is written from: the suggestions first, then the raw rows. */
export interface XlsxSource {
  suggestions: AsyncIterable<SuggestionRow[]>;
  rows: AsyncIterable<RawResponse[]>;
}

/** Column letters of a 1-based column number: 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

/** Sum of a function over the same column of every raw sheet: COUNT('Jawaban'!F:F)+COUNT('Jawaban 2'!F:F). */
function overSheets(fn: string, sheets: readonly string[], col: string, extra = ''): string {
  return sheets.map((s) => `${fn}(${quoteSheet(s)}!${col}:${col}${extra})`).join('+');
}

const text = (s: string) => neutralise(s);

export interface XlsxWritten {
  rawRows: number;
  rawSheets: string[];
}

/** Writes the workbook to `out`; resolves when it is complete. */
export async function writeXlsxRows(ctx: XlsxInput, out: Writable, source: XlsxSource, progress?: ExportProgress): Promise<XlsxWritten> {
  const maxRows = ctx.maxRows ?? EXCEL_MAX_ROWS;
  const t = (k: string, p?: Record<string, string | number>) => translate(ctx.lang, k, p);
  const { survey, results } = ctx;
  const res = results.result;
  const k = survey.elements.length;
  const table = rawTable(survey, ctx.lang, ctx.timeZone);
  const expected = ctx.expected;
  const perSheet = maxRows - 1;
  const sheetCount = Math.max(1, Math.ceil(expected / perSheet));
  const rawBase = t('rep.sheet.raw');
  const rawSheets = Array.from({ length: sheetCount }, (_, i) => (i === 0 ? rawBase : `${rawBase} ${i + 1}`));

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'SKM';
  wb.title = `${ctx.title} ${ctx.unitName} ${ctx.periodLabel}`;
  const bold = { font: { bold: true } };

  /* Ringkasan */
  const summary = wb.addWorksheet(t('rep.sheet.summary'));
  summary.columns = [{ width: 42 }, { width: 48 }];
  const put = (label: string, value: string | number | null, numFmt?: string) => {
    const row = summary.addRow([text(label), typeof value === 'string' ? text(value) : value]);
    if (numFmt) row.getCell(2).numFmt = numFmt;
    row.commit();
  };
  summary.addRow([text(ctx.title)]).commit();
  put(t('dash.unitName'), ctx.unitName);
  put(t('dash.survey'), survey.title);
  put(t('rep.col.period'), ctx.periodLabel);
  put(t('rep.row.respondents'), results.respondents, '#,##0');
  if (res) {
    put(t('rep.row.ikm'), res.ikm, '0.00');
    put(t('rep.row.score'), res.score, '0.00');
    put(t('rep.row.grade'), res.grade);
    put(t('rep.row.performance'), performanceText(res.performance, ctx.lang));
  } else put(t('rep.row.score'), t(`rep.problem.${results.problem ?? 'no-answers'}`));
  if (results.sample) {
    put('Krejcie–Morgan', results.sample.required, '#,##0');
    if (!results.sample.adequate) put(t('rep.row.respondents'), t('rep.ch2.e.short', { shortfall: results.sample.shortfall }));
  }
  if (results.indicator) {
    put(t('rep.row.indicator'), `${results.indicator.code} ${results.indicator.name}`);
    put(t('rep.row.target'), results.indicator.target, '0.00');
    put(t('rep.row.realization'), results.indicator.realization, '0.00');
    const a = results.indicator.achievement;
    put(`${t('rep.row.achievement')} (%)`, a.display, a.decimals > 0 ? `0.${'0'.repeat(a.decimals)}` : '0');
  } else put(t('rep.row.indicator'), t('rep.noTarget'));
  put(t('rep.xlsx.rawRows'), expected, '#,##0');
  summary.addRow([text(t('rep.xlsx.formulaNote', { sheet: rawBase }))]).commit();
  if (sheetCount > 1) summary.addRow([text(t('rep.xlsx.overflow', { sheets: rawSheets.join(', ') }))]).commit();
  summary.commit();

  /* Per unsur: formulas over the raw sheets, with the app's values cached */
  const per = wb.addWorksheet(t('rep.sheet.elements'));
  per.columns = [{ width: 8 }, { width: 44 }, { width: 12 }, { width: 14 }, { width: 10 }, { width: 16 }, { width: 14 }, { width: 8 }];
  const head = per.addRow([
    t('rep.col.code'),
    t('rep.col.element'),
    t('rep.col.answered'),
    t('rep.col.total'),
    t('rep.col.nrr'),
    t('rep.col.weighted'),
    t('rep.col.score'),
    t('rep.col.grade'),
  ]);
  head.font = bold.font;
  head.commit();
  survey.elements.forEach((e, j) => {
    const r = j + 2;
    const col = columnLetter(table.firstElementColumn + 1 + j);
    const er = res?.elements[j];
    const row = per.addRow([
      e.code,
      text(e.name?.[ctx.lang] ?? e.key),
      { formula: overSheets('COUNT', rawSheets, col), result: er?.answered ?? 0 },
      { formula: overSheets('SUM', rawSheets, col), result: er?.total ?? 0 },
      er ? { formula: `IF(C${r}>0,D${r}/C${r},"")`, result: er.nrr } : { formula: `IF(C${r}>0,D${r}/C${r},"")`, result: '' },
      er ? { formula: `IF(C${r}>0,E${r}/${k},"")`, result: er.weighted } : { formula: `IF(C${r}>0,E${r}/${k},"")`, result: '' },
      er ? { formula: `IF(C${r}>0,E${r}*25,"")`, result: er.score } : { formula: `IF(C${r}>0,E${r}*25,"")`, result: '' },
      er ? er.grade : '',
    ]);
    row.getCell(3).numFmt = '#,##0';
    row.getCell(4).numFmt = '#,##0';
    row.getCell(5).numFmt = '0.000';
    row.getCell(6).numFmt = '0.000';
    row.getCell(7).numFmt = '0.00';
    row.commit();
  });
  const last = k + 1;
  const ikmRow = per.addRow([
    '',
    t('rep.row.ikm'),
    '',
    '',
    res ? { formula: `AVERAGE(E2:E${last})`, result: res.ikm } : '',
    '',
    res ? { formula: `E${last + 1}*25`, result: res.score } : '',
    res ? res.grade : '',
  ]);
  ikmRow.font = bold.font;
  ikmRow.getCell(5).numFmt = '0.000';
  ikmRow.getCell(7).numFmt = '0.00';
  ikmRow.commit();
  if (!res) per.addRow(['', text(t(`rep.problem.${results.problem ?? 'no-answers'}`))]).commit();
  per.commit();

  /* Sebaran */
  const dist = wb.addWorksheet(t('rep.sheet.distribution'));
  dist.columns = [{ width: 8 }, { width: 44 }, { width: 10 }, { width: 10 }, { width: 10 }, { width: 10 }, { width: 12 }];
  const dh = dist.addRow([
    t('rep.col.code'),
    t('rep.col.element'),
    t('rep.col.score1'),
    t('rep.col.score2'),
    t('rep.col.score3'),
    t('rep.col.score4'),
    t('rep.col.answered'),
  ]);
  dh.font = bold.font;
  dh.commit();
  survey.elements.forEach((e, j) => {
    const col = columnLetter(table.firstElementColumn + 1 + j);
    const er = res?.elements[j];
    const r = j + 2;
    dist
      .addRow([
        e.code,
        text(e.name?.[ctx.lang] ?? e.key),
        ...[1, 2, 3, 4].map((s) => ({
          formula: overSheets('COUNTIF', rawSheets, col, `,${s}`),
          result: er?.distribution[s - 1] ?? results.cells.reduce((n, c) => n + (c.c.get(e.key)?.[s - 1] ?? 0), 0),
        })),
        {
          formula: `SUM(C${r}:F${r})`,
          result: er?.answered ?? results.cells.reduce((n, c) => n + (c.c.get(e.key) ?? [0, 0, 0, 0]).reduce((a, b) => a + b, 0), 0),
        },
      ])
      .commit();
  });
  dist.commit();

  /* Profil */
  const prof = wb.addWorksheet(t('rep.sheet.profile'));
  prof.columns = [{ width: 28 }, { width: 36 }, { width: 12 }, { width: 12 }];
  const ph = prof.addRow([t('rep.col.item'), t('rep.col.option'), t('rep.col.count'), t('rep.col.share')]);
  ph.font = bold.font;
  ph.commit();
  const groups: [string, Map<string, number>, (v: string) => string][] = [];
  for (const [key, values] of results.profiles) {
    const q = survey.profileQuestions?.find((x) => x.key === key);
    const opts = (q?.options ?? []).map((o) => ({ key: o.key, name: { id: o.name?.id ?? o.key, en: o.name?.en ?? o.key } }));
    groups.push([profileKeyLabel(ctx.lang, key, q?.label ?? undefined), values, (v) => profileValueLabel(ctx.lang, key, v, opts)]);
  }
  groups.push([t('rep.col.service'), results.services, (v) => survey.services.find((s) => s.key === v)?.name?.[ctx.lang] ?? (v || '–')]);
  for (const [name, values, label] of groups) {
    const total = [...values.values()].reduce((a, b) => a + b, 0);
    for (const [v, n] of values) {
      const row = prof.addRow([text(name), text(label(v)), n, total > 0 ? n / total : null]);
      row.getCell(4).numFmt = '0.0%';
      row.commit();
    }
  }
  prof.commit();

  /* Saran (hidden ones left out) */
  const sugg = wb.addWorksheet(t('rep.sheet.suggestions'));
  sugg.columns = [{ width: 20 }, { width: 20 }, { width: 100 }];
  const sh = sugg.addRow([t('rep.csv.time', { tz: ctx.timeZone }), t('rep.csv.service'), t('rep.sheet.suggestions')]);
  sh.font = bold.font;
  sh.commit();
  sugg.addRow(['', '', text(t('rep.xlsx.hiddenLeftOut'))]).commit();
  // The suggestions come a day at a time (report.export.ts reads them by day through the
  // suggestionDay index; 64-day windows of a 1M-response year held ≈ 17,000 at once).
  for await (const batch of source.suggestions) {
    for (const x of batch) sugg.addRow([formatDateTime(x.submittedAt, ctx.timeZone), text(x.service), text(x.text)]).commit();
  }
  sugg.commit();

  /* Jawaban, Jawaban 2, … */
  let rawRows = 0;
  let sheetIndex = -1;
  let sheet: ExcelJS.Worksheet | null = null;
  let inSheet = perSheet;
  const openSheet = () => {
    if (sheet) sheet.commit();
    sheetIndex += 1;
    const name = rawSheets[sheetIndex] ?? `${rawBase} ${sheetIndex + 1}`;
    if (!rawSheets[sheetIndex]) rawSheets.push(name);
    sheet = wb.addWorksheet(name);
    const hr = sheet.addRow(table.headers.map(text));
    hr.font = bold.font;
    hr.commit();
    inSheet = 0;
  };
  openSheet();
  for await (const batch of source.rows) {
    for (const r of batch) {
      if (inSheet >= perSheet) openSheet();
      sheet!.addRow(table.row(r).map((v) => (typeof v === 'string' ? text(v) : v))).commit();
      inSheet += 1;
      rawRows += 1;
    }
    progress?.(rawRows);
  }
  (sheet as ExcelJS.Worksheet | null)?.commit();
  await wb.commit();
  return { rawRows, rawSheets };
}
