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
import crypto from 'node:crypto';
import { looksNumeric, readScore } from '../../ikm';
import { cellText, openTable, TableReadError, type ReadLimits } from '../../lib/read-table';
import { UNIT_UTC_OFFSET_MINUTES } from '../../i18n/format';
import { ageGroup } from '../../results';

/* ------------------------------------------------------------------ reading */

export interface Table {
  header: string[];
  /** Data rows; `row` is the 1-based line/sheet row shown to the user (the header is row 1). */
  rows: { row: number; cells: string[] }[];
}

/** The most data rows, columns and characters per cell an upload may hold (issue 10: denial of service). */
export const MAX_ROWS = 20_000;
export const MAX_COLUMNS = 200;
export const MAX_CELL_CHARS = 10_000;
/** An XLSX may unpack to at most this many bytes. */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;

export const IMPORT_LIMITS: ReadLimits = { maxRows: MAX_ROWS, maxColumns: MAX_COLUMNS, maxCellChars: MAX_CELL_CHARS, maxUnpackedBytes: MAX_UNPACKED_BYTES };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Reads an uploaded file (XLSX by its content, otherwise CSV) through the one streaming reader,
 * stopping at the first row, column or cell beyond the limits. Blank lines are dropped.
 * @throws TableReadError
 */
export async function readTable(buf: Buffer, limits: ReadLimits = IMPORT_LIMITS): Promise<Table> {
  const source = await openTable({ buffer: buf }, limits);
  let header: string[] | undefined;
  const rows: Table['rows'] = [];
  for await (const { row, cells } of source.rows) {
    const texts = cells.map(cellText);
    if (!header) {
      header = texts;
      while (header.length > 0 && header[header.length - 1] === '') header.pop();
      continue;
    }
    if (texts.every((c) => c === '')) continue;
    rows.push({ row, cells: texts });
  }
  if (!header || header.length === 0 || rows.length === 0) throw new TableReadError('empty');
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
  'bagaimana pendapat saudara anda tentang terhadap dalam yang dan di ke dari atau dengan untuk pada ini itu oleh what is your opinion of the and how to in on for a an are was were'.split(
    ' ',
  ),
);

function words(text: string): Set<string> {
  return new Set(
    normalize(text)
      .split(' ')
      .filter((w) => w.length > 1 && !STOP.has(w) && !/^\d+$/.test(w)),
  );
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
 * How an answer text reads for an element (issue 11):
 * - `score`: taken without asking: an integer 1–4 ("4", "4,0"), one of the element's labels
 *   in either language, a label after an option letter ("c. Sesuai", "(c) Sesuai", "c) Sesuai"),
 *   or a label after a number that agrees with it ("4. Sangat sesuai").
 * - `conflict`: a number in front of a label that disagrees with it ("1. Sangat sesuai", an
 *   export numbered best-first). Never resolved silently: listed with both readings.
 * - `prefixOnly`: a number in front of a text that is no label ("4. Puas sekali"): listed.
 * - `invalid`: a number that is no score 1–4 ("4.5", "3,99", "5"): refused, never truncated.
 * - `unknown`: anything else: listed for a decision.
 */
export type Reading =
  | { kind: 'score'; v: number }
  | { kind: 'conflict'; prefix: number; label: number }
  | { kind: 'prefixOnly'; prefix: number }
  | { kind: 'invalid' }
  | { kind: 'unknown' };

const UNKNOWN: Reading = { kind: 'unknown' };
const INVALID: Reading = { kind: 'invalid' };

/** The element's label score of a text (1–4), or null. */
function labelOf(text: string, el: Pick<MappableElement, 'labels'>): number | null {
  const n = normalize(text);
  if (n === '') return null;
  for (const lang of ['id', 'en'] as const) {
    const i = el.labels[lang].findIndex((l) => normalize(l) === n);
    if (i >= 0) return i + 1;
  }
  return null;
}

/** An option prefix: "a." "a)" "(a)" "a:" (letters a–z) or "1." "1)" "(1)" "1 -" "1:" (numbers). */
const PREFIX = /^(?:\(\s*([a-z]|\d{1,2})\s*\)|([a-z])\s*[.):]|(\d{1,2})\s*(?:[.):]|\s-|-))\s*(.*)$/i;

