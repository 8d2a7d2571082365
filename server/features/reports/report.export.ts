/**
 * The raw-answer exports (CSV and XLSX) of a survey's report, for a download or a background
 * job: the database is read here, on the main thread, and the file is written on the renderer's
 * worker thread (report.render.ts, exportOnWorker), which formats every row and serialises the
 * file while the main thread keeps answering requests (a form submission made during a CSV or
 * XLSX export waited up to 3.8 s when the rows were written here; bench/README-report.md).
 *
 * The responses are read with a cursor as raw BSON (the driver does not decode them here; the
 * worker does) and handed over a batch at a time, only when the output has drained: memory
 * stays flat whatever the count. The suggestions (XLSX) are read a day at a time.
 *
 * `thread: 'main'` writes on the main thread instead, as before the worker (the benchmark's
 * baseline, bench/report-export.ts): the same writers, the rows decoded by the driver, a turn of
 * the event loop every 250 rows.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Types } from 'mongoose';
import { Response } from '../../../models/response';
import { suggestionWindows, suggestionsEnd } from '../dashboard';
import { countRawResponses, rawResponses, RAW_PROJECTION, yieldToEventLoop, type RawResponse, type ReportContext } from './report.service';
import { inPeriod, type ExportInput } from './report.raw';
import { exportOnWorker, type PullKind } from './report.render';
import type { SuggestionRow, XlsxInput, XlsxOptions, XlsxWritten } from './report.xlsx';

/** Responses per batch handed to the worker. */
const PULL_ROWS = 500;

export interface ExportOptions extends XlsxOptions {
  /** Where the file is written: the worker thread (default), or the main thread (the benchmark's baseline). */
  thread?: 'worker' | 'main';
}

/** The survey and settings as plain data (ObjectIds as strings): what the worker is given. */
function exportInput(ctx: ReportContext): ExportInput {
  const { title, elements, services, profileQuestions } = ctx.survey;
  return {
    survey: JSON.parse(JSON.stringify({ title, elements, services, profileQuestions })) as ExportInput['survey'],
    lang: ctx.lang,
    timeZone: ctx.timeZone,
    period: ctx.period,
  };
}

async function xlsxInput(ctx: ReportContext, maxRows: number | undefined): Promise<XlsxInput> {
  const { result, respondents, sample, indicator, problem, cells, profiles, services } = ctx.results;
  return {
    ...exportInput(ctx),
    title: ctx.report.title,
    unitName: ctx.unit.name,
    periodLabel: ctx.report.periodLabel,
    results: { result, respondents, sample, indicator, problem, cells, profiles, services },
    expected: await countRawResponses(ctx.survey._id, ctx.period),
    ...(maxRows ? { maxRows } : {}),
  };
}

/**
 * The survey's responses as raw BSON, PULL_ROWS at a time, back to back in one buffer (null at
 * the end). One batch is read ahead while the worker writes the last one: the database and the
 * worker work at the same time, and at most one batch waits (backpressure holds the rest).
 */
function rawBatches(surveyId: Types.ObjectId) {
  const cursor = Response.collection.find<Buffer>({ surveyId }, { projection: RAW_PROJECTION, raw: true }).batchSize(1000);
  const read = async (): Promise<Buffer[] | null> => {
    const docs: Buffer[] = [];
    if (cursor.bufferedCount() === 0) {
      const first = await cursor.next();
      if (!first) return null;
      docs.push(first);
    }
    docs.push(...cursor.readBufferedDocuments(PULL_ROWS - docs.length));
    // One copy of the documents alone: each is a view of the driver's whole reply.
    return [Buffer.concat(docs)];
  };
  let ahead: Promise<Buffer[] | null> | null = null;
  return {
    async next(): Promise<Buffer[] | null> {
      const batch = await (ahead ?? read());
      ahead = batch ? read() : null;
      ahead?.catch(() => undefined); // its error is thrown by the next call
      return batch;
    },
    async close(): Promise<void> {
      await ahead?.catch(() => undefined);
      await cursor.close();
    },
  };
}

/** The period's suggestions that are not hidden, a day at a time (empty days skipped). */
async function* suggestionBatches(ctx: ReportContext): AsyncGenerator<SuggestionRow[]> {
  for await (const batch of suggestionWindows(ctx.survey, suggestionsEnd(ctx.survey, ctx.now), false, 1)) {
    const rows = batch.filter((x) => inPeriod(x, ctx.period)).map((x) => ({ submittedAt: x.submittedAt, service: x.service, text: x.text }));
    if (rows.length > 0) yield rows;
    else await yieldToEventLoop();
  }
}

/** Runs a writer on the worker: rows and suggestions pulled from the database as it asks. */
async function onWorker<T>(ctx: ReportContext, run: (pull: (kind: PullKind) => Promise<unknown[] | null>) => Promise<T>): Promise<T> {
  const rows = rawBatches(ctx.survey._id);
  const suggestions = suggestionBatches(ctx);
  try {
    return await run(async (kind) => (kind === 'rows' ? rows.next() : ((await suggestions.next()).value ?? null)));
  } finally {
    await rows.close().catch(() => undefined);
    await suggestions.return(undefined).catch(() => undefined);
  }
}

/** The responses of the period in batches, decoded by the driver on this thread (the baseline). */
async function* mainThreadRows(ctx: ReportContext): AsyncGenerator<RawResponse[]> {
  let batch: RawResponse[] = [];
  for await (const r of rawResponses(ctx.survey._id, ctx.period)) {
    batch.push(r);
    if (batch.length >= 250) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Writes the CSV of the report's raw answers to `out` (ended); resolves with the rows written once `out` has taken every byte. */
export async function writeCsv(ctx: ReportContext, out: Writable, options: ExportOptions = {}): Promise<number> {
  const input = exportInput(ctx);
  if (options.thread === 'main') {
    const rows = await (await import('./report.csv')).writeCsvRows(input, out, mainThreadRows(ctx), options.progress);
    await finished(out, { readable: false });
    return rows;
  }
  return onWorker(ctx, (pull) => exportOnWorker({ kind: 'csv', input }, pull, out, options.progress));
}

/** Writes the report's XLSX workbook to `out` (ended); resolves once `out` has taken every byte. */
export async function writeXlsx(ctx: ReportContext, out: Writable, options: ExportOptions = {}): Promise<XlsxWritten> {
  const input = await xlsxInput(ctx, options.maxRows);
  if (options.thread === 'main') {
    const { writeXlsxRows } = await import('./report.xlsx');
    const written = await writeXlsxRows(input, out, { suggestions: suggestionBatches(ctx), rows: mainThreadRows(ctx) }, options.progress);
    await finished(out, { readable: false });
    return written;
  }
  return onWorker(ctx, (pull) => exportOnWorker({ kind: 'xlsx', input }, pull, out, options.progress));
}
