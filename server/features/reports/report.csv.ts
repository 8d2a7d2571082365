/**
 * The raw answers as CSV: UTF-8 with a BOM (Excel reads the accents right), a header row,
 * RFC 4180 quoting, CRLF line ends, one row per response. The writer is plain: it is given the
 * rows in batches and writes bytes to `out`. It runs on the renderer's worker thread
 * (report.export.ts reads the database and streams the bytes to the response with backpressure).
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { neutralise, rawTable, type ExportInput, type ExportProgress } from './report.raw';
import type { RawResponse } from './report.service';

function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = neutralise(v);
  return /[",\r\n;']/.test(s) || s !== v ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Writes the CSV of `rows` (batches, already in the period) to `out` and ends it; `progress` is told the rows written after each batch (it may throw to stop). */
export async function writeCsvRows(input: ExportInput, out: Writable, rows: AsyncIterable<RawResponse[]>, progress?: ExportProgress): Promise<number> {
  const table = rawTable(input.survey, input.lang, input.timeZone);
  let n = 0;
  let chunk = `\ufeff${csvLine(table.headers)}`;
  for await (const batch of rows) {
    for (const r of batch) {
      chunk += csvLine(table.row(r));
      n += 1;
      if (chunk.length > 64 * 1024) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    progress?.(n);
  }
  out.end(chunk);
  return n;
}
