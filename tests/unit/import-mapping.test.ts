/** The import's pure helpers: column suggestions from question texts, labels → scores, timestamps. */
import { getTemplate } from '../../server/ikm';
import { toStoredElements } from '../../server/results';
import {
  checkRows,
  readAnswer,
  rowFingerprints,
  localTime,
  detectLayout,
  labelScore,
  parseTimestamp,
  instantOf,
  suggestMapping,
  choiceKey,
  type MappableSurvey,
} from '../../server/features/import/import.mapping';

const elements = toStoredElements(getTemplate('permenpanrb-14-2017'));
const survey: MappableSurvey = {
  elements,
  services: [
    { key: 'a', name: { id: 'Layanan A', en: 'Service A' } },
    { key: 'b', name: { id: 'Layanan B', en: 'Service B' } },
  ],
  profile: [
    {
      key: 'gender',
      label: { id: 'Jenis kelamin', en: 'Gender' },
      kind: 'choice',
      options: [
        { key: 'l', name: { id: 'Laki-laki', en: 'Male' } },
        { key: 'p', name: { id: 'Perempuan', en: 'Female' } },
      ],
    },
    {
      key: 'age',
      label: { id: 'Kelompok usia', en: 'Age group' },
      kind: 'choice',
      options: ['u20', '20-29', '30-39', '40-49', '50-59', '60plus'].map((key) => ({ key })),
    },
    {
      key: 'education',
      label: { id: 'Pendidikan terakhir', en: 'Education' },
      kind: 'choice',
      options: [{ key: 's1', name: { id: 'S1/D4', en: 'Bachelor' } }],
    },
  ],
  period: { year: 2022 },
};

describe('suggestMapping', () => {
  test('Google Forms headers: numbered questions map to their elements, the rest by keywords', async () => {
    const header = [
      'Cap waktu',
      'Alamat email',
      'Jenis kelamin',
      'Usia',
      'Jenis layanan yang Anda terima',
      ...elements.map((e, i) => `${i + 1}. ${e.question.id}`),
      'Saran dan masukan untuk perbaikan layanan',
    ];

    const m = suggestMapping(header, survey);

    expect(m.slice(0, 5)).toEqual(['timestamp', 'ignore', 'pf:gender', 'pf:age', 'service']);
    expect(m.slice(5, 14)).toEqual(elements.map((e) => `el:${e.key}`));
    expect(m[14]).toBe('suggestion');
  });

  test('shuffled, shortened question texts still find their element; each element used once', async () => {
    const header = [
      'Timestamp',
      'Kecepatan waktu pelayanan',
      'Kualitas sarana dan prasarana',
      'Persyaratan pelayanan sesuai jenis pelayanannya',
      'Kecepatan pelayanan (lagi)',
    ];

    const m = suggestMapping(header, survey);

    expect(m[0]).toBe('timestamp');
    expect(m[1]).toBe('el:waktu');
    expect(m[2]).toBe('el:sarpras');
    expect(m[3]).toBe('el:persyaratan');
    expect(m[4]).toBe('ignore');
  });

  test('U1…Uk headers: the method layout, columns mapped by code', async () => {
    const header = ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'U8', 'U9', 'layanan'];

    expect(detectLayout(header, 9)).toBe('scores');
    expect(suggestMapping(header, survey).slice(0, 9)).toEqual(elements.map((e) => `el:${e.key}`));
    expect(detectLayout(header.slice(1), 9)).toBe('forms');
  });
});

