/**
 * The report model's edge cases, stated plainly and never as zeros or failures: no responses,
 * fewer respondents than the sample, no population, no target, a questionnaire that changed
 * between periods, 10 and 14 elements, ties. Numbers come from server/ikm on fixed counts.
 */
import { buildReport, blocksOf, extremesSentence, type ReportInput } from '../../server/features/reports/report.model';
import { renderPdf } from '../../server/features/reports/report.pdf';
import { pdfPages } from '../support/files';
import { computeFromCounts, customElementSet, getTemplate, sampleAdequacy, type ElementSet, type ScoreCounts } from '../../server/ikm';
import { formatNumber } from '../../server/i18n/format';

jest.setTimeout(60_000);

function elementsOf(set: ElementSet): ReportInput['survey']['elements'] {
  return set.elements.map((e, i) => ({
    key: e.key,
    code: `U${i + 1}`,
    name: e.name,
    question: e.question,
    labels: { id: e.labels.map((l) => l.id), en: e.labels.map((l) => l.en) },
  }));
}

function input(set: ElementSet, counts: ScoreCounts[] | null, over: Partial<ReportInput> = {}): ReportInput {
  const n = counts ? counts[0]!.reduce((a, b) => a + b, 0) : 0;
  const result = counts ? computeFromCounts(set, counts, { respondents: n, completeRespondents: n }) : null;
  return {
    lang: 'id',
    unitName: 'Balai Uji',
    survey: {
      title: 'SKM Uji',
      templateName: set.name.id,
      gradeTable: set.gradeTable,
      period: { year: 2023 },
      elements: elementsOf(set),
      services: [],
      profileQuestions: [],
      indicator: null,
    },
    dataRange: n ? { from: { year: 2023, month: 1 }, to: { year: 2023, month: 12 } } : null,
    respondents: n,
    completeRespondents: n,
    result,
    problem: result ? null : 'no-answers',
    sample: null,
    indicator: null,
    profiles: new Map(),
    services: [],
    channels: n ? [{ source: 'web', n }] : [],
    trend: [{ label: '2023', current: true, comparable: true, respondents: n, result }],
    plan: [],
    previousPlan: null,
    generatedAt: new Date(Date.UTC(2024, 0, 10)),
    timeZone: 'Asia/Jakarta',
    ...over,
  };
}

const textOf = (r: ReturnType<typeof buildReport>) =>
  [...blocksOf(r)]
    .map(({ block: b }) =>
      b.kind === 'paragraph' || b.kind === 'heading'
        ? b.text
        : b.kind === 'list'
          ? b.items.join(' ')
          : b.kind === 'table'
            ? [b.caption, ...b.rows.flat(), ...(b.footer ?? [])].join(' ')
            : b.caption,
    )
    .join('\n');

const ALL = (k: number, c: ScoreCounts): ScoreCounts[] => Array.from({ length: k }, () => c);
const PERMEN = getTemplate('permenpanrb-14-2017');

test('no responses: the report says so in BAB II, III, IV and V, prints no zero score, and still renders to PDF', async () => {
  const report = buildReport(input(PERMEN, null, { sample: sampleAdequacy(500, 0) }));

  const text = textOf(report);
  expect(text).toContain('Belum ada kuesioner terisi pada periode ini.');
  expect(text).toContain('Pada periode ini belum ada jawaban responden, sehingga IKM dan nilai per unsur belum dapat dihitung.');
  expect(text).toContain('Pada periode ini belum ada responden, sehingga profil responden belum dapat disajikan.');
  expect(text).toContain('Analisis unsur belum dapat disusun');
  expect(text).not.toMatch(/\b0,00\b/);
  expect(report.headline.map((h) => h.label)).toEqual(['Jumlah responden']);
  const pdfText = pdfPages(await renderPdf(report))
    .join(' ')
    .replace(/\s+/g, ' ');
  expect(pdfText).toContain('belum ada jawaban responden');
  expect(pdfText).not.toMatch(/\b0,00\b/);
});

test('below the Krejcie–Morgan sample: the shortfall is stated, and the index is marked as not yet representative', () => {
  const sample = sampleAdequacy(1200, 40);
  const report = buildReport(input(PERMEN, ALL(9, [0, 2, 18, 20]), { sample }));

  const text = textOf(report);
  expect(text).toContain(`sampel minimal adalah ${formatNumber(sample.required, 0, 'id')} responden. Jumlah responden: 40.`);
  expect(text).toContain(`masih kurang ${formatNumber(sample.shortfall, 0, 'id')} responden`);
  expect(text).toContain(`Catatan: jumlah responden (40) masih di bawah sampel minimal (${sample.required})`);
});

