/**
 * The report model as a PDF: A4, a cover, a table of contents, page numbers, the charts as
 * images. pdfmake (on pdfkit) with its bundled Roboto fonts embedded; nothing is fetched: URL
 * access is refused and local file access is limited to the font folder.
 */
import path from 'node:path';
import pdfmake from 'pdfmake';
import { translate } from '../../i18n';
import { chartPngs } from './report.charts';
import type { Block, ChartSpec, Report } from './report.model';

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

/** Tables of at most this many rows (the report's are 9–14 elements) never break across pages. */
const SHORT_TABLE_ROWS = 16;

/** Marks a heading or a table caption that must stay on the page of what follows it. */
const KEEP_WITH_NEXT = 1;

/**
 * pdfmake's page-break hook: a heading or caption that would end a page (nothing of its own
 * section after it on that page: no text, no image) moves to the next page, with its table or text.
 */
export function keepWithNext(
  node: { headlineLevel?: number },
  nodes: { getFollowingNodesOnPage: () => { text?: unknown; image?: unknown; style?: unknown }[] },
): boolean {
  // A table that moved on leaves its frame, and maybe its header row ('th'), on this page, and
  // the page number is there anyway: only body text or an image counts as following content.
  return (
    node.headlineLevel === KEEP_WITH_NEXT &&
    !nodes.getFollowingNodesOnPage().some((n) => (n.text !== undefined && n.style !== 'th' && n.style !== 'pageFooter') || n.image !== undefined)
  );
}

function blockNodes(block: Block, pngs: ReadonlyMap<ChartSpec, Buffer>): Node[] {
  switch (block.kind) {
    case 'heading':
      return [{ text: block.text, style: 'h2', tocItem: true, tocMargin: [14, 0, 0, 0], tocStyle: 'tocSub', headlineLevel: KEEP_WITH_NEXT }];
    case 'paragraph':
      return [{ text: block.text, style: block.note ? 'note' : 'p' }];
    case 'list':
      return [{ ol: block.items, style: 'p' }];
    case 'table': {
      const widths = block.columns.map((c, i) => (i === 0 && block.columns.length > 3 ? 'auto' : c.num ? 'auto' : '*'));
      const head = block.columns.map((c) => ({ text: c.label, style: 'th', alignment: c.num ? 'right' : 'left' }));
      const body = block.rows.map((r) => r.map((cell, i) => ({ text: cell, alignment: block.columns[i]?.num ? 'right' : 'left' })));
      const foot = block.footer ? [block.footer.map((cell, i) => ({ text: cell, bold: true, alignment: block.columns[i]?.num ? 'right' : 'left' }))] : [];
      const caption = { text: block.caption, style: 'caption', headlineLevel: KEEP_WITH_NEXT };
      const tableNode = {
        table: { headerRows: 1, widths, body: [head, ...body, ...foot], dontBreakRows: true },
        layout: 'lightHorizontalLines',
        style: 'table',
      };
      // A short table moves with its caption as one piece; a long one may break across pages,
      // and then pageBreakBefore (keepWithNext) keeps its caption off the bottom of a page.
      return block.rows.length <= SHORT_TABLE_ROWS ? [{ unbreakable: true, stack: [caption, tableNode] }] : [caption, tableNode];
    }
    case 'chart': {
      const png = pngs.get(block.spec)!;
      // A figure and its caption always fit on one page: never split them.
      return [
        {
          unbreakable: true,
          stack: [
            { image: `data:image/png;base64,${png.toString('base64')}`, width: 480, alignment: 'center', margin: [0, 6, 0, 2] },
            { text: block.caption, style: 'figcaption' },
          ],
        },
      ];
    }
  }
}

/** The pdfmake document definition of a report, with its charts drawn (chartPngs). */
export function pdfDefinition(report: Report, pngs: ReadonlyMap<ChartSpec, Buffer>): Record<string, unknown> {
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
    for (const b of ch.blocks) body.push(...blockNodes(b, pngs));
  }
  return {
    pageSize: 'A4',
    pageMargins: [56, 56, 56, 60],
    info: { title: `${report.title} ${report.unitName} ${report.periodLabel}`, author: report.unitName, subject: report.surveyTitle, creator: 'SKM' },
    content: [...cover, ...body],
    pageBreakBefore: keepWithNext,
    footer: (current: number, total: number) => (current === 1 ? null : { text: t('rep.page', { n: current, total }), style: 'pageFooter' }),
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
      pageFooter: { alignment: 'center', fontSize: 8, color: '#4a5466', margin: [0, 20, 0, 0] },
      tocSub: { fontSize: 9 },
    },
  };
}

/** The report as PDF bytes. */
export async function renderPdf(report: Report): Promise<Buffer> {
  configure();
  const pngs = await chartPngs(report);
  return pdfmake.createPdf(pdfDefinition(report, pngs)).getBuffer();
}
