/**
 * The report renderers' worker thread (started by report.render.ts): lays out PDFs and DOCX
 * files and draws the charts (pdfmake, docx, chart.js on @napi-rs/canvas: CPU-bound, seconds
 * for a report), and writes the raw-answer CSV and XLSX files (formatting every row, exceljs's
 * XML and zip), off the main thread, which keeps answering requests meanwhile.
 *
 * A message is a task { id, kind, input }; the answer is { id, bytes } or { id, error }. A CSV
 * or XLSX task is streamed: the worker asks for batches ({ id, pull }) and is given them
 * ({ id, batch }: raw BSON documents of the responses, decoded here, or suggestions; null at the
 * end), posts the file's bytes as they are made ({ id, chunk }) and the rows written
 * ({ id, rows }), and ends with { id, result }. { id, cancel } stops it.
 */
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parentPort } from 'node:worker_threads';
import type { ChartSpec, Report } from './report.model';
import type { ExportTask, PullKind, RenderTask, WorkerMessage } from './report.render';
import { inPeriod, type ExportInput } from './report.raw';
import type { RawResponse } from './report.service';
import type { SuggestionRow } from './report.xlsx';

async function run(task: RenderTask): Promise<Buffer> {
  switch (task.kind) {
    case 'pdf':
      return (await import('./report.pdf')).renderPdf(task.input as Report);
    case 'docx':
      return (await import('./report.docx')).renderDocx(task.input as Report);
    case 'chart':
      return (await import('./report.charts')).renderChartPng(task.input as ChartSpec);
  }
}

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

class Cancelled extends Error {}

/**
 * A streamed export's pulls from the main thread: one batch asked for at a time. Cancelling
 * rejects the pull in progress and every later one. A pull is never raced against a promise that
 * stays pending for the whole export: each race would leave a reaction on it holding the batch
 * the race resolved with, so every batch of the file stayed in memory (0.5 KB a row, 500 MB for
 * a 1M-response XLSX; tests/unit/report-pulls.test.ts).
 */
export class PullChannel {
  private waiting: { resolve: (batch: unknown[] | null) => void; reject: (e: Error) => void } | null = null;
  private cancelled: Error | null = null;

  constructor(private readonly ask: (kind: PullKind) => void) {}

  next(kind: PullKind): Promise<unknown[] | null> {
    return new Promise((resolve, reject) => {
      if (this.cancelled) return reject(this.cancelled);
      this.waiting = { resolve, reject };
      this.ask(kind);
    });
  }

  /** The batch asked for (null: no more). */
  deliver(batch: unknown[] | null): void {
    const pull = this.waiting;
    this.waiting = null;
    pull?.resolve(batch);
  }

  cancel(reason: Error): void {
    this.cancelled = reason;
    const pull = this.waiting;
    this.waiting = null;
    pull?.reject(reason);
  }
}

interface Stream {
  pulls: PullChannel;
  cancel: () => void;
}
const streams = new Map<number, Stream>();

/** Raw BSON documents (buffers of documents back to back) → responses in the period. */
async function decodeRows(batch: unknown[], input: ExportInput): Promise<RawResponse[]> {
  // bson alone (4 MB), not the driver that re-exports it (17 MB more in this thread).
  const { BSON } = await import('bson');
  const out: RawResponse[] = [];
  for (const bytes of batch as Uint8Array[]) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < bytes.byteLength;) {
      const length = view.getInt32(at, true);
      const r = BSON.deserialize(bytes.subarray(at, at + length)) as RawResponse;
      if (inPeriod(r, input.period)) out.push(r);
      at += length;
    }
  }
  return out;
}

async function runExport(id: number, task: ExportTask): Promise<unknown> {
  const pulls = new PullChannel((kind) => post({ id, pull: kind }));
  const stream: Stream = { pulls, cancel: () => undefined };
  const cancelled = new Promise<never>((_, reject) => {
    stream.cancel = () => {
      const reason = new Cancelled('export cancelled');
      pulls.cancel(reason);
      reject(reason);
    };
  });
  cancelled.catch(() => undefined);
  streams.set(id, stream);
  const next = (kind: PullKind) => pulls.next(kind);
  async function* suggestions(): AsyncGenerator<SuggestionRow[]> {
    for (let b = await next('suggestions'); b !== null; b = await next('suggestions')) yield b as SuggestionRow[];
  }
  async function* rows(): AsyncGenerator<RawResponse[]> {
    for (let b = await next('rows'); b !== null; b = await next('rows')) yield await decodeRows(b, task.input);
  }
  const out = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, cb) {
      // A copy of the bytes alone (a view would post its whole underlying buffer).
      post({ id, chunk: Uint8Array.prototype.slice.call(chunk) });
      cb();
    },
  });
  const progress = (rows: number) => post({ id, rows });
  try {
    let result: unknown;
    if (task.kind === 'csv') {
      const { writeCsvRows } = await import('./report.csv');
      result = await Promise.race([writeCsvRows(task.input, out, rows(), progress), cancelled]);
    } else {
      const { writeXlsxRows } = await import('./report.xlsx');
      result = await Promise.race([writeXlsxRows(task.input, out, { suggestions: suggestions(), rows: rows() }, progress), cancelled]);
    }
    await Promise.race([finished(out), cancelled]);
    return result;
  } finally {
    streams.delete(id);
    out.destroy();
  }
}

parentPort?.on('message', (m: (RenderTask | ExportTask) & { id: number; batch?: unknown[] | null; cancel?: boolean }) => {
  const stream = streams.get(m.id);
  if (m.cancel) return stream?.cancel();
  if (m.batch !== undefined) return stream?.pulls.deliver(m.batch);
  const done = m.kind === 'csv' || m.kind === 'xlsx' ? runExport(m.id, m) : run(m);
  done.then(
    (value) => (Buffer.isBuffer(value) ? post({ id: m.id, bytes: value }) : post({ id: m.id, result: value })),
    (e: Error) => {
      if (!(e instanceof Cancelled)) post({ id: m.id, error: e.stack ?? e.message });
    },
  );
});