export function readAnswer(value: string, el: Pick<MappableElement, 'labels'>): Reading {
  const v = value.trim();
  if (looksNumeric(v)) {
    const r = readScore(v);
    return r.kind === 'score' ? { kind: 'score', v: r.score } : INVALID;
  }
  const whole = labelOf(v, el);
  if (whole !== null) return { kind: 'score', v: whole };
  const m = PREFIX.exec(v);
  if (!m) return UNKNOWN;
  const token = (m[1] ?? m[2] ?? m[3])!;
  const rest = m[4] ?? '';
  const label = labelOf(rest, el);
  if (/^[a-z]$/i.test(token)) return label !== null ? { kind: 'score', v: label } : UNKNOWN;
  const prefix = Number(token);
  if (rest === '') return prefix >= 1 && prefix <= 4 ? { kind: 'score', v: prefix } : INVALID;
  if (prefix < 1 || prefix > 4) return label !== null ? { kind: 'conflict', prefix, label } : UNKNOWN;
  if (label === null) return { kind: 'prefixOnly', prefix };
  return label === prefix ? { kind: 'score', v: label } : { kind: 'conflict', prefix, label };
}

/** The score of an answer text taken without asking, or null (see {@link readAnswer}). */
export function labelScore(value: string, el: Pick<MappableElement, 'labels'>): number | null {
  const r = readAnswer(value, el);
  return r.kind === 'score' ? r.v : null;
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
    const group = ageGroup(n);
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
 * Reads a timestamp as Google Forms, Microsoft Forms, Excel (also a bare date serial) or ISO write it:
 * "2022/03/15 10:23:45 AM GMT+7", "15/03/2022 10:23:45", "3/15/22 10:23", "2022-03-15T03:23:45Z".
 * Slash dates are read in `order` unless the year comes first. null when unreadable or invalid.
 */
export function parseTimestamp(text: string, order: DateOrder): WrittenTime | null {
  const s = text.trim();
  // A spreadsheet date read without its cell format: days since 1899-12-30 (Excel's serial).
  const serial = /^(\d{5})(\.\d+)?$/.exec(s);
  if (serial) {
    return writtenAt(new Date(Math.round((Number(s) * 86_400_000 + Date.UTC(1899, 11, 30)) / 1000) * 1000), null);
  }
  const m =
    /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T](\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:\.\d+)?)?\s*(am|pm|AM|PM)?)?\s*(Z|GMT|UTC|WIB|WITA|WIT)?\s*([+-]\d{1,2}(?::?\d{2})?)?$/.exec(
      s,
    );
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

/** The wall-clock fields of `d` read in UTC, as a written time with the given offset. */
function writtenAt(d: Date, offset: number | null): WrittenTime {
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    offset,
  };
}

/** The instant of a written time; without an offset, Western Indonesia Time (UTC+7) is assumed. */
export function instantOf(t: WrittenTime): Date {
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - (t.offset ?? WIB_MINUTES) * 60_000);
}

/** The unit's time zone, the one the period and every shown date use: WIB (UTC+7). */
const WIB_MINUTES = UNIT_UTC_OFFSET_MINUTES;

/**
 * The written time moved to WIB: "2022-06-30T20:00:00Z" is 1 July 03:00 WIB, so it belongs to
 * July (and the second semester) as the form would have filed it.
 */
