import { roundDecimal, roundHalfUp, toFixedDecimal, truncate } from '../../../server/ikm';

describe('roundHalfUp', () => {
  it.each([
    [1.005, 2, 1.01],
    [92.255, 2, 92.26],
    [88.305, 2, 88.31],
    [88.30499, 2, 88.3],
    [2.675, 2, 2.68],
    [1.0049999, 2, 1],
    [0.5, 0, 1],
    [1.5, 0, 2],
    [2.5, 0, 3],
    [91.47509578544062, 2, 91.48],
    [123456789.125, 2, 123456789.13],
    [987654321.005, 2, 987654321.01],
    [4503599627370.5, 0, 4503599627371],
    [12345678901.235, 2, 12345678901.24],
    [1e-7, 6, 0],
    [5e-7, 6, 0.000001],
  ])('rounds %p to %p decimals as %p', (x, d, expected) => {
    expect(roundHalfUp(x, d)).toBe(expected);
  });

  it('rounds negative ties away from zero, mirroring positives', () => {
    expect(roundHalfUp(-1.005, 2)).toBe(-1.01);
    expect(roundHalfUp(-92.255, 2)).toBe(-92.26);
    expect(roundHalfUp(-0.5, 0)).toBe(-1);
    expect(roundHalfUp(-1.004, 2)).toBe(-1);
  });

  it('disagrees with the naive Math.round(x*100)/100 exactly where that one is wrong', () => {
    expect(Math.round(1.005 * 100) / 100).toBe(1); // the binary double is 1.00499999…
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
  });

  it('rejects bad decimals', () => {
    expect(() => roundHalfUp(1, -1)).toThrow(RangeError);
    expect(() => roundHalfUp(1, 1.5)).toThrow(RangeError);
    expect(() => roundHalfUp(Number.NaN, 2)).toThrow(RangeError);
  });
});

describe('truncate', () => {
  it.each([
    [88.6464, 2, 88.64],
    [112.632, 0, 112],
    [1.009, 2, 1],
    [-1.009, 2, -1],
    [92.26, 2, 92.26],
  ])('cuts %p to %p decimals as %p', (x, d, expected) => {
    expect(truncate(x, d)).toBe(expected);
  });

  it('is roundDecimal in truncate mode', () => {
    expect(roundDecimal(87.769, 2, 'truncate')).toBe(87.76);
    expect(roundDecimal(87.769, 2, 'half-up')).toBe(87.77);
  });
});

describe('toFixedDecimal', () => {
  it.each([
    [1.005, 2, '1.01'],
    [92.255, 2, '92.26'],
    [100, 2, '100.00'],
    [0.125, 2, '0.13'],
    [-0.004, 2, '0.00'],
    [-2.5, 0, '-3'],
    [1e21, 1, '1000000000000000000000.0'],
    [1e-7, 8, '0.00000010'],
  ])('writes %p with %p decimals as %p', (x, d, expected) => {
    expect(toFixedDecimal(x, d)).toBe(expected);
  });

  it('truncates on request', () => {
    expect(toFixedDecimal(88.6464, 2, 'truncate')).toBe('88.64');
  });
});
