/**
 * The one reader of answer tables, used by the `skm` command (a file on disk) and by the import
 * (an uploaded file held in memory): CSV through csv-parse's stream, XLSX through exceljs's
 * streaming WorkbookReader. Rows come one at a time, so memory does not grow with the file
 * (issue 3: 1,000,000 respondents), and reading stops at the first row, column or cell beyond
 * the caller's limits instead of parsing the rest (issue 10: a 900,001-row XLSX or a CSV with
 * 600,000 columns froze the app). Work is done a chunk (64 KB) at a time with the event loop
 * free in between, so a large upload never blocks other requests for long.
 *
 * CSV rules (issue 3, "Bad input"): UTF-8 with or without BOM; `,` or `;` separators, detected
 * from the header line (Excel in Indonesian locales writes `;`); UTF-16 and invalid UTF-8 are
 * refused naming the row. The first row yielded is the header. Problems are thrown as a
 * {@link TableReadError} with a code; each caller words it in its own place.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';

/** A cell as read: text (CSV, XLSX strings), a number (XLSX), empty, or something else (a date, an error, a formula). */
export type Cell = string | number | null | { readonly other: string };

/** One row; `row` is the 1-based line (CSV) or sheet row (XLSX) shown to the user. */
export interface TableRow {
  readonly row: number;
  readonly cells: readonly Cell[];
}

/** A table source: rows, and whether every row must have as many cells as the header. */
export interface TableSource {
  readonly kind: 'csv' | 'xlsx';
  /** CSV rows must match the header's width; XLSX rows are sparse. */
  readonly fixedWidth: boolean;
  readonly rows: AsyncIterable<TableRow>;
}

/** Where to stop. Every limit is optional; a row beyond `maxRows` data rows (header excluded) is refused. */
export interface ReadLimits {
  readonly maxRows?: number;
  readonly maxColumns?: number;
  readonly maxCellChars?: number;
  /** XLSX: the most bytes the archive may hold once unpacked (refused before anything is parsed). */
  readonly maxUnpackedBytes?: number;
}

export type TableReadCode =
  | 'notFound'
  | 'unreadable'
  | 'oldXls'
  | 'utf16'
  | 'invalidUtf8'
  | 'empty'
  | 'csvUnreadable'
  | 'xlsxUnreadable'
  | 'tooManyRows'
  | 'tooManyColumns'
  | 'cellTooLong'
  | 'tooLargeUnpacked';

/** A refusal of the table; `row` names the row when known, `detail` is the parser's own reason. */
export class TableReadError extends Error {
  constructor(
    readonly code: TableReadCode,
    readonly row?: number,
    readonly detail = '',
  ) {
    super(`${code}${row !== undefined ? ` (row ${row})` : ''}${detail ? `: ${detail}` : ''}`);
    this.name = 'TableReadError';
  }
}

/** A file on disk, or bytes already in memory. */
export type TableInput = { readonly path: string } | { readonly buffer: Buffer };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const CHUNK = 1 << 16;

function startsWith(buf: Buffer, magic: readonly number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

/** The first bytes of the input (to tell XLSX, old XLS, UTF-16 and CSV apart). */
async function head(input: TableInput): Promise<Buffer> {
  if ('buffer' in input) return input.buffer.subarray(0, 4096);
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(input.path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new TableReadError('notFound');
    throw new TableReadError('unreadable', undefined, code ?? String(e));
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The input as a byte stream of 64 KB chunks. */
function byteStream(input: TableInput): Readable {
  if ('path' in input) return createReadStream(input.path, { highWaterMark: CHUNK });
  const buf = input.buffer;
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
    })(),
    { objectMode: false },
  );
}

/** Opens an answer table, choosing the reader from its content (not its name). */
export async function openTable(input: TableInput, limits: ReadLimits = {}): Promise<TableSource> {
  const first = await head(input);
  if (startsWith(first, ZIP_MAGIC)) {
    if ('buffer' in input && limits.maxUnpackedBytes !== undefined) checkUnpackedSize(input.buffer, limits.maxUnpackedBytes);
    return { kind: 'xlsx', fixedWidth: false, rows: xlsxRows(input, limits) };
  }
  if (startsWith(first, OLE_MAGIC)) throw new TableReadError('oldXls');
  if ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff) || first.includes(0)) {
    // A UTF-16 BOM, or NUL bytes (UTF-16 without BOM): CSV exported as "Unicode text".
    throw new TableReadError('utf16');
  }
  return { kind: 'csv', fixedWidth: true, rows: csvRows(input, limits) };
}

