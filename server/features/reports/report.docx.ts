/**
 * The report model as DOCX (the `docx` package): real Heading 1/2 styles, a table of
 * contents field (Word and LibreOffice fill it in on opening), Word tables with a repeated
 * header row, captions, the charts as PNG images, A4 pages numbered in the footer, so staff can
 * paste any section into their LAKIN and edit it.
 */
import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  ImageRun,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableOfContents,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { translate } from '../../i18n';
import { chartPngs, chartSize } from './report.charts';
import type { Block, ChartSpec, Report } from './report.model';

function cellParagraph(text: string, opts: { bold?: boolean; right?: boolean }): Paragraph {
  return new Paragraph({
    alignment: opts.right ? AlignmentType.RIGHT : AlignmentType.LEFT,
    children: [new TextRun({ text, bold: opts.bold ?? false, size: 18 })],
  });
}

function blockChildren(block: Block, pngs: ReadonlyMap<ChartSpec, Buffer>): (Paragraph | Table)[] {
  switch (block.kind) {
    case 'heading':
      return [new Paragraph({ text: block.text, heading: HeadingLevel.HEADING_2 })];
    case 'paragraph':
      return [
        new Paragraph({
          children: [new TextRun({ text: block.text, italics: block.note ?? false })],
          alignment: AlignmentType.JUSTIFIED,
          spacing: { after: 120 },
        }),
      ];
    case 'list':
      return block.items.map((text) => new Paragraph({ text, bullet: { level: 0 } }));
    case 'table': {
      const row = (cells: string[], header: boolean) =>
        new TableRow({
          tableHeader: header,
          cantSplit: true,
          children: cells.map((c, i) => new TableCell({ children: [cellParagraph(c, { bold: header, right: block.columns[i]?.num ?? false })] })),
        });
      return [
        new Paragraph({ text: block.caption, style: 'Caption', keepNext: true }),
        new Table({
          width: { size: 100, type: WidthType.PERCENTAGE },
          rows: [
            row(
              block.columns.map((c) => c.label),
              true,
            ),
            ...block.rows.map((r) => row(r, false)),
            ...(block.footer ? [row(block.footer, true)] : []),
          ],
        }),
        new Paragraph({ text: '' }),
      ];
    }
    case 'chart': {
      const { width, height } = chartSize(block.spec);
      const w = 600;
      return [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [
            new ImageRun({
              type: 'png',
              data: pngs.get(block.spec)!,
              transformation: { width: w, height: Math.round((height / width) * w) },
              altText: { name: block.id, title: block.caption, description: block.caption },
            }),
          ],
        }),
        new Paragraph({ text: block.caption, style: 'Caption', alignment: AlignmentType.CENTER }),
      ];
    }
  }
}

/** The report as DOCX bytes. */
export async function renderDocx(report: Report): Promise<Buffer> {
  const pngs = await chartPngs(report);
  const t = (key: string, params?: Record<string, string | number>) => translate(report.lang, key, params);
  const cover = [
    new Paragraph({ spacing: { before: 2400 }, alignment: AlignmentType.CENTER, heading: HeadingLevel.TITLE, text: report.title }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: report.unitName, size: 32 })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: report.surveyTitle, size: 24 })] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: t('rep.cover.period', { period: report.periodLabel }), size: 24 })] }),
    new Paragraph({ text: '' }),
    new Table({
      width: { size: 70, type: WidthType.PERCENTAGE },
      alignment: AlignmentType.CENTER,
      rows: report.headline.map(
        (x) =>
          new TableRow({
            children: [
              new TableCell({ children: [cellParagraph(x.label, {})] }),
              new TableCell({ children: [cellParagraph(x.value, { bold: true, right: true })] }),
            ],
          }),
      ),
    }),
    new Paragraph({
      spacing: { before: 800 },
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text: t('rep.cover.generated', { date: report.generatedOn }), size: 18 })],
    }),
    new Paragraph({ children: [new PageBreak()] }),
    new Paragraph({ text: t('rep.toc'), heading: HeadingLevel.HEADING_1 }),
    new TableOfContents(t('rep.toc'), { hyperlink: true, headingStyleRange: '1-2' }),
  ];
  const body: (Paragraph | Table | TableOfContents)[] = [];
  for (const ch of report.chapters) {
    body.push(new Paragraph({ text: ch.title, heading: HeadingLevel.HEADING_1, pageBreakBefore: true }));
    for (const b of ch.blocks) body.push(...blockChildren(b, pngs));
  }
  const doc = new Document({
    creator: 'SKM',
    title: `${report.title} ${report.unitName} ${report.periodLabel}`,
    description: report.surveyTitle,
    features: { updateFields: true },
    styles: {
      default: { document: { run: { font: 'Calibri', size: 21 } } },
      paragraphStyles: [
        {
          id: 'Caption',
          name: 'Caption',
          basedOn: 'Normal',
          next: 'Normal',
          quickFormat: true,
          run: { bold: true, size: 18 },
          paragraph: { spacing: { before: 120, after: 60 } },
        },
      ],
    },
    sections: [
      {
        properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1134, bottom: 1134, left: 1134, right: 1134 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({
                    size: 16,
                    children: [
                      t('rep.page', { n: '\u0000', total: '\u0001' }).split('\u0000')[0]!,
                      PageNumber.CURRENT,
                      t('rep.page', { n: '\u0000', total: '\u0001' }).split('\u0000')[1]!.split('\u0001')[0]!,
                      PageNumber.TOTAL_PAGES,
                    ],
                  }),
                ],
              }),
            ],
          }),
        },
        children: [...cover, ...body],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
