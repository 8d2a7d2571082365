/**
 * Streaming readers for answer files: CSV (csv-parse, streaming) and XLSX (exceljs
 * WorkbookReader). Both yield one row at a time, so memory does not grow with the file
 * (issue 3: 1,000,000 respondents). The first row yielded is the header.
 *
 * CSV rules (issue 3, "Bad input"): UTF-8 with or without BOM; `,` or `;` separators, detected
 * from the header line (Excel in Indonesian locales writes `;`); UTF-16 and invalid UTF-8 are
 * refused with a message naming the row.
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { inputError } from './errors';

/** A cell as read: text (CSV, XLSX strings), a number (XLSX), empty, or something else to refuse. */
export type Cell = string | number | null | { readonly other: string };

/** One row; `row` is the 1-based line or sheet row number shown to the user. */
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

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(buf: Buffer, magic: readonly number[]): boolean {
  return magic.every((b, i) => buf[i] === b);
}

/** Reads the first bytes of a file (to tell XLSX, old XLS, UTF-16 and CSV apart). */
async function head(path: string): Promise<Buffer> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw inputError((m) => m.fileNotFound(path));
    throw inputError((m) => m.fileUnreadable(path, code ?? String(e)));
  }
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Opens an answer file, choosing the reader from its content (not its name). */
export async function openTable(path: string): Promise<TableSource> {
  const first = await head(path);
  if (startsWith(first, ZIP_MAGIC)) return { kind: 'xlsx', fixedWidth: false, rows: xlsxRows(path) };
  if (startsWith(first, OLE_MAGIC)) throw inputError((m) => m.oldXls());
  if ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff) || first.includes(0)) {
    // A UTF-16 BOM, or NUL bytes (UTF-16 without BOM): CSV exported as "Unicode text".
    throw inputError((m) => m.utf16());
  }
  return { kind: 'csv', fixedWidth: true, rows: csvRows(path) };
}

function countNewlines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The file as UTF-8 text chunks. TextDecoder with `fatal` refuses invalid bytes; its default
 * strips a leading BOM (Excel's "CSV UTF-8" writes one).
 */
async function* decodedChunks(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  const stream = createReadStream(path, { highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // Locate the bad byte for the message: decode the chunk leniently, find U+FFFD.
        const lenient = new TextDecoder('utf-8').decode(chunk);
        const row = line + countNewlines(lenient, Math.max(0, lenient.indexOf('\uFFFD')));
        throw inputError((m) => m.invalidUtf8({ row }));
      }
      line += countNewlines(text);
      yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw inputError((m) => m.invalidUtf8({ row: line }));
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
  let inQuotes = false;
  let commas = 0;
  let semicolons = 0;
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === ',') commas++;
    else if (!inQuotes && ch === ';') semicolons++;
  }
  if (semicolons > commas) return ';';
  if (commas > 0) return ',';
  return null;
}

async function* csvRows(path: string): AsyncGenerator<TableRow> {
  const chunks = decodedChunks(path);
  // Read until the end of the header line to choose the separator.
  let prefix = '';
  let exhausted = false;
  while (!prefix.includes('\n')) {
    const next = await chunks.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    prefix += next.value;
  }
  if (prefix.trim() === '') {
    await chunks.return(undefined);
    throw inputError((m) => m.emptyFile());
  }
  const newline = prefix.indexOf('\n');
  const headerLine = (newline >= 0 ? prefix.slice(0, newline) : prefix).replace(/\r$/, '');
  // A one-column header shows no separator; take `;` so that a decimal comma ("3,5") in a
  // one-column export from an Indonesian-locale Excel stays one cell and gets its own message.
  const delimiter = detectDelimiter(headerLine) ?? ';';

  async function* text(): AsyncGenerator<string> {
    try {
      yield prefix;
      if (!exhausted) yield* chunks;
    } finally {
      await chunks.return(undefined);
    }
  }
  const source = Readable.from(text(), { objectMode: false });
  const parser = parse({ delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { row: item.info.lines, cells: item.record };
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      const row = (e as Error & { lines?: number }).lines;
      const reason = e.message;
      throw inputError((m) => m.fileUnreadable(path, row !== undefined ? `${row}: ${reason}` : reason));
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

/** An exceljs cell value as a {@link Cell}. */
export function xlsxCell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (v instanceof Date) return { other: v.toISOString().slice(0, 10) };
  if (typeof v === 'boolean') return { other: String(v) };
  if (isObject(v)) {
    if (Array.isArray((v as Partial<RichTextLike>).richText)) return (v as unknown as RichTextLike).richText.map((r) => r.text).join('');
    if ('result' in v || 'formula' in v || 'sharedFormula' in v) {
      return v.result !== undefined ? xlsxCell(v.result) : { other: `=${String(v.formula ?? v.sharedFormula)}` };
    }
    if (typeof v.text === 'string') return v.text;
    if ('error' in v) return { other: String(v.error) };
  }
  return { other: String(v) };
}

async function* xlsxRows(path: string): AsyncGenerator<TableRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      // Only the first worksheet holds the answers.
      for await (const row of sheet) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        for (let c = 1; c < values.length; c++) cells.push(xlsxCell(values[c]));
        yield { row: row.number, cells };
      }
      return;
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'CliError') throw e;
    throw inputError((m) => m.xlsxUnreadable(e instanceof Error ? e.message : String(e)));
  }
}
