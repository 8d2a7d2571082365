import { formatLocalDate, formatNumber, formatPercent, gradeText, performanceText } from '../../../server/i18n/format';

describe('formatNumber', () => {
  it.each([
    [92.255, 2, 'id', '92,26'],
    [92.255, 2, 'en', '92.26'],
    [1.005, 2, 'id', '1,01'],
    [88.305, 2, 'id', '88,31'],
    [1234567.5, 2, 'id', '1.234.567,50'],
    [1234567.5, 2, 'en', '1,234,567.50'],
    [1200, 0, 'id', '1.200'],
    [999, 0, 'id', '999'],
    [-1234.005, 2, 'id', '-1.234,01'],
    [-0.001, 2, 'en', '0.00'],
    [100, 2, 'id', '100,00'],
  ] as const)('formats %p with %p decimals in %p as %p', (x, d, lang, expected) => {
    expect(formatNumber(x, d, lang)).toBe(expected);
  });

  it('truncates on request and can leave out grouping', () => {
    expect(formatNumber(88.6464, 2, 'id', { mode: 'truncate' })).toBe('88,64');
    expect(formatNumber(1234.5, 1, 'id', { grouping: false })).toBe('1234,5');
  });
});

describe('formatPercent and labels', () => {
  it('writes percentages the Indonesian way', () => {
    expect(formatPercent(102.5111, 1, 'id')).toBe('102,5%');
    expect(formatPercent(102.5111, 2, 'en')).toBe('102.51%');
  });

  it('labels grades and performance', () => {
    expect(performanceText('sangat-baik', 'id')).toBe('Sangat Baik');
    expect(gradeText('B', 'baik', 'en')).toBe('B (Good)');
  });
});

describe("formatLocalDate (issue 11: dates in the unit's zone, WIB)", () => {
  test('06:30 WIB on 1 July is 23:30 UTC on 30 June and shows as 1 July; the day turns at midnight WIB', () => {
    expect(formatLocalDate(new Date('2025-06-30T23:30:00Z'))).toBe('2025-07-01');
    expect(formatLocalDate(new Date('2025-06-30T16:59:59Z'))).toBe('2025-06-30');
    expect(formatLocalDate(new Date('2025-06-30T17:00:00Z'))).toBe('2025-07-01');
  });
});