/**
 * Sums the unpacked sizes in a ZIP's central directory and refuses an archive that would unpack
 * beyond `max` bytes (a small XLSX can hold a sheet of hundreds of megabytes).
 */
function checkUnpackedSize(buf: Buffer, max: number): void {
  // End of central directory: signature 0x06054b50, within the last 64 KB + 22 bytes.
  const from = Math.max(0, buf.length - 0xffff - 22);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new TableReadError('xlsxUnreadable', undefined, 'no ZIP directory');
  const entries = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== 0x02014b50) throw new TableReadError('xlsxUnreadable', undefined, 'bad ZIP directory');
    total += buf.readUInt32LE(at + 24);
    if (total > max) throw new TableReadError('tooLargeUnpacked');
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
}

function countNewlines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The input as UTF-8 text chunks. TextDecoder with `fatal` refuses invalid bytes; its default
 * strips a leading BOM (Excel's and Google Sheets' "CSV UTF-8" write one).
 */
async function* decodedChunks(input: TableInput): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  const stream = byteStream(input);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // Locate the bad byte for the message: decode the chunk leniently, find U+FFFD.
        const lenient = new TextDecoder('utf-8').decode(chunk);
        throw new TableReadError('invalidUtf8', line + countNewlines(lenient, Math.max(0, lenient.indexOf('\uFFFD'))));
      }
      line += countNewlines(text);
      yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new TableReadError('invalidUtf8', line);
    }
    if (rest !== '') yield rest;
  } finally {
    stream.destroy();
  }
}

/**
 * The separator of the header line: `;` or `,`, whichever occurs more often outside quotes;
 * null when there is neither (a one-column file, or another separator).
 */
export function detectDelimiter(headerLine: string): ',' | ';' | null {
  const { commas, semicolons } = countSeparators(headerLine);
  if (semicolons > commas) return ';';
  if (commas > 0) return ',';
  return null;
}

function countSeparators(line: string): { commas: number; semicolons: number } {
  let inQuotes = false;
  let commas = 0;
  let semicolons = 0;
  for (const ch of line) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ',') commas++;
    else if (!inQuotes && ch === ';') semicolons++;
  }
  return { commas, semicolons };
}

/**
 * Counts data rows and checks each row's width against the limits. Returns true every 500 rows:
 * time for the reader to give the event loop a turn. Rows parsed from memory arrive through
 * promise callbacks only, which never let a waiting request in (a 20,000-row CSV held the loop
 * for seconds).
 */
