import { IkmError, krejcieMorgan, krejcieMorganExact, sampleAdequacy } from '../../../server/ikm';

/** Every row of the Krejcie–Morgan table as printed in reference 2.7 (N → S). */
const TABLE: readonly [number, number][] = [
  [10, 10],
  [15, 14],
  [20, 19],
  [25, 24],
  [30, 28],
  [35, 32],
  [40, 36],
  [45, 40],
  [50, 44],
  [55, 48],
  [60, 52],
  [65, 56],
  [70, 59],
  [75, 63],
  [80, 66],
  [85, 70],
  [90, 73],
  [95, 76],
  [100, 80],
  [110, 86],
  [120, 92],
  [130, 97],
  [140, 103],
  [150, 108],
  [160, 113],
  [170, 118],
  [180, 123],
  [190, 127],
  [200, 132],
  [210, 136],
  [220, 140],
  [230, 144],
  [240, 148],
  [250, 152],
  [260, 155],
  [270, 159],
  [280, 162],
  [290, 165],
  [300, 169],
  [320, 175],
  [340, 181],
  [360, 186],
  [380, 191],
  [400, 196],
  [420, 201],
  [440, 205],
  [460, 210],
  [480, 214],
  [500, 217],
  [550, 226],
  [600, 234],
  [650, 242],
  [700, 248],
  [750, 254],
  [800, 260],
  [850, 265],
  [900, 269],
  [950, 274],
  [1000, 278],
  [1100, 285],
  [1200, 291],
  [1300, 297],
  [1400, 302],
  [1500, 306],
  [1600, 310],
  [1700, 313],
  [1800, 317],
  [1900, 320],
  [2000, 322],
  [2200, 327],
  [2400, 331],
  [2600, 335],
  [2800, 338],
  [3000, 341],
  [3500, 346],
  [4000, 351],
  [4500, 354],
  [5000, 357],
  [6000, 361],
  [7000, 364],
  [8000, 367],
  [9000, 368],
  [10000, 370],
  [15000, 375],
  [20000, 377],
  [30000, 379],
  [40000, 380],
  [50000, 381],
  [75000, 382],
  [1000000, 384],
];

describe('krejcieMorgan', () => {
  it('has the whole published table to test against', () => {
    expect(TABLE).toHaveLength(90);
  });

  it.each(TABLE)('population %p needs %p respondents', (population, sample) => {
    expect(krejcieMorgan(population)).toBe(sample);
  });

  it('gives 383 for 100 000 (formula 382,63, not a table row)', () => {
    expect(krejcieMorganExact(100000)).toBeCloseTo(382.63, 2);
    expect(krejcieMorgan(100000)).toBe(383);
  });

  it('never asks for more than the population', () => {
    for (let n = 1; n <= 12; n++) expect(krejcieMorgan(n)).toBeLessThanOrEqual(n);
    expect(krejcieMorgan(1)).toBe(1);
    expect(krejcieMorgan(5)).toBe(5);
  });

  it('rejects a population that is not a whole number ≥ 1', () => {
    expect(() => krejcieMorgan(0)).toThrow(IkmError);
    expect(() => krejcieMorgan(12.5)).toThrow(IkmError);
    expect(() => krejcieMorgan(-3)).toThrow(IkmError);
  });
});

describe('sampleAdequacy', () => {
  it('says a survey of 300 is enough for 1 200 users', () => {
    expect(sampleAdequacy(1200, 300)).toEqual({ population: 1200, required: 291, respondents: 300, adequate: true, shortfall: 0 });
  });

  it('reports the shortfall when too few answered', () => {
    expect(sampleAdequacy(1200, 29)).toMatchObject({ required: 291, adequate: false, shortfall: 262 });
  });
});
