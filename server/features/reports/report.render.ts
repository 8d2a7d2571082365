/**
 * The report renderers run on one worker thread (report.worker.ts), never on the main thread:
 * laying out a PDF or a DOCX and drawing its charts takes seconds of CPU, during which the main
 * thread would answer nothing (a form submission made during a PDF export waited 5.2 s). The
 * report model is plain data, so it is posted to the worker as it is; the database reads stay on
 * the main thread. One worker (the machine has two cores): tasks queue in order.
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
import { Worker } from 'node:worker_threads';
import type { ChartSpec, Report } from './report.model';

export type RenderTask = { kind: 'pdf'; input: Report } | { kind: 'docx'; input: Report } | { kind: 'chart'; input: ChartSpec };

interface Pending {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
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

function start(): Worker {
  const w =
    SOURCE_EXT === '.ts'
      ? new Worker(TS_BOOTSTRAP, { eval: true, workerData: { entry: ENTRY, swc: require.resolve('@swc/core') }, resourceLimits: RESOURCE_LIMITS })
      : new Worker(ENTRY, { resourceLimits: RESOURCE_LIMITS });
  w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.bytes) p.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    else p.reject(new Error(`report renderer: ${m.error ?? 'no output'}`));
    if (pending.size === 0) {
      w.unref();
      idleTimer = setTimeout(() => void stopRenderer(), IDLE_MS);
      idleTimer.unref();
    }
  });
  w.on('error', (e) => failAll(w, e));
  w.on('exit', (code) => failAll(w, new Error(`report renderer stopped (exit code ${code})`)));
  return w;
}

/** Renders on the worker thread; resolves with the file's bytes. */
export function renderOnWorker(task: RenderTask): Promise<Buffer> {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  worker ??= start();
  const w = worker;
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, ...task });
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