export function localTime(t: WrittenTime): WrittenTime {
  if (t.offset === null || t.offset === WIB_MINUTES) return { ...t, offset: WIB_MINUTES };
  return writtenAt(new Date(instantOf(t).getTime() + WIB_MINUTES * 60_000), WIB_MINUTES);
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

/** How numbers in front of labels that disagree with them are read: listed for a decision, or all by one rule. */
export type PrefixRule = 'ask' | 'label' | 'number';

export interface ImportOptions {
  dateOrder: DateOrder;
  /** "YYYY-MM-DD" for rows without a timestamp column, or "". */
  defaultDate: string;
  /** Service key for rows without a service column, or "". */
  defaultService: string;
  /** Numbers that disagree with their label (default: ask). */
  prefixRule?: PrefixRule;
  /** Fingerprints of rows already imported into this survey; such rows are left out. */
  imported?: ReadonlySet<string>;
  /** Import rows already imported once more anyway (default false). */
  includeImported?: boolean;
}

export type Reason =
  | { key: 'score' | 'label' | 'timestamp' | 'period' | 'service' | 'profile'; value: string }
  | { key: 'conflict'; value: string; prefix: number; label: number }
  | { key: 'prefixOnly'; value: string; prefix: number }
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
  /** The time in WIB. */
  time: WrittenTime;
  /** Identifies the row across downloads of the same export (null when it has no timestamp). */
  fingerprint: string | null;
  /** Already imported into this survey, taken again because the admin asked to. */
  alreadyImported?: boolean;
}

/**
 * A text to decide on. Element columns with the same answer labels share one entry, so one
 * decision can serve every element it occurs in (issue 11: "c. Sesuai" was asked for U1 and U5).
 */
export interface Unknown {
  /** Columns where the text occurs (several only for elements with the same labels). */
  columns: number[];
  headers: string[];
  target: Target;
  value: string;
  count: number;
  /** What a number in front of a label reads as, beside the label itself. */
  readings?: { prefix: number; label?: number };
}

export interface CheckResult {
  valid: ParsedRow[];
  errors: RowError[];
  invalidRows: number;
  unknown: Unknown[];
  /** Rows already imported into this survey (left out unless `includeImported`). */
  alreadyImported: number[];
  /**
   * Texts with a number in front of a label: how many agree and how many disagree; `reversed`
   * when every one disagrees as a reversed scale would (number = 5 − label).
   */
  prefixes: { agree: number; conflict: number; reversed: boolean };
}

const SUGGESTION_MAX = 2000;
const TEXT_MAX = 100;

/**
 * Decision key of a text: its normalized form (so "Sangat Setuju" and "sangat setuju!" are one
 * decision), or a hash for a text with no letter or digit; never a character a stored key refuses.
 */
export const decisionKey = (value: string): string => normalize(value) || `#${crypto.createHash('sha256').update(value.trim()).digest('hex').slice(0, 16)}`;

/** Rows checked between two turns of the event loop (a 20,000-row dry run never holds it long). */
const YIELD_EVERY = 500;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A header that holds the export's own response number (Microsoft Forms "ID"). */
const RESPONSE_ID = /^(id|response id|id respons|id responden|respondent id|no respons)$/;

/**
 * Fingerprint of every row: the export's response number when it has one, the timestamp, and
 * every non-empty cell named by its column header; a row repeated within the file gets its
 * occurrence number. A Google Forms export downloaded again later holds the same rows with the
 * same fingerprints (issue 11: a re-upload doubled the survey). Rows without a timestamp get
 * null: two paper questionnaires with the same answers are two respondents.
 */
