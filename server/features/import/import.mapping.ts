/**
 * The import's pure part (no database, no Express): read a CSV/XLSX table, recognise its
 * layout, suggest which column holds what from the header texts, turn answer texts into
 * scores through each element's own answer labels, read timestamps, and check every row.
 *
 * Two layouts (issue 5): the method's command-line layout (scores 1–4 in columns U1…Uk), and
 * a Google Forms / Microsoft Forms export as those tools write it (a "Timestamp"/"Cap waktu"/
 * "Completion time" column, one column per question holding the answer's label text, profile
 * questions as text). Anything not recognised is listed for a decision, never guessed.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';

/* ------------------------------------------------------------------ reading */

export interface Table {
  header: string[];
  /** Data rows; `row` is the 1-based line/sheet row shown to the user (the header is row 1). */
  rows: { row: number; cells: string[] }[];
}

export class TableError extends Error {
  constructor(
    readonly reason: 'empty' | 'unreadable' | 'tooManyRows',
    detail = '',
  ) {
    super(detail || reason);
  }
}

export const MAX_ROWS = 20_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** A spreadsheet cell as text; dates as "YYYY-MM-DD HH:MM:SS" (the time as shown in the sheet). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    // exceljs gives sheet dates as UTC instants of the wall-clock time written in the sheet.
    return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
  }
  if (typeof v === 'object') {
    if ('result' in v && v.result !== undefined) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    return '';
  }
  return String(v);
}

async function readXlsx(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (e) {
    throw new TableError('unreadable', (e as Error).message);
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new TableError('empty');
  const out: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const values = row.values as ExcelJS.CellValue[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
    out[n - 1] = cells;
  });
  for (let i = 0; i < out.length; i++) out[i] ??= [];
  return out;
}

function readCsv(buf: Buffer): string[][] {
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) {
    throw new TableError('unreadable', 'UTF-16 text; save the file as "CSV UTF-8"');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new TableError('unreadable', 'the text is not UTF-8; save the file as "CSV UTF-8"');
  }
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // Excel in Indonesian locales writes ";" as the separator.
  const delimiter = (firstLine.match(/;/g) ?? []).length > (firstLine.match(/,/g) ?? []).length ? ';' : ',';
  try {
    return parseCsv(text, { delimiter, relax_column_count: true, skip_empty_lines: false, bom: true }) as string[][];
  } catch (e) {
    throw new TableError('unreadable', (e as Error).message);
  }
}

/** Reads an uploaded file (XLSX by its content, otherwise CSV). Blank lines are dropped. */
export async function readTable(buf: Buffer): Promise<Table> {
  const isZip = buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
  if (buf[0] === 0xd0 && buf[1] === 0xcf && buf[2] === 0x11 && buf[3] === 0xe0) {
    throw new TableError('unreadable', 'old .xls format; save it as .xlsx or CSV');
  }
  const raw = isZip ? await readXlsx(buf) : readCsv(buf);
  const header = (raw[0] ?? []).map((h) => h.trim());
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const rows: Table['rows'] = [];
  for (let i = 1; i < raw.length; i++) {
    const cells = (raw[i] ?? []).map((c) => (c ?? '').trim());
    if (cells.every((c) => c === '')) continue;
    rows.push({ row: i + 1, cells });
    if (rows.length > MAX_ROWS) throw new TableError('tooManyRows');
  }
  if (header.length === 0 || rows.length === 0) throw new TableError('empty');
  return { header, rows };
}

/* ------------------------------------------------------------------ matching */

/** Lower case, accents and punctuation removed, spaces collapsed: "Sangat  Sesuai!" → "sangat sesuai". */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Words that carry no meaning for matching a question ("Bagaimana pendapat Saudara tentang …"). */
const STOP = new Set(
  'bagaimana pendapat saudara anda tentang terhadap dalam yang dan di ke dari atau dengan untuk pada ini itu oleh what is your opinion of the and how to in on for a an are was were'.split(' '),
);

