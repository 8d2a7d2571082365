/**
 * The report renderers' worker thread (started by report.render.ts): lays out PDFs and DOCX
 * files and draws the charts (pdfmake, docx, chart.js on @napi-rs/canvas: CPU-bound, seconds
 * for a report) off the main thread, which keeps answering requests meanwhile. A message is a
 * task { id, kind, report | spec }; the answer is { id, bytes } or { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import type { ChartSpec, Report } from './report.model';
import type { RenderTask } from './report.render';

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

parentPort?.on('message', (task: RenderTask & { id: number }) => {
  run(task).then(
    (bytes) => parentPort!.postMessage({ id: task.id, bytes }),
    (e: Error) => parentPort!.postMessage({ id: task.id, error: e.stack ?? e.message }),
  );
});
