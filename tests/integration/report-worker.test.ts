/**
 * PDF and DOCX are laid out on the renderer's worker thread (report.render.ts): while a long
 * report is being rendered, the main thread keeps answering requests. Asserted on ordering, not
 * on time: a probe sent after the render has started is answered before the render ends.
 * A worker that dies fails the tasks it held, and the next task gets a new worker.
 */
import request from 'supertest';
import { testApp } from '../support/app';
import { pdfPages, docxContent } from '../support/files';
import type { Block, Report } from '../../server/features/reports/report.model';
import { reportOf } from '../support/report';
import { renderDocx, renderPdf, stopRenderer } from '../../server/features/reports/report.render';

jest.setTimeout(120_000);
const app = testApp();
afterAll(() => stopRenderer());

/** A report long enough to take the renderer a while: many sections, each with a table and a chart. */
function longReport(sections: number): Report {
  const blocks: Block[] = [];
  for (let i = 1; i <= sections; i++) {
    blocks.push({ kind: 'heading', text: `Bagian ${i}` });
    blocks.push({ kind: 'paragraph', text: `Paragraf ${i}. `.repeat(40) });
    blocks.push({
      kind: 'table',
      id: `t${i}`,
      caption: `Tabel ${i}`,
      columns: [{ label: 'Unsur' }, { label: 'NRR', num: true }],
      rows: Array.from({ length: 12 }, (_, j) => [`U${j + 1}-${i}`, `3,${(i * 7 + j) % 100}`]),
    });
    blocks.push({
      kind: 'chart',
      id: `c${i}`,
      caption: `Gambar ${i}`,
      spec: { type: 'bar', lang: 'id', labels: ['U1', 'U2', 'U3', 'U4'], datasets: [{ label: 'NRR', data: [3.1, 3.4, (i % 10) / 4, 2.9] }], min: 0, max: 4 },
    });
  }
  return reportOf('Laporan panjang', blocks);
}

test('while a long PDF is rendered, GET /healthz sent after the render started is answered before the render ends', async () => {
  const report = longReport(40);
  let rendered = false;
  const rendering = renderPdf(report).then((pdf) => {
    rendered = true;
    return pdf;
  });

  const probe = await request(app).get('/healthz');
  const answeredDuringRender = !rendered;
  const pdf = await rendering;

  expect(probe.status).toBe(200);
  expect(answeredDuringRender).toBe(true);
  const pages = pdfPages(pdf);
  expect(pages.join('\n')).toContain('Tabel 40');
});

test('a DOCX is rendered on the worker too, and a worker that dies fails its task; the next task gets a new worker', async () => {
  const report = longReport(3);
  const killed = renderPdf(longReport(40));
  await stopRenderer();
  await expect(killed).rejects.toThrow(/report renderer stopped/);

  const docx = await renderDocx(report);
  expect((await docxContent(docx)).text).toContain('Tabel 3');
});