function words(text: string): Set<string> {
  return new Set(normalize(text).split(' ').filter((w) => w.length > 1 && !STOP.has(w) && !/^\d+$/.test(w)));
}

/** Share of the candidate's words found in the header (0–1). */
function overlap(header: Set<string>, candidate: Set<string>): number {
  if (candidate.size === 0) return 0;
  let hit = 0;
  for (const w of candidate) if (header.has(w)) hit++;
  return hit / candidate.size;
}

export interface MappableElement {
  key: string;
  code: string;
  name: { id: string; en: string };
  question: { id: string; en: string };
  labels: { id: readonly string[]; en: readonly string[] };
}

export interface MappableChoice {
  key: string;
  name?: { id: string; en: string } | null;
}

export interface MappableProfile {
  key: string;
  label: { id: string; en: string };
  kind: 'choice' | 'text';
  options: readonly MappableChoice[];
}

export interface MappableSurvey {
  elements: readonly MappableElement[];
  services: readonly MappableChoice[];
  profile: readonly MappableProfile[];
  period: { year: number; semester?: number | null; quarter?: number | null; month?: number | null };
}

/** What a column holds: ignore | timestamp | service | suggestion | el:<element key> | pf:<profile key>. */
export type Target = string;

export type Layout = 'scores' | 'forms';

const PROFILE_HINTS: Record<string, RegExp> = {
  gender: /\b(jenis kelamin|kelamin|gender|sex)\b/,
  age: /\b(usia|umur|age)\b/,
  education: /\b(pendidikan|education)\b/,
  occupation: /\b(pekerjaan|profesi|occupation|job)\b/,
};
const TIMESTAMP = /^(timestamp|cap waktu|completion time|waktu selesai|tanggal|date|waktu pengisian|submitted at|tanggal survei)$/;
const SERVICE = /\b(jenis layanan|layanan|service)\b/;
const SUGGESTION = /\b(saran|masukan|suggestion|suggestions|komentar|comment|comments|feedback|kritik)\b/;
const IGNORE = /^(id|email|e mail|name|nama|start time|waktu mulai|last modified time|alamat email|email address|score|skor total|total points)$/;

/** The method's layout when every element has a U1…Uk column. */
export function detectLayout(header: readonly string[], k: number): Layout {
  const codes = new Set(header.map((h) => h.trim().toUpperCase()));
  for (let i = 1; i <= k; i++) if (!codes.has(`U${i}`)) return 'forms';
  return 'scores';
}

/** Suggested target per column, from the header texts (each target used at most once). */
export function suggestMapping(header: readonly string[], survey: MappableSurvey): Target[] {
  const out: Target[] = header.map(() => 'ignore');
  const used = new Set<Target>();
  const take = (i: number, t: Target) => {
    if (used.has(t) || out[i] !== 'ignore') return;
    out[i] = t;
    used.add(t);
  };
  header.forEach((h, i) => {
    const n = normalize(h);
    const code = /^u(\d{1,2})$/.exec(n);
    if (code) {
      const el = survey.elements[Number(code[1]) - 1];
      if (el) take(i, `el:${el.key}`);
      return;
    }
    if (IGNORE.test(n)) return;
    if (TIMESTAMP.test(n)) return take(i, 'timestamp');
  });
  // Elements: the best header for each element by word overlap with its question and name.
  const headerWords = header.map((h) => words(h));
  const pairs: { i: number; key: string; score: number }[] = [];
  for (const el of survey.elements) {
    const cands = [el.question.id, el.question.en, el.name.id, el.name.en].map(words);
    headerWords.forEach((hw, i) => {
      if (out[i] !== 'ignore') return;
      const score = Math.max(...cands.map((c) => overlap(hw, c)));
      if (score >= 0.5) pairs.push({ i, key: el.key, score });
    });
  }
  pairs.sort((a, b) => b.score - a.score || a.i - b.i);
  for (const p of pairs) if (!used.has(`el:${p.key}`) && out[p.i] === 'ignore') take(p.i, `el:${p.key}`);
  // Profile, service, suggestion.
  header.forEach((h, i) => {
    if (out[i] !== 'ignore') return;
    const n = normalize(h);
    for (const q of survey.profile) {
      const hint = PROFILE_HINTS[q.key];
      const own = words(q.label.id).size > 0 && (overlap(words(h), words(q.label.id)) >= 0.6 || overlap(words(h), words(q.label.en)) >= 0.6);
      if ((hint && hint.test(n)) || own) return take(i, `pf:${q.key}`);
    }
    if (SUGGESTION.test(n)) return take(i, 'suggestion');
    if (SERVICE.test(n) && survey.services.length > 0) return take(i, 'service');
  });
  return out;
}