export async function rowFingerprints(table: Table, mapping: readonly Target[], surveyId: string): Promise<(string | null)[]> {
  const tsCol = mapping.indexOf('timestamp');
  const idCol = table.header.findIndex((h) => RESPONSE_ID.test(normalize(h)));
  const seen = new Map<string, number>();
  const names = table.header.map((h) => normalize(h));
  const out: (string | null)[] = [];
  for (let index = 0; index < table.rows.length; index++) {
    if (index > 0 && index % YIELD_EVERY === 0) await yieldToLoop();
    out.push(fingerprintOf(table.rows[index]!.cells));
  }
  return out;

  function fingerprintOf(cells: readonly string[]): string | null {
    const ts = tsCol >= 0 ? (cells[tsCol] ?? '').trim() : '';
    if (ts === '' && (idCol < 0 || (cells[idCol] ?? '').trim() === '')) return null;
    const parts: string[] = [];
    cells.forEach((c, i) => {
      if (c !== '') parts.push(`${names[i] ?? i}\u0001${c}`);
    });
    parts.sort();
    const hash = crypto.createHash('sha256').update(surveyId).update('\u0000').update(parts.join('\u0000')).digest('base64url').slice(0, 24);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    return n === 1 ? hash : `${hash}#${n}`;
  }
}

/** A stable text for a list of element labels (elements with equal signatures share decisions). */
function labelSignature(el: MappableElement): string {
  return JSON.stringify([el.labels.id.map(normalize), el.labels.en.map(normalize)]);
}

/**
 * Checks every row against the mapping; nothing is stored. Gives the event loop a turn every
 * 500 rows, so other requests are answered while a large file is checked (issue 10).
 */