describe('labelScore', () => {
  test.each([
    ['Sangat sesuai', 4],
    ['sangat  SESUAI', 4],
    ['Tidak sesuai', 1],
    ['Very appropriate', 4],
    ['3', 3],
    ['4 - Sangat sesuai', 4],
    ['2. Kurang sesuai', 2],
  ])('%s → %d (persyaratan)', (text, score) => {
    expect(labelScore(text, elements[0]!)).toBe(score);
  });

  test('unknown texts, out-of-range numbers and fractions give null', async () => {
    expect(labelScore('Sangat setuju', elements[0]!)).toBeNull();
    expect(labelScore('5', elements[0]!)).toBeNull();
    for (const fraction of ['4.5', '4,5', '3.99', '3,99', '1.9', '0.5']) expect(labelScore(fraction, elements[0]!)).toBeNull();
    expect(labelScore('Sangat mudah', elements[0]!)).toBeNull(); // another element's label
  });

  test('choiceKey: option names, keys and common spellings', async () => {
    expect(choiceKey('Perempuan', survey.profile[0]!.options, 'gender')).toBe('p');
    expect(choiceKey('Pria', survey.profile[0]!.options, 'gender')).toBe('l');
    expect(choiceKey('34', survey.profile[1]!.options, 'age')).toBe('30-39');
    expect(choiceKey('Layanan B', survey.services)).toBe('b');
    expect(choiceKey('Layanan Z', survey.services)).toBeNull();
  });
});

describe('parseTimestamp', () => {
  test('Google Forms download: "2022/03/15 10:23:45 PM GMT+7"', async () => {
    const t = parseTimestamp('2022/03/15 10:23:45 PM GMT+7', 'dmy')!;
    expect(t).toMatchObject({ year: 2022, month: 3, day: 15, hour: 22, minute: 23, second: 45, offset: 420 });
    expect(instantOf(t).toISOString()).toBe('2022-03-15T15:23:45.000Z');
  });

  test('Indonesian sheet day/month, English sheet month/day, ISO; WIB assumed without a zone', async () => {
    expect(parseTimestamp('15/03/2022 10:23:45', 'dmy')).toMatchObject({ year: 2022, month: 3, day: 15 });
    expect(parseTimestamp('3/15/22 10:23', 'mdy')).toMatchObject({ year: 2022, month: 3, day: 15, hour: 10 });
    expect(instantOf(parseTimestamp('2022-03-15 10:00:00', 'dmy')!).toISOString()).toBe('2022-03-15T03:00:00.000Z');
    expect(parseTimestamp('2022-03-15T03:00:00Z', 'dmy')!.offset).toBe(0);
  });

  test('impossible dates and garbage are refused', async () => {
    expect(parseTimestamp('31/02/2022 10:00', 'dmy')).toBeNull();
    expect(parseTimestamp('3/15/2022', 'dmy')).toBeNull();
    expect(parseTimestamp('kemarin', 'dmy')).toBeNull();
  });
});

describe('checkRows', () => {
  test('row-level errors name row, column and reason; unknown labels are listed with counts', async () => {
    const header = ['Cap waktu', 'U1', 'U2'];
    const table = {
      header,
      rows: [
        { row: 2, cells: ['15/03/2022 10:00', 'Sangat sesuai', 'Mudah'] },
        { row: 3, cells: ['16/03/2022 10:00', 'Sangat setuju', '5'] },
        { row: 4, cells: ['16/03/2021 10:00', 'Sesuai', ''] },
        { row: 5, cells: ['17/03/2022 10:00', 'Sangat setuju', ''] },
      ],
    };
    const one: MappableSurvey = { ...survey, elements: elements.slice(0, 2) };

    const r = await checkRows(table, ['timestamp', 'el:persyaratan', 'el:prosedur'], {}, one, { dateOrder: 'dmy', defaultDate: '', defaultService: '' });

    expect(r.valid.map((v) => v.row)).toEqual([2]);
    expect(r.invalidRows).toBe(3);
    expect(r.errors).toEqual([
      { row: 3, column: 'U1', reason: { key: 'label', value: 'Sangat setuju' } },
      { row: 3, column: 'U2', reason: { key: 'score', value: '5' } },
      { row: 4, column: 'Cap waktu', reason: { key: 'period', value: '2021-03-16' } },
      { row: 5, column: 'U1', reason: { key: 'label', value: 'Sangat setuju' } },
    ]);
    expect(r.unknown).toEqual([{ columns: [1], headers: ['U1'], target: 'el:persyaratan', value: 'Sangat setuju', count: 2 }]);

    const decided = await checkRows(table, ['timestamp', 'el:persyaratan', 'el:prosedur'], { '1': { 'sangat setuju': '4' } }, one, {
      dateOrder: 'dmy',
      defaultDate: '',
      defaultService: '',
    });
    expect(decided.valid.map((v) => v.row)).toEqual([2, 5]);
    expect(decided.valid[1]!.answers).toEqual([{ k: 'persyaratan', v: 4 }]);
  });
});

