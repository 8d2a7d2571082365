/**
 * The report model as a PDF: A4, a cover, a table of contents, page numbers, the charts as
 * images. pdfmake (on pdfkit) with its bundled Roboto fonts embedded; nothing is fetched: URL
 * access is refused and local file access is limited to the font folder.
 */
import path from 'node:path';
import pdfmake from 'pdfmake';
import { translate } from '../../i18n';
import { renderChartPng } from './report.charts';
import type { Block, Report } from './report.model';

const FONT_DIR = path.join(path.dirname(require.resolve('pdfmake/package.json')), 'fonts', 'Roboto');
let configured = false;

function configure(): void {
  if (configured) return;
  pdfmake.setFonts({
    Roboto: {
      normal: path.join(FONT_DIR, 'Roboto-Regular.ttf'),
      bold: path.join(FONT_DIR, 'Roboto-Medium.ttf'),
      italics: path.join(FONT_DIR, 'Roboto-Italic.ttf'),
      bolditalics: path.join(FONT_DIR, 'Roboto-MediumItalic.ttf'),
    },
  });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((p) => path.resolve(p).startsWith(FONT_DIR));
  configured = true;
}

type Node = Record<string, unknown> | string;

function blockNodes(block: Block): Node[] {
  switch (block.kind) {
    case 'heading':
      return [{ text: block.text, style: 'h2', tocItem: true, tocMargin: [14, 0, 0, 0], tocStyle: 'tocSub' }];
    case 'paragraph':
      return [{ text: block.text, style: block.note ? 'note' : 'p' }];
    case 'list':
      return [{ ol: block.items, style: 'p' }];
    case 'table': {
      const widths = block.columns.map((c, i) => (i === 0 && block.columns.length > 3 ? 'auto' : c.num ? 'auto' : '*'));
      const head = block.columns.map((c) => ({ text: c.label, style: 'th', alignment: c.num ? 'right' : 'left' }));
      const body = block.rows.map((r) => r.map((cell, i) => ({ text: cell, alignment: block.columns[i]?.num ? 'right' : 'left' })));
      const foot = block.footer ? [block.footer.map((cell, i) => ({ text: cell, bold: true, alignment: block.columns[i]?.num ? 'right' : 'left' }))] : [];
      return [
        { text: block.caption, style: 'caption' },
        { table: { headerRows: 1, widths, body: [head, ...body, ...foot], dontBreakRows: true }, layout: 'lightHorizontalLines', style: 'table' },
      ];
    }
    case 'chart': {
      const png = renderChartPng(block.spec);
      return [
        { image: `data:image/png;base64,${png.toString('base64')}`, width: 480, alignment: 'center', margin: [0, 6, 0, 2] },
        { text: block.caption, style: 'figcaption' },
      ];
    }
  }
}

/** The pdfmake document definition of a report (exposed for tests and the sample files). */
export function pdfDefinition(report: Report): Record<string, unknown> {
  const t = (key: string, params?: Record<string, string | number>) => translate(report.lang, key, params);
  const cover: Node[] = [
    { text: report.title, style: 'coverTitle', margin: [0, 160, 0, 16] },
    { text: report.unitName, style: 'coverUnit' },
    { text: report.surveyTitle, style: 'coverSub' },
    { text: t('rep.cover.period', { period: report.periodLabel }), style: 'coverSub' },
    {
      table: { widths: ['*', 'auto'], body: report.headline.map((x) => [{ text: x.label }, { text: x.value, bold: true, alignment: 'right' }]) },
      layout: 'lightHorizontalLines',
      margin: [60, 40, 60, 0],
    },
    { text: t('rep.cover.generated', { date: report.generatedOn }), style: 'coverSmall', margin: [0, 60, 0, 0] },
    { toc: { title: { text: t('rep.toc'), style: 'h1' } }, pageBreak: 'before' },
  ];
  const body: Node[] = [];
  for (const ch of report.chapters) {
    body.push({ text: ch.title, style: 'h1', tocItem: true, tocStyle: 'tocMain', pageBreak: 'before' });
    for (const b of ch.blocks) body.push(...blockNodes(b));
  }
  return {
    pageSize: 'A4',
    pageMargins: [56, 56, 56, 60],
    info: { title: `${report.title} ${report.unitName} ${report.periodLabel}`, author: report.unitName, subject: report.surveyTitle, creator: 'SKM' },
    content: [...cover, ...body],
    footer: (current: number, total: number) =>
      current === 1 ? null : { text: t('rep.page', { n: current, total }), alignment: 'center', fontSize: 8, color: '#4a5466', margin: [0, 20, 0, 0] },
    defaultStyle: { font: 'Roboto', fontSize: 10, lineHeight: 1.25 },
    styles: {
      coverTitle: { fontSize: 22, bold: true, alignment: 'center' },
      coverUnit: { fontSize: 16, alignment: 'center', margin: [0, 0, 0, 8] },
      coverSub: { fontSize: 12, alignment: 'center', margin: [0, 2, 0, 2] },
      coverSmall: { fontSize: 9, alignment: 'center', color: '#4a5466' },
      h1: { fontSize: 16, bold: true, margin: [0, 0, 0, 12] },
      h2: { fontSize: 12, bold: true, margin: [0, 10, 0, 6] },
      p: { margin: [0, 0, 0, 6], alignment: 'justify' },
      note: { margin: [0, 0, 0, 6], italics: true, color: '#7a2a00' },
      caption: { fontSize: 9, bold: true, margin: [0, 6, 0, 3] },
      figcaption: { fontSize: 9, italics: true, alignment: 'center', margin: [0, 0, 0, 8] },
      th: { bold: true, fontSize: 9 },
      table: { fontSize: 9, margin: [0, 0, 0, 8] },
      tocMain: { bold: true },
      tocSub: { fontSize: 9 },
    },
  };
}

/** The report as PDF bytes. */
export async function renderPdf(report: Report): Promise<Buffer> {
  configure();
  return pdfmake.createPdf(pdfDefinition(report)).getBuffer();
}