export async function checkRows(
  table: Table,
  mapping: readonly Target[],
  decisions: Decisions,
  survey: MappableSurvey,
  options: ImportOptions,
  fingerprints?: readonly (string | null)[],
): Promise<CheckResult> {
  const elements = new Map(survey.elements.map((e) => [e.key, e]));
  const profiles = new Map(survey.profile.map((p) => [p.key, p]));
  const unknown = new Map<string, Unknown>();
  const errors: RowError[] = [];
  const valid: ParsedRow[] = [];
  const alreadyImported: number[] = [];
  let invalidRows = 0;
  const width = table.header.length;
  const tsCol = mapping.indexOf('timestamp');
  const fallbackTime = options.defaultDate ? parseTimestamp(options.defaultDate, 'ymd') : null;
  const rule = options.prefixRule ?? 'ask';
  const prefixTexts = { agree: new Set<string>(), conflict: new Set<string>(), reversed: true };
  // Group of a column for shared decisions: its element's label signature, else the column itself.
  const group = mapping.map((t, col) => {
    const el = t.startsWith('el:') ? elements.get(t.slice(3)) : undefined;
    return el ? `el\u0000${labelSignature(el)}` : `col\u0000${col}`;
  });

  const noteUnknown = (col: number, value: string, readings?: Unknown['readings']) => {
    const id = `${group[col]}\u0000${decisionKey(value)}`;
    const u = unknown.get(id) ?? { columns: [], headers: [], target: mapping[col]!, value: value.trim(), count: 0, ...(readings ? { readings } : {}) };
    if (!u.columns.includes(col)) {
      // Kept in column order, so the entry and its form field read the same whichever row came first.
      const at = u.columns.findIndex((c) => c > col);
      const i = at < 0 ? u.columns.length : at;
      u.columns.splice(i, 0, col);
      u.headers.splice(i, 0, table.header[col] ?? '');
    }
    u.count++;
    unknown.set(id, u);
  };
  const decided = (col: number, value: string): string | undefined => decisions[String(col)]?.[decisionKey(value)];
  const readingCache = mapping.map(() => new Map<string, Reading>());

  for (let index = 0; index < table.rows.length; index++) {
    if (index > 0 && index % YIELD_EVERY === 0) await yieldToLoop();
    const { row, cells } = table.rows[index]!;
    const fingerprint = fingerprints?.[index] ?? null;
    const rowErrors: RowError[] = [];
    const err = (col: number, reason: Reason) => rowErrors.push({ row, column: col >= 0 ? (table.header[col] ?? '') : '', reason });
    if (cells.length > width && cells.slice(width).some((c) => c !== '')) err(-1, { key: 'width', n: cells.length, expected: width });
    const parsed: Omit<ParsedRow, 'time'> & { time: WrittenTime | null } = {
      row,
      answers: [],
      service: options.defaultService,
      profile: {},
      suggestion: '',
      time: null,
      fingerprint,
    };
    mapping.forEach((target, col) => {
      const value = (cells[col] ?? '').trim();
      if (target === 'ignore' || target === 'timestamp') return;
      if (target.startsWith('el:')) {
        const el = elements.get(target.slice(3));
        if (!el || value === '') return; // a blank is not a zero
        // A column holds a handful of distinct texts: read each once.
        let r = readingCache[col]!.get(value);
        if (!r) {
          r = readAnswer(value, el);
          readingCache[col]!.set(value, r);
        }
        if (r.kind === 'score' && /\D/.test(value) && PREFIX.test(value) && /^\(?\s*\d/.test(value)) prefixTexts.agree.add(decisionKey(value));
        if (r.kind === 'conflict') {
          prefixTexts.conflict.add(decisionKey(value));
          if (r.prefix !== 5 - r.label) prefixTexts.reversed = false;
        }
        let v: number | null = r.kind === 'score' ? r.v : null;
        if (r.kind === 'conflict' && rule !== 'ask') v = rule === 'label' ? r.label : r.prefix >= 1 && r.prefix <= 4 ? r.prefix : null;
        if (v === null && r.kind !== 'invalid') {
          const d = decided(col, value);
          if (d === 'blank') return;
          if (d && /^[1-4]$/.test(d)) v = Number(d);
        }
        if (v !== null) {
          parsed.answers.push({ k: el.key, v });
          return;
        }
        if (r.kind === 'invalid') err(col, { key: 'score', value });
        else if (r.kind === 'conflict') {
          noteUnknown(col, value, { prefix: r.prefix, label: r.label });
          err(col, { key: 'conflict', value, prefix: r.prefix, label: r.label });
        } else if (r.kind === 'prefixOnly') {
          noteUnknown(col, value, { prefix: r.prefix });
          err(col, { key: 'prefixOnly', value, prefix: r.prefix });
        } else {
          noteUnknown(col, value);
          err(col, { key: 'label', value });
        }
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
    // Timestamp → period, in WIB.
    if (tsCol >= 0 && (cells[tsCol] ?? '').trim() !== '') {
      const text = cells[tsCol]!.trim();
      const written = parseTimestamp(text, options.dateOrder);
      const t = written && localTime(written);
      if (!t) err(tsCol, { key: 'timestamp', value: text });
      else if (!inPeriod(t, survey.period)) err(tsCol, { key: 'period', value: `${t.year}-${pad(t.month)}-${pad(t.day)}` });
      else parsed.time = t;
    } else if (fallbackTime) {
      if (!inPeriod(fallbackTime, survey.period)) err(tsCol, { key: 'period', value: options.defaultDate });
      else parsed.time = { ...fallbackTime, hour: 12, offset: WIB_MINUTES };
    } else {
      err(tsCol, { key: 'noDate' });
    }
    if (parsed.answers.length === 0 && !rowErrors.some((e) => ['label', 'score', 'conflict', 'prefixOnly'].includes(e.reason.key)))
      err(-1, { key: 'noAnswer' });
    const again = fingerprint !== null && (options.imported?.has(fingerprint) ?? false);
    if (again && !options.includeImported) {
      alreadyImported.push(row);
      continue;
    }
    if (again) parsed.alreadyImported = true;
    if (rowErrors.length > 0 || parsed.time === null) {
      invalidRows++;
      errors.push(...rowErrors);
    } else {
      valid.push({ ...parsed, time: parsed.time });
    }
  }
  const prefixes = {
    agree: prefixTexts.agree.size,
    conflict: prefixTexts.conflict.size,
    reversed: prefixTexts.conflict.size > 0 && prefixTexts.agree.size === 0 && prefixTexts.reversed,
  };
  return { valid, errors, invalidRows, unknown: [...unknown.values()], alreadyImported, prefixes };
}