describe('readAnswer (issue 11: prefixes, letters, fractions)', () => {
  const el = elements[0]!; // Tidak sesuai … Sangat sesuai

  test.each([
    ['a. Tidak sesuai', 1],
    ['b) Kurang sesuai', 2],
    ['(c) Sesuai', 3],
    ['D. Sangat sesuai', 4],
    ['4. Sangat sesuai', 4],
    ['1) Tidak sesuai', 1],
    ['(3) Sesuai', 3],
    ['2 - Kurang sesuai', 2],
    ['4,0', 4],
    ['4.00', 4],
  ])('%s is taken without asking: %d', (text, v) => {
    expect(readAnswer(text, el)).toEqual({ kind: 'score', v });
  });

  test('a number that disagrees with its label is a conflict with both readings, never a score', async () => {
    expect(readAnswer('1. Sangat sesuai', el)).toEqual({ kind: 'conflict', prefix: 1, label: 4 });
    expect(readAnswer('4. Tidak sesuai', el)).toEqual({ kind: 'conflict', prefix: 4, label: 1 });
    expect(readAnswer('3) Kurang sesuai', el)).toEqual({ kind: 'conflict', prefix: 3, label: 2 });
  });

  test("a number in front of an unknown text is flagged with the number's reading", async () => {
    expect(readAnswer('4. Puas sekali', el)).toEqual({ kind: 'prefixOnly', prefix: 4 });
  });

  test('a letter in front of an unknown text is unknown; fractions and out-of-range numbers are invalid', async () => {
    expect(readAnswer('c. Puas', el)).toEqual({ kind: 'unknown' });
    for (const v of ['4.5', '4,5', '3.99', '1,9', '5', '0', '-1']) expect(readAnswer(v, el)).toEqual({ kind: 'invalid' });
  });
});

