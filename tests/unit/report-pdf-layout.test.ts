/**
 * PDF layout: a table's caption is never left at the bottom of a page with its table on the
 * next (pdfmake's pageBreakBefore moves it along), and a heading stays with what follows it.
 * One long report with captions at many different heights, read back with pdftotext page by page.
 */
import type { Block, Report } from '../../server/features/reports/report.model';
import { reportOf } from '../support/report';
import { renderPdf } from '../../server/features/reports/report.pdf';
import { pdfPages } from '../support/files';

jest.setTimeout(60_000);

const SENTENCE = 'Kalimat pengisi untuk menggeser posisi tabel pada halaman. ';

function longReport(sections: number): Report {
  const blocks: Block[] = [];
  for (let i = 1; i <= sections; i++) {
    blocks.push({ kind: 'heading', text: `Bagian ${i}` });
    // Paragraphs of varying length put each caption at a different height on its page.
    blocks.push({ kind: 'paragraph', text: SENTENCE.repeat(1 + ((i * 7) % 11)) });
    blocks.push({
      kind: 'table',
      id: `t${i}`,
      caption: `Tabel ${i}. Uji penempatan`,
      columns: [{ label: `Kolom-${i}` }, { label: 'Nilai', num: true }],
      rows: [
        [`baris-${i}-a`, '1'],
        [`baris-${i}-b`, '2'],
        [`baris-${i}-c`, '3'],
      ],
    });
  }
  return reportOf('Uji tata letak', blocks);
}

test('PDF: every table caption is on the page where its table begins, and every heading has text after it on its page', async () => {
  const sections = 60;
  const pages = pdfPages(await renderPdf(longReport(sections)));

  const pageOf = (text: string) => pages.findIndex((p) => p.includes(text));
  const apart: string[] = [];
  for (let i = 1; i <= sections; i++) {
    const caption = pageOf(`Tabel ${i}. Uji penempatan`);
    if (caption !== pageOf(`baris-${i}-a`) || caption < 0)
      apart.push(`Tabel ${i}: caption on page ${caption + 1}, first row on page ${pageOf(`baris-${i}-a`) + 1}`);
  }
  expect(apart).toEqual([]);
  // Headings: the last line of text on a page (above the page number) is never a heading.
  for (const p of pages.slice(2)) {
    const lines = p
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^Halaman \d+ dari \d+$/.test(l));
    expect(lines[lines.length - 1] ?? '').not.toMatch(/^Bagian \d+$/);
  }
  expect(pages.length).toBeGreaterThan(8);
});
