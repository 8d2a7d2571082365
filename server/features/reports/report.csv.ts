/**
 * The raw answers as CSV: UTF-8 with a BOM (Excel reads the accents right), a header row,
 * RFC 4180 quoting, CRLF line ends, one row per response, streamed from the database cursor
 * with backpressure (a slow client never makes the process buffer the whole file).
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { neutralise, rawTable, type ExportProgress } from './report.raw';
import { rawResponses, type ReportContext } from './report.service';

function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = neutralise(v);
  return /[",\r\n;']/.test(s) || s !== v ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Writes the CSV to `out` (ends it); `progress` is told the rows written so far (it may throw to stop). */
export async function writeCsv(ctx: ReportContext, out: Writable, progress?: ExportProgress): Promise<number> {
  const table = rawTable(ctx.survey, ctx.lang, ctx.timeZone);
  let rows = 0;
  let chunk = `\ufeff${csvLine(table.headers)}`;
  for await (const r of rawResponses(ctx.survey._id, ctx.period)) {
    chunk += csvLine(table.row(r));
    rows += 1;
    progress?.(rows);
    if (chunk.length > 64 * 1024) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  return rows;
}
