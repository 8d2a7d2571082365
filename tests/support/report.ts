/** A report model around given blocks (one chapter), for renderer tests that need no database. */
import type { Block, Report } from '../../server/features/reports/report.model';

export function reportOf(title: string, blocks: Block[]): Report {
  return {
    lang: 'id',
    title,
    unitName: 'Balai Uji',
    surveyTitle: 'SKM Uji',
    periodLabel: '2023',
    generatedOn: '2023-12-31',
    headline: [{ label: 'Responden', value: '3' }],
    chapters: [{ id: 'bab-1', title: 'BAB I Uji', blocks }],
  };
}