test('no population and no target: both stated plainly', () => {
  const text = textOf(buildReport(input(PERMEN, ALL(9, [0, 2, 18, 20]))));

  expect(text).toContain('Perkiraan populasi penerima layanan belum diisi');
  expect(text).toContain('Target indikator kinerja belum ditetapkan untuk survei ini, sehingga capaian belum dapat dihitung.');
});

test('a questionnaire that changed: the earlier period is named and left out of the trend', () => {
  const counts = ALL(9, [0, 2, 18, 20]);
  const result = computeFromCounts(PERMEN, counts, { respondents: 40, completeRespondents: 40 });
  const report = buildReport(
    input(PERMEN, counts, {
      trend: [
        { label: '2021', current: false, comparable: false, respondents: 0, result: null },
        { label: '2023', current: true, comparable: true, respondents: 40, result },
      ],
    }),
  );

  const text = textOf(report);
  expect(text).toContain('Periode 2021 memakai kuesioner dengan unsur yang berbeda, sehingga nilainya tidak dapat dibandingkan dan tidak dimasukkan ke tren.');
  expect([...blocksOf(report)].some(({ block }) => block.kind === 'table' && block.id === 'trend')).toBe(false);
});

test('14 elements (KEP/25/2004) and 10 custom elements: the weight 1/k and the grade table are named; every element is in the table', () => {
  const kep = getTemplate('kepmenpan-25-2004');
  const ten = customElementSet(
    Array.from({ length: 10 }, (_, i) => ({
      key: `e${i + 1}`,
      name: { id: `Unsur ${i + 1}`, en: `Element ${i + 1}` },
      question: { id: `Pertanyaan ${i + 1}?`, en: `Question ${i + 1}?` },
      labels: [1, 2, 3, 4].map((x) => ({ id: `L${x}`, en: `L${x}` })),
    })),
  );

  const t14 = textOf(buildReport(input(kep, ALL(14, [1, 3, 10, 6]))));
  const r10 = buildReport(input(ten, ALL(10, [1, 3, 10, 6])));

  expect(t14).toContain(
    'Kuesioner ini memakai 14 unsur, bukan 9 unsur PermenPANRB 14/2017; setiap unsur berbobot 1/14. Mutu pelayanan dibaca dari tabel KEP/25/M.PAN/2/2004.',
  );
  expect(t14).toContain('(1/14 = 0,0714)');
  expect(t14).toContain('Keputusan Menteri PAN Nomor KEP/25/M.PAN/2/2004');
  expect(textOf(r10)).toContain('(1/10 = 0,1000)');
  const table = [...blocksOf(r10)].map(({ block }) => block).find((b) => b.kind === 'table' && b.id === 'elements');
  expect(table && table.kind === 'table' && table.rows.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => `U${i + 1}`));
});

test('ties are stated as ties; equal scores everywhere are said to have no highest or lowest element', () => {
  const counts: ScoreCounts[] = [
    [0, 0, 2, 8],
    [0, 0, 2, 8],
    [0, 0, 5, 5],
    [0, 1, 5, 4],
    [0, 0, 4, 6],
    [0, 0, 4, 6],
    [0, 0, 4, 6],
    [0, 0, 4, 6],
    [0, 0, 4, 6],
  ];
  const tied = computeFromCounts(PERMEN, counts, { respondents: 10, completeRespondents: 10 });
  const same = computeFromCounts(PERMEN, ALL(9, [0, 0, 4, 6]), { respondents: 10, completeRespondents: 10 });
  const name = (k: string) => PERMEN.elements.find((e) => e.key === k)!.name.id;

  expect(extremesSentence(tied, 'id', name)).toBe(
    `Unsur dengan nilai tertinggi adalah ${name('persyaratan')} dan ${name('prosedur')}, yang sama-sama bernilai 3,80; unsur dengan nilai terendah adalah ${name('biaya')} (3,30) dan ${name('waktu')} (3,50).`,
  );
  expect(extremesSentence(same, 'id', name)).toBe('Semua unsur memiliki nilai yang sama (3,60), sehingga tidak ada unsur tertinggi atau terendah.');
});
