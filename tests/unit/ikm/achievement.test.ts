import { achievement, IkmError } from '../../../server/ikm';

describe('achievement, the published IKK figures (issue 3)', () => {
  it('99,25 vs 99 → 100 with a 100 cap', () => {
    const a = achievement(99.25, 99, { cap: 100 });
    expect(a.display).toBe(100);
    expect(a.capApplied).toBe(true);
    expect(a.raw).toBeCloseTo(100.2525, 4);
  });

  it('98,39 vs 99 → 99,38 (2 decimals, rounded)', () => {
    expect(achievement(98.39, 99).display).toBe(99.38);
  });

  it('87,76 vs 99 → 88,64 only when truncated (rounding gives 88,65)', () => {
    expect(achievement(87.76, 99, { rounding: 'truncate' }).display).toBe(88.64);
    expect(achievement(87.76, 99).display).toBe(88.65);
  });

  it('97,99 vs 87 → 112 truncated to whole percent (rounding gives 113)', () => {
    expect(achievement(97.99, 87, { decimals: 0, rounding: 'truncate' }).display).toBe(112);
    expect(achievement(97.99, 87, { decimals: 0 }).display).toBe(113);
  });

  it('92,26 vs 90 → 102,5 with 1 decimal and 102,51 with 2', () => {
    expect(achievement(92.26, 90, { decimals: 1 }).display).toBe(102.5);
    expect(achievement(92.26, 90, { decimals: 2 }).display).toBe(102.51);
  });
});

describe('achievement options', () => {
  it('caps at 120 and leaves lower figures alone', () => {
    expect(achievement(130, 100, { cap: 120 }).display).toBe(120);
    expect(achievement(110, 100, { cap: 120 })).toMatchObject({ display: 110, capApplied: false });
    expect(achievement(130, 100).display).toBe(130);
  });

  it('uses (2 − realization/target) × 100 for lower-is-better indicators', () => {
    expect(achievement(8, 10, { polarity: 'lower' }).display).toBe(120);
    expect(achievement(12, 10, { polarity: 'lower' }).display).toBe(80);
    expect(achievement(8, 10, { polarity: 'lower', cap: 100 }).display).toBe(100);
  });

  it('is exactly 100 when realization equals target', () => {
    expect(achievement(92.26, 92.26).raw).toBe(100);
  });

  it('rejects a zero or negative target', () => {
    expect(() => achievement(90, 0)).toThrow(IkmError);
    expect(() => achievement(90, -1)).toThrow(IkmError);
  });
});