function limiter(limits: ReadLimits) {
  let dataRows = -1; // the header is not a data row
  return (row: number, width: number): boolean => {
    if (limits.maxColumns !== undefined && width > limits.maxColumns) throw new TableReadError('tooManyColumns', row);
    if (++dataRows > (limits.maxRows ?? Infinity)) throw new TableReadError('tooManyRows', row);
    return dataRows % 500 === 499;
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function* csvRows(input: TableInput, limits: ReadLimits): AsyncGenerator<TableRow> {
  const chunks = decodedChunks(input);
  // Read until the end of the header line to choose the separator.
  let prefix = '';
  let exhausted = false;
  const headerMax = (limits.maxColumns ?? Infinity) * ((limits.maxCellChars ?? Infinity) + 3);
  while (!prefix.includes('\n')) {
    const next = await chunks.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    prefix += next.value;
    if (prefix.length > headerMax) {
      await chunks.return(undefined);
      throw new TableReadError('tooManyColumns', 1);
    }
  }
  if (prefix.trim() === '') {
    await chunks.return(undefined);
    throw new TableReadError('empty');
  }
  const newline = prefix.indexOf('\n');
  const headerLine = (newline >= 0 ? prefix.slice(0, newline) : prefix).replace(/\r$/, '');
  // A one-column header shows no separator; take `;` so that a decimal comma ("3,5") in a
  // one-column export from an Indonesian-locale Excel stays one cell and gets its own message.
  const delimiter = detectDelimiter(headerLine) ?? ';';
  const seps = countSeparators(headerLine);
  if (limits.maxColumns !== undefined && (delimiter === ';' ? seps.semicolons : seps.commas) + 1 > limits.maxColumns) {
    await chunks.return(undefined);
    throw new TableReadError('tooManyColumns', 1);
  }

  async function* text(): AsyncGenerator<string> {
    try {
      yield prefix;
      if (!exhausted) yield* chunks;
    } finally {
      await chunks.return(undefined);
    }
  }
  const check = limiter(limits);
  const source = Readable.from(text(), { objectMode: false });
  const parser = parse({
    delimiter,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
    // A cell (and a whole line) beyond the limit stops the parser before it is held in memory.
    max_record_size: limits.maxCellChars ?? 0,
  });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (check(item.info.lines, item.record.length)) await turn();
      yield { row: item.info.lines, cells: item.record };
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      const row = (e as Error & { lines?: number }).lines;
      if (e.code === 'CSV_MAX_RECORD_SIZE') throw new TableReadError('cellTooLong', row);
      throw new TableReadError('csvUnreadable', row, e.message);
    }
    throw e;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

interface RichTextLike {
  richText: { text: string }[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A sheet date as written in the sheet: "YYYY-MM-DD", or "YYYY-MM-DD HH:MM:SS" when it has a
 * time of day. exceljs gives sheet dates as UTC instants of the wall-clock time in the sheet.
 */
export function sheetDateText(d: Date): string {
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${date} ${pad(h)}:${pad(m)}:${pad(s)}` : date;
}

/** An exceljs cell value as a {@link Cell}. */
export function xlsxCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof Date) return { other: sheetDateText(v) };
  if (typeof v === 'boolean') return { other: String(v) };
  if (isObject(v)) {
    const rich = (v as Partial<RichTextLike>).richText;
    if (Array.isArray(rich)) return rich.map((r) => r.text).join('');
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) {
      return v.result !== undefined ? xlsxCell(v.result) : { other: `=${String(v.formula ?? v.sharedFormula)}` };
    }
    if (typeof v.text === 'string') return v.text;
    if ('error' in v) return { other: String(v.error) };
  }
  return { other: String(v) };
}

/** The text of a cell, trimmed (numbers as JavaScript writes them, dates as in the sheet). */
export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'object') return c.other;
  return String(c).trim();
}

async function* xlsxRows(input: TableInput, limits: ReadLimits): AsyncGenerator<TableRow> {
  // exceljs loads on the first XLSX read (about 0,4 s of CPU): most processes never read one.
  const { default: ExcelJS } = await import('exceljs');
  const reader = new ExcelJS.stream.xlsx.WorkbookReader('path' in input ? input.path : byteStream(input), {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  capSharedStrings(reader, limits);
  const check = limiter(limits);
  const maxCell = limits.maxCellChars ?? Infinity;
  try {
    for await (const sheet of reader) {
      // Only the first worksheet holds the answers.
      for await (const row of sheet) {
        const values = row.values as unknown[];
        if (check(row.number, values.length - 1)) await turn();
        const cells: Cell[] = [];
        for (let c = 1; c < values.length; c++) {
          const cell = xlsxCell(values[c]);
          if (typeof cell === 'string' && cell.length > maxCell) throw new TableReadError('cellTooLong', row.number);
          cells.push(cell);
        }
        yield { row: row.number, cells };
      }
      return;
    }
  } catch (e) {
    if (e instanceof TableReadError) throw e;
    throw new TableReadError('xlsxUnreadable', undefined, e instanceof Error ? e.message : String(e));
  }
}

/**
 * exceljs keeps every shared string of the workbook in one array before the sheet is read; cap
 * how many it may hold (16 distinct texts per allowed row) and their total length, so a workbook
 * of millions of distinct strings is refused instead of filling memory.
 */
const SHARED_CHARS_MAX = 16_000_000;

function capSharedStrings(reader: object, limits: ReadLimits): void {
  if (limits.maxRows === undefined) return;
  const maxCount = limits.maxRows * 16;
  const maxCell = limits.maxCellChars ?? Infinity;
  let chars = 0;
  let store: unknown[] | undefined;
  Object.defineProperty(reader, 'sharedStrings', {
    configurable: true,
    get: () => store,
    set: (v: unknown[] | undefined) => {
      if (!Array.isArray(v)) {
        store = v;
        return;
      }
      const capped = v;
      capped.push = (...items: unknown[]) => {
        for (const item of items) {
          const length = typeof item === 'string' ? item.length : 0;
          if (length > maxCell) throw new TableReadError('cellTooLong');
          chars += length;
          Array.prototype.push.call(capped, item);
        }
        if (capped.length > maxCount || chars > SHARED_CHARS_MAX) throw new TableReadError('tooManyRows');
        return capped.length;
      };
      store = capped;
    },
  });
}