/**
 * The score of an answer text for an element: a digit 1–4 ("4", "4. Sangat sesuai", "4 - …"),
 * or one of the element's four labels in either language. null when unknown.
 */
export function labelScore(value: string, el: Pick<MappableElement, 'labels'>): number | null {
  const v = value.trim();
  const digit = /^([1-4])(?:[.,]0+)?(?:\s*[-.):]\s*.*)?$/.exec(v);
  if (digit) return Number(digit[1]);
  const n = normalize(v);
  for (const lang of ['id', 'en'] as const) {
    const i = el.labels[lang].findIndex((l) => normalize(l) === n);
    if (i >= 0) return i + 1;
  }
  return null;
}

/** The option key of a choice answer (its key or its name in either language), or null. */
export function choiceKey(value: string, options: readonly MappableChoice[], profileKey?: string): string | null {
  const n = normalize(value);
  if (n === '') return null;
  for (const o of options) {
    if (normalize(o.key) === n) return o.key;
    if (o.name && (normalize(o.name.id) === n || normalize(o.name.en) === n)) return o.key;
  }
  if (profileKey === 'gender') {
    if (/^(l|lk|laki laki|laki|pria|male|m)$/.test(n)) return options.find((o) => o.key === 'l')?.key ?? null;
    if (/^(p|pr|perempuan|wanita|female|f)$/.test(n)) return options.find((o) => o.key === 'p')?.key ?? null;
  }
  if (profileKey === 'age' && /^\d{1,3}$/.test(n)) {
    const a = Number(n);
    const group = a < 20 ? 'u20' : a >= 60 ? '60plus' : `${Math.floor(a / 10) * 10}-${Math.floor(a / 10) * 10 + 9}`;
    return options.find((o) => o.key === group)?.key ?? null;
  }
  return null;
}

/* ------------------------------------------------------------------ timestamps */

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export interface WrittenTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Offset from UTC in minutes when the text names one (GMT+7, +07:00, Z); else null. */
  offset: number | null;
}

/**
 * Reads a timestamp as Google Forms, Microsoft Forms, Excel or ISO write it:
 * "2022/03/15 10:23:45 AM GMT+7", "15/03/2022 10:23:45", "3/15/22 10:23", "2022-03-15T03:23:45Z".
 * Slash dates are read in `order` unless the year comes first. null when unreadable or invalid.
 */
