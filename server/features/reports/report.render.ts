/**
 * The report renderers run on one worker thread (report.worker.ts), never on the main thread:
 * laying out a PDF or a DOCX and drawing its charts takes seconds of CPU, during which the main
 * thread would answer nothing (a form submission made during a PDF export waited 5.2 s). The
 * report model is plain data, so it is posted to the worker as it is; the database reads stay on
 * the main thread. One worker (the machine has two cores): tasks queue in order.
 *
 * The raw-answer exports (CSV, XLSX) are streamed tasks (`exportOnWorker`): the worker formats
 * the rows and serialises the file (report.csv.ts, report.xlsx.ts) and posts the bytes back as
 * they are made; it asks the main thread for the next batch of rows (`pull`), which the main
 * thread reads from its cursor, as raw BSON, and posts only when the output has drained, so
 * memory stays flat whatever the count (backpressure from the HTTP response or the job's chunks).
 *
 * The worker is started on the first task and stopped after IDLE_MS without one (its isolate,
 * with pdfmake's fonts and the canvas, holds 100–150 MB that a process exporting raw answers
 * should not keep); it never keeps the process alive when idle. A worker that dies (an error,
 * killed) fails the tasks it held and is replaced on the next.
 *
 * The compiled app runs dist/…/report.worker.js. Run from the TypeScript sources (jest with
 * @swc/jest), the worker compiles what it requires with the same SWC (a devDependency).
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { ChartSpec, Report } from './report.model';
import type { ExportInput, ExportProgress } from './report.raw';
import type { XlsxInput, XlsxWritten } from './report.xlsx';

export type RenderTask = { kind: 'pdf'; input: Report } | { kind: 'docx'; input: Report } | { kind: 'chart'; input: ChartSpec };

/** A streamed export: the CSV or the XLSX of raw answers. */
export type ExportTask = { kind: 'csv'; input: ExportInput } | { kind: 'xlsx'; input: XlsxInput };
/** What a streamed export's writer pulls: suggestions (XLSX), then raw rows. */
export type PullKind = 'suggestions' | 'rows';

/**
 * The worker's messages: { id, bytes } or { id, result } ends a task, { id, error } fails it;
 * during a streamed export { id, chunk } is output, { id, pull } asks for the next batch and
 * { id, rows } tells the rows written. To the worker: a task { id, kind, input }, and for a
 * streamed one { id, batch } (null: no more) or { id, cancel }.
 */
export interface WorkerMessage {
  id: number;
  bytes?: Uint8Array;
  result?: unknown;
  error?: string;
  chunk?: Uint8Array;
  pull?: PullKind;
  rows?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (e: Error) => void;
  /** A streamed task's messages before its end. */
  onEvent?: (m: WorkerMessage) => void;
}

const SOURCE_EXT = path.extname(__filename);
const ENTRY = path.join(__dirname, `report.worker${SOURCE_EXT}`);

/** Requires the worker's TypeScript entry through SWC (only when running from the sources). */
const TS_BOOTSTRAP = `
const fs = require('node:fs');
const { workerData } = require('node:worker_threads');
const swc = require(workerData.swc);
require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, sourceMaps: 'inline', jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(workerData.entry);
`;

/** An idle worker is stopped after this long. */
export const IDLE_MS = 30_000;

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

/** The worker `w` died or was stopped: the tasks it held fail, and the next task starts a new one. */
function failAll(w: Worker, e: Error): void {
  if (worker !== w) return;
  worker = null;
  for (const p of pending.values()) p.reject(e);
  pending.clear();
}

/**
 * A small young generation: the renderers make short-lived garbage fast, and V8's default lets
 * a worker's heap grow by tens of MB between two collections. The old generation's cap leaves
 * room for the largest unit report; past it the worker dies and its task fails (as any renderer
 * error does).
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/** The task has ended: it is forgotten, and a worker left without tasks may stop after IDLE_MS. */
function settle(id: number): void {
  pending.delete(id);
  const w = worker;
  if (pending.size === 0 && w) {
    w.unref();
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void stopRenderer(), IDLE_MS);
    idleTimer.unref();
  }
}

