/** The dashboard's view helpers: chart data safe inside <script>, numbers formatted, never rounded here. */
import { jsonForScript, periodPosition, profileOrder, viewHelpers, yearGaps, yearTicks } from '../../server/features/dashboard/dashboard.view';
import { formatDecimalInput } from '../../server/i18n/format';

test('jsonForScript: a unit or element name cannot close the data block or open markup', () => {
  const out = jsonForScript({ labels: ['</script><script>alert(1)</script>', 'A & B <!--'] });

  expect(out).not.toMatch(/[<>&]/);
  expect(JSON.parse(out)).toEqual({ labels: ['</script><script>alert(1)</script>', 'A & B <!--'] });
});

test('viewHelpers: numbers through the method’s half-up formatting, labels by language', () => {
  const id = viewHelpers('id');
  const en = viewHelpers('en');

  expect(id.num(92.255)).toBe('92,26');
  expect(en.num(92.255)).toBe('92.26');
  expect(id.num(null)).toBe('–');
  expect(id.pct(1, 3)).toBe('33,3%');
  expect(id.month(2022, 8)).toBe('Agu 2022');
  expect(en.grade({ grade: 'A', performance: 'sangat-baik' })).toBe('A (Very Good)');
  expect(id.profileLabel('gender', 'p')).toBe('Perempuan');
  expect(id.profileLabel('hobby', 'x', [{ key: 'x', name: { id: 'Memancing', en: 'Fishing' } }])).toBe('Memancing');
  expect(id.profileLabel('hobby', 'zz')).toBe('zz');
});

describe('profileOrder: the questionnaire’s order, not the codes’', () => {
  test('age: "Di bawah 20 tahun" first, "60 tahun ke atas" last; education: SMA before S3', () => {
    expect(profileOrder('age', ['60plus', '20-29', 'u20', '40-49'])).toEqual(['u20', '20-29', '40-49', '60plus']);
    expect(profileOrder('education', ['s3', 'sma', 's1', 'sd'])).toEqual(['sd', 'sma', 's1', 's3']);
  });

  test('a survey’s own question: its option order; values it does not list follow, alphabetically', () => {
    const custom = [{ key: 'visit', options: [{ key: 'first' }, { key: 'second' }, { key: 'more' }] }];

    expect(profileOrder('visit', ['more', 'zeta', 'first', 'alpha', 'second'], custom)).toEqual(['first', 'second', 'more', 'alpha', 'zeta']);
  });

  test('a survey question replacing a standard key takes precedence over the standard order', () => {
    expect(profileOrder('gender', ['l', 'p'], [{ key: 'gender', options: [{ key: 'p' }, { key: 'l' }] }])).toEqual(['p', 'l']);
  });
});

describe('the trend’s time axis', () => {
  test('2021, 2022, 2026: every year is a tick, and the gap is named', () => {
    expect(yearTicks([2021, 2022, 2026]).map((t) => t.label)).toEqual(['2021', '2022', '2023', '2024', '2025', '2026']);
    expect(yearGaps([2021, 2022, 2026])).toEqual(['2023–2025']);
    expect(yearGaps([2020, 2022, 2023])).toEqual(['2021']);
    expect(yearGaps([2022, 2022, 2023])).toEqual([]);
  });

  test('periods in years: semesters and quarters between the years', () => {
    expect(periodPosition({ year: 2022 })).toBe(2022);
    expect(periodPosition({ year: 2022, semester: 2 })).toBe(2022.5);
    expect(periodPosition({ year: 2022, quarter: 4 })).toBe(2022.75);
  });

  test('months: every month from the first to the last, across a year end, named in the language', () => {
    const ticks = viewHelpers('id').monthTicks([
      { year: 2022, month: 11 },
      { year: 2023, month: 2 },
    ]);

    expect(ticks.map((t) => t.label)).toEqual(['Nov 2022', 'Des 2022', 'Jan 2023', 'Feb 2023']);
    expect(ticks[0]!.v).toBe(2022 * 12 + 10);
    expect(viewHelpers('en').monthTicks([{ year: 2022, month: 8 }])).toEqual([{ v: 2022 * 12 + 7, label: 'Aug 2022' }]);
  });
});

test('formatDecimalInput: a stored target comes back as typed in the language (90,5 / 90.5), all digits kept', () => {
  expect(formatDecimalInput(90.5, 'id')).toBe('90,5');
  expect(formatDecimalInput(90.5, 'en')).toBe('90.5');
  expect(formatDecimalInput(88.125, 'id')).toBe('88,125');
  expect(formatDecimalInput(90, 'id')).toBe('90');
});