export function parseTimestamp(text: string, order: DateOrder): WrittenTime | null {
  const s = text.trim();
  const m = /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*(am|pm|AM|PM)?)?\s*(Z|GMT|UTC|WIB|WITA|WIT)?\s*([+-]\d{1,2}(?::?\d{2})?)?$/.exec(s);
  if (!m) return null;
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let year: number, month: number, day: number;
  if (m[1]!.length === 4) [year, month, day] = [a, b, c];
  else if (order === 'mdy') [month, day, year] = [a, b, c];
  else if (order === 'ymd') [year, month, day] = [a, b, c];
  else [day, month, year] = [a, b, c];
  if (year < 100) year += 2000;
  let hour = m[4] ? Number(m[4]) : 0;
  const minute = m[5] ? Number(m[5]) : 0;
  const second = m[6] ? Number(m[6]) : 0;
  const ampm = m[7]?.toLowerCase();
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    if (ampm === 'pm' && hour < 12) hour += 12;
    if (ampm === 'am' && hour === 12) hour = 0;
  }
  let offset: number | null = null;
  const zone = m[8]?.toUpperCase();
  if (zone === 'WIB') offset = 420;
  else if (zone === 'WITA') offset = 480;
  else if (zone === 'WIT') offset = 540;
  else if (zone) offset = 0;
  if (m[9]) {
    const z = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(m[9])!;
    offset = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return { year, month, day, hour, minute, second, offset };
}

/** The instant of a written time; without an offset, Western Indonesia Time (UTC+7) is assumed. */
export function instantOf(t: WrittenTime): Date {
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - (t.offset ?? 420) * 60_000);
}

/** True when the written date falls in the survey's period (year, and semester/quarter/month when set). */
export function inPeriod(t: Pick<WrittenTime, 'year' | 'month'>, p: MappableSurvey['period']): boolean {
  if (t.year !== p.year) return false;
  if (p.month && t.month !== p.month) return false;
  if (p.quarter && Math.ceil(t.month / 3) !== p.quarter) return false;
  if (p.semester && (t.month <= 6 ? 1 : 2) !== p.semester) return false;
  return true;
}

/* ------------------------------------------------------------------ checking rows */

/** A decision on an unknown text in a column: a score ("1"…"4"), an option key, or "blank". */
export type Decisions = Record<string, Record<string, string>>;

export interface ImportOptions {
  dateOrder: DateOrder;
  /** "YYYY-MM-DD" for rows without a timestamp column, or "". */
  defaultDate: string;
  /** Service key for rows without a service column, or "". */
  defaultService: string;
}

export type Reason =
  | { key: 'score' | 'label' | 'timestamp' | 'period' | 'service' | 'profile'; value: string }
  | { key: 'noAnswer' | 'noDate' }
  | { key: 'tooLong'; max: number }
  | { key: 'width'; n: number; expected: number };

export interface RowError {
  row: number;
  /** Header text of the column, or "" for the whole row. */
  column: string;
  reason: Reason;
}

export interface ParsedRow {
  row: number;
  answers: { k: string; v: number }[];
  service: string;
  profile: Record<string, string>;
  suggestion: string;
  time: WrittenTime;
}

export interface Unknown {
  column: number;
  header: string;
  target: Target;
  value: string;
  count: number;
}

export interface CheckResult {
  valid: ParsedRow[];
  errors: RowError[];
  invalidRows: number;
  unknown: Unknown[];
}

const SUGGESTION_MAX = 2000;
const TEXT_MAX = 100;

/** Decision key of a text: its normalized form (so "Sangat Setuju" and "sangat setuju!" are one decision). */
export const decisionKey = (value: string) => normalize(value) || value.trim();