function start(): Worker {
  const w =
    SOURCE_EXT === '.ts'
      ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { entry: ENTRY, swc: require.resolve('@swc/core') }, resourceLimits: RESOURCE_LIMITS })
      : new Worker(ENTRY, { resourceLimits: RESOURCE_LIMITS });
  w.on('message', (m: WorkerMessage) => {
    const p = pending.get(m.id);
    if (!p) return;
    if (m.bytes === undefined && m.result === undefined && m.error === undefined) {
      p.onEvent?.(m);
      return;
    }
    settle(m.id);
    if (m.bytes) p.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    else if (m.result !== undefined) p.resolve(m.result);
    else p.reject(new Error(`report renderer: ${m.error ?? 'no output'}`));
  });
  w.on('error', (e) => failAll(w, e));
  w.on('exit', (code) => failAll(w, new Error(`report renderer stopped (exit code ${code})`)));
  return w;
}

/** Posts a task to the worker (started if needed); `pending` is told how it ends. */
function post(message: object, entry: Pending): number {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  worker ??= start();
  const id = nextId++;
  pending.set(id, entry);
  worker.ref();
  worker.postMessage({ id, ...message });
  return id;
}

/** Renders on the worker thread; resolves with the file's bytes. */
export function renderOnWorker(task: RenderTask): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => void post(task, { resolve: (bytes) => resolve(bytes as Buffer), reject }));
}

/** The next batch for a streamed export's writer (null: no more). */
export type ExportPull = (kind: PullKind) => Promise<unknown[] | null>;

/**
 * Runs a CSV or XLSX export on the worker thread: its bytes are written to `out` as they come;
 * the worker's writer gets its batches from `pull`, each asked for only once `out` has drained.
 * `progress` is told the rows written (it may throw to stop the export). Resolves with the
 * writer's result once every byte has been handed to `out` (which is ended); rejects when the
 * worker dies or is stopped, the writer fails, `pull` or `progress` throws, or `out` closes or
 * fails first: the worker's task is then cancelled.
 */
export function exportOnWorker(task: { kind: 'csv'; input: ExportInput }, pull: ExportPull, out: Writable, progress?: ExportProgress): Promise<number>;
export function exportOnWorker(task: { kind: 'xlsx'; input: XlsxInput }, pull: ExportPull, out: Writable, progress?: ExportProgress): Promise<XlsxWritten>;
export function exportOnWorker(task: ExportTask, pull: ExportPull, out: Writable, progress?: ExportProgress): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    let id = 0;
    let over = false;
    const w = () => worker;
    // Backpressure from what `out.write` answered (not `writableNeedDrain`: behind the compression
    // middleware, writes go to its gzip stream, whose 'drain' is the one a response's listeners get).
    let needDrain = false;
    let wake: (() => void) | null = null;
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
    };
    /** Ends the export with an error: the worker's task is cancelled. */
    const fail = (e: Error) => {
      if (over) return;
      over = true;
      wake?.();
      cleanup();
      if (pending.has(id)) {
        settle(id);
        w()?.postMessage({ id, cancel: true });
      }
      reject(e);
    };
    const onDrain = () => {
      needDrain = false;
      wake?.();
    };
    const onClose = () => {
      wake?.();
      if (!out.writableFinished) fail(new Error('export output closed before the file was complete'));
    };
    const onError = (e: Error) => fail(e);
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
    const drained = async () => {
      while (needDrain && !over) await new Promise<void>((r) => (wake = r));
      wake = null;
    };
    const answer = async (kind: PullKind) => {
      await drained();
      if (over) return;
      const batch = await pull(kind);
      if (!over) w()?.postMessage({ id, batch });
    };
    const onEvent = (m: WorkerMessage) => {
      if (over) return;
      if (m.chunk) {
        if (!out.write(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength))) needDrain = true;
      } else if (m.pull) answer(m.pull).catch(fail);
      else if (m.rows !== undefined && progress) {
        try {
          progress(m.rows);
        } catch (e) {
          fail(e as Error);
        }
      }
    };
    id = post(task, {
      resolve: (result: unknown) => {
        if (over) return;
        // Not end(callback): the compression middleware's end takes no callback.
        out.end();
        finished(out, { readable: false }).then(
          () => {
            if (over) return;
            over = true;
            cleanup();
            resolve(result);
          },
          (e: Error) => fail(e),
        );
      },
      reject: (e) => fail(e),
      onEvent,
    });
  });
}

export const renderPdf = (report: Report) => renderOnWorker({ kind: 'pdf', input: report });
export const renderDocx = (report: Report) => renderOnWorker({ kind: 'docx', input: report });
export const renderChartPng = (spec: ChartSpec) => renderOnWorker({ kind: 'chart', input: spec });

/** Stops the worker (when idle, shutdown, tests); tasks it still held fail. The next task starts a new one. */
export async function stopRenderer(): Promise<void> {
  const w = worker;
  if (!w) return;
  failAll(w, new Error('report renderer stopped'));
  await w.terminate();
}