describe('checkRows (issue 11)', () => {
  const two: MappableSurvey = { ...survey, elements: elements.slice(0, 2) };
  const opts = { dateOrder: 'dmy' as const, defaultDate: '', defaultService: '' };

  test('an export numbered best-first: every text a conflict, named as a reversed scale; a rule resolves all', async () => {
    const header = ['Cap waktu', 'U1', 'U5'];
    const same: MappableSurvey = { ...survey, elements: [elements[0]!, { ...elements[0]!, key: 'copy', code: 'U2' }] };
    const table = {
      header,
      rows: [
        { row: 2, cells: ['15/03/2022 10:00', '1. Sangat sesuai', '2. Sesuai'] },
        { row: 3, cells: ['15/03/2022 11:00', '4. Tidak sesuai', '1. Sangat sesuai'] },
      ],
    };

    const r = await checkRows(table, ['timestamp', 'el:persyaratan', 'el:copy'], {}, same, opts);

    expect(r.valid).toHaveLength(0);
    expect(r.prefixes).toEqual({ agree: 0, conflict: 3, reversed: true });
    expect(r.errors[0]).toEqual({ row: 2, column: 'U1', reason: { key: 'conflict', value: '1. Sangat sesuai', prefix: 1, label: 4 } });
    // One entry per text for both columns (same labels), with both readings.
    expect(r.unknown.find((u) => u.value === '1. Sangat sesuai')).toEqual({
      columns: [1, 2],
      headers: ['U1', 'U5'],
      target: 'el:persyaratan',
      value: '1. Sangat sesuai',
      count: 2,
      readings: { prefix: 1, label: 4 },
    });

    const byLabel = await checkRows(table, ['timestamp', 'el:persyaratan', 'el:copy'], {}, same, { ...opts, prefixRule: 'label' });
    expect(byLabel.valid.map((v) => v.answers.map((a) => a.v))).toEqual([
      [4, 3],
      [1, 4],
    ]);
  });

  test('agreeing and disagreeing numbers together are not called a reversed scale', async () => {
    const table = {
      header: ['Cap waktu', 'U1'],
      rows: [
        { row: 2, cells: ['15/03/2022 10:00', '4. Sangat sesuai'] },
        { row: 3, cells: ['15/03/2022 10:00', '1. Sangat sesuai'] },
      ],
    };
    const r = await checkRows(table, ['timestamp', 'el:persyaratan'], {}, two, opts);
    expect(r.prefixes).toEqual({ agree: 1, conflict: 1, reversed: false });
  });

  test('fractional scores are row errors in both decimal notations, never truncated', async () => {
    const table = { header: ['U1', 'U2'], rows: ['4.5', '4,5', '3.99', '1,9'].map((v, i) => ({ row: i + 2, cells: [v, '4'] })) };
    const r = await checkRows(table, ['el:persyaratan', 'el:prosedur'], {}, two, { ...opts, defaultDate: '2022-01-01' });
    expect(r.valid).toHaveLength(0);
    expect(r.errors.map((e) => e.reason)).toEqual(['4.5', '4,5', '3.99', '1,9'].map((value) => ({ key: 'score', value })));
    expect(r.unknown).toEqual([]);
  });

  test('a timestamp near midnight is filed in WIB: 23:30 UTC on 30 June is 1 July (second semester)', async () => {
    const t = localTime({ year: 2025, month: 6, day: 30, hour: 23, minute: 30, second: 0, offset: 0 });
    expect(t).toMatchObject({ year: 2025, month: 7, day: 1, hour: 6, minute: 30 });
    const table = {
      header: ['Timestamp', 'U1'],
      rows: [
        { row: 2, cells: ['2025-06-30T23:30:00Z', '4'] },
        { row: 3, cells: ['2025/06/30 11:59:59 PM GMT+7', '4'] },
      ],
    };
    const s2: MappableSurvey = { ...two, period: { year: 2025, semester: 2 } };
    const r = await checkRows(table, ['timestamp', 'el:persyaratan'], {}, s2, { ...opts, dateOrder: 'mdy' });
    expect(r.valid.map((v) => [v.time.month, v.time.day])).toEqual([[7, 1]]);
    expect(r.errors).toEqual([{ row: 3, column: 'Timestamp', reason: { key: 'period', value: '2025-06-30' } }]);
  });

  test('rows already imported (by fingerprint) are left out and listed; includeImported takes them again', async () => {
    const table = {
      header: ['Cap waktu', 'U1'],
      rows: [
        { row: 2, cells: ['15/03/2022 10:00:00', '4'] },
        { row: 3, cells: ['15/03/2022 10:00:00', '4'] },
        { row: 4, cells: ['16/03/2022 09:00:00', '3'] },
      ],
    };
    const fp = await rowFingerprints(table, ['timestamp', 'el:persyaratan'], 'survey-1');
    expect(new Set(fp).size).toBe(3); // an identical row twice: two respondents, two fingerprints
    expect((await rowFingerprints(table, ['timestamp', 'el:persyaratan'], 'survey-2'))[0]).not.toBe(fp[0]);

    const r = await checkRows(table, ['timestamp', 'el:persyaratan'], {}, two, { ...opts, imported: new Set([fp[0]!, fp[1]!]) }, fp);
    expect(r.alreadyImported).toEqual([2, 3]);
    expect(r.valid.map((v) => v.row)).toEqual([4]);
    const again = await checkRows(table, ['timestamp', 'el:persyaratan'], {}, two, { ...opts, imported: new Set([fp[0]!]), includeImported: true }, fp);
    expect(again.valid).toHaveLength(3);
  });

  test('rows without a timestamp have no fingerprint', async () => {
    const table = { header: ['U1'], rows: [{ row: 2, cells: ['4'] }] };
    expect(await rowFingerprints(table, ['el:persyaratan'], 's')).toEqual([null]);
  });
});