/** Checks every row against the mapping; nothing is stored. */
export function checkRows(table: Table, mapping: readonly Target[], decisions: Decisions, survey: MappableSurvey, options: ImportOptions): CheckResult {
  const elements = new Map(survey.elements.map((e) => [e.key, e]));
  const profiles = new Map(survey.profile.map((p) => [p.key, p]));
  const unknown = new Map<string, Unknown>();
  const errors: RowError[] = [];
  const valid: ParsedRow[] = [];
  let invalidRows = 0;
  const width = table.header.length;
  const tsCol = mapping.indexOf('timestamp');
  const fallbackTime = options.defaultDate ? parseTimestamp(options.defaultDate, 'ymd') : null;

  const noteUnknown = (col: number, value: string) => {
    const id = `${col}\u0000${decisionKey(value)}`;
    const u = unknown.get(id) ?? { column: col, header: table.header[col] ?? '', target: mapping[col]!, value: value.trim(), count: 0 };
    u.count++;
    unknown.set(id, u);
  };
  const decided = (col: number, value: string): string | undefined => decisions[String(col)]?.[decisionKey(value)];

  for (const { row, cells } of table.rows) {
    const rowErrors: RowError[] = [];
    const err = (col: number, reason: Reason) => rowErrors.push({ row, column: col >= 0 ? (table.header[col] ?? '') : '', reason });
    if (cells.length > width && cells.slice(width).some((c) => c !== '')) err(-1, { key: 'width', n: cells.length, expected: width });
    const parsed: ParsedRow = { row, answers: [], service: options.defaultService, profile: {}, suggestion: '', time: null as never };
    mapping.forEach((target, col) => {
      const value = (cells[col] ?? '').trim();
      if (target === 'ignore' || target === 'timestamp') return;
      if (target.startsWith('el:')) {
        const el = elements.get(target.slice(3));
        if (!el || value === '') return; // a blank is not a zero
        let v = labelScore(value, el);
        if (v === null) {
          const d = decided(col, value);
          if (d === 'blank') return;
          if (d && /^[1-4]$/.test(d)) v = Number(d);
        }
        if (v === null) {
          if (/^-?\d+([.,]\d+)?$/.test(value)) err(col, { key: 'score', value });
          else {
            noteUnknown(col, value);
            err(col, { key: 'label', value });
          }
          return;
        }
        parsed.answers.push({ k: el.key, v });
        return;
      }
      if (value === '') return;
      if (target === 'suggestion') {
        if (value.length > SUGGESTION_MAX) err(col, { key: 'tooLong', max: SUGGESTION_MAX });
        else parsed.suggestion = value;
        return;
      }
      if (target === 'service') {
        const key = choiceKey(value, survey.services) ?? decided(col, value);
        if (key === 'blank') parsed.service = '';
        else if (key && survey.services.some((s) => s.key === key)) parsed.service = key;
        else {
          noteUnknown(col, value);
          err(col, { key: 'service', value });
        }
        return;
      }
      if (target.startsWith('pf:')) {
        const q = profiles.get(target.slice(3));
        if (!q) return;
        if (q.kind === 'text') {
          if (value.length > TEXT_MAX) err(col, { key: 'tooLong', max: TEXT_MAX });
          else parsed.profile[q.key] = value;
          return;
        }
        const key = choiceKey(value, q.options, q.key) ?? decided(col, value);
        if (key === 'blank') return;
        if (key && q.options.some((o) => o.key === key)) parsed.profile[q.key] = key;
        else {
          noteUnknown(col, value);
          err(col, { key: 'profile', value });
        }
      }
    });
    // Timestamp → period.
    if (tsCol >= 0 && (cells[tsCol] ?? '').trim() !== '') {
      const text = cells[tsCol]!.trim();
      const t = parseTimestamp(text, options.dateOrder);
      if (!t) err(tsCol, { key: 'timestamp', value: text });
      else if (!inPeriod(t, survey.period)) err(tsCol, { key: 'period', value: `${t.year}-${pad(t.month)}-${pad(t.day)}` });
      else parsed.time = t;
    } else if (fallbackTime) {
      if (!inPeriod(fallbackTime, survey.period)) err(tsCol, { key: 'period', value: options.defaultDate });
      else parsed.time = { ...fallbackTime, hour: 12 };
    } else {
      err(tsCol, { key: 'noDate' });
    }
    if (parsed.answers.length === 0 && !rowErrors.some((e) => e.reason.key === 'label' || e.reason.key === 'score')) err(-1, { key: 'noAnswer' });
    if (rowErrors.length > 0) {
      invalidRows++;
      errors.push(...rowErrors);
    } else {
      valid.push(parsed);
    }
  }
  return { valid, errors, invalidRows, unknown: [...unknown.values()] };
}
