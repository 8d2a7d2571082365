import {
  computeFromAnswers,
  computeFromCounts,
  customElementSet,
  genericElementSet,
  getTemplate,
  IkmAccumulator,
  IkmError,
  roundHalfUp,
  scoreFromNrrs,
  type ScoreCounts,
} from '../../../server/ikm';
import { countsForNrr, rowsFromCounts, WORKED_29 } from '../../fixtures/ikm/builders';

const PERMEN = getTemplate('permenpanrb-14-2017');
const KEP25 = getTemplate('kepmenpan-25-2004');

describe('worked check of issue 3: 29 respondents (reference 2.11 example B)', () => {
  it('scores 91.48, grade A, exactly from counts', () => {
    const r = computeFromCounts(PERMEN, WORKED_29);
    expect(r.elements.map((e) => e.total)).toEqual([105, 101, 100, 116, 102, 105, 106, 105, 115]);
    expect(r.elements.every((e) => e.answered === 29)).toBe(true);
    expect(r.score).toBeCloseTo((955 / 261) * 25, 12);
    expect(r.scoreRounded).toBe(91.48);
    expect(roundHalfUp(r.score, 2)).toBe(91.48);
    expect(r.grade).toBe('A');
    expect(r.performance).toBe('sangat-baik');
    expect(roundHalfUp(r.ikm, 4)).toBe(3.659);
    expect(r.respondents).toBe(29);
  });

  it('scores the same from the 29 answer rows', () => {
    const r = computeFromAnswers(PERMEN, rowsFromCounts(WORKED_29));
    expect(r.scoreRounded).toBe(91.48);
    expect(r.completeRespondents).toBe(29);
    expect(r.elements[2]!.distribution).toEqual([0, 2, 12, 15]);
  });

  it('scores 90.56 with the weight rounded to 2 decimals (0.11), the published figure', () => {
    const r = computeFromCounts(PERMEN, WORKED_29, { weightDecimals: 2 });
    expect(r.weight).toBe(0.11);
    expect(r.scoreRounded).toBe(90.56);
    expect(r.grade).toBe('A');
  });

  it('scores 91.38 with weight 0.111 and 91.47 with 0.1111 (reference 2.11)', () => {
    expect(computeFromCounts(PERMEN, WORKED_29, { weightDecimals: 3 }).scoreRounded).toBe(91.38);
    expect(computeFromCounts(PERMEN, WORKED_29, { weightDecimals: 4 }).scoreRounded).toBe(91.47);
  });

  it('reproduces the per-element NRR row of the reference table (4 decimals)', () => {
    const r = computeFromCounts(PERMEN, WORKED_29);
    expect(r.elements.map((e) => roundHalfUp(e.nrr, 4))).toEqual([3.6207, 3.4828, 3.4483, 4, 3.5172, 3.6207, 3.6552, 3.6207, 3.9655]);
    const legacy = computeFromCounts(PERMEN, WORKED_29, { weightDecimals: 3 });
    expect(legacy.elements.map((e) => roundHalfUp(e.weighted, 4))).toEqual([0.4019, 0.3866, 0.3828, 0.444, 0.3904, 0.4019, 0.4057, 0.4019, 0.4402]);
  });

  it('reports highest (U4 Biaya) and lowest (U3 Waktu) elements', () => {
    const r = computeFromCounts(PERMEN, WORKED_29);
    expect(r.highest).toEqual(['biaya']);
    expect(r.lowest).toEqual(['waktu']);
  });

  it('reports ties as ties (U1, U6, U8 all 105)', () => {
    const counts: ScoreCounts[] = [WORKED_29[0]!, WORKED_29[5]!, WORKED_29[7]!];
    const r = computeFromCounts(genericElementSet(3), counts);
    expect(r.highest).toEqual(['u1', 'u2', 'u3']);
    expect(r.lowest).toEqual(['u1', 'u2', 'u3']);
  });
});

describe('legacy rounding options', () => {
  it('rounds each NRR first with nrrDecimals', () => {
    const r = computeFromCounts(PERMEN, WORKED_29, { nrrDecimals: 2 });
    expect(r.elements.map((e) => e.nrr)).toEqual([3.62, 3.48, 3.45, 4, 3.52, 3.62, 3.66, 3.62, 3.97]);
    // Σ = 32.94 → 32.94 / 9 × 25 = 91.5
    expect(r.scoreRounded).toBe(91.5);
  });

  it('rounds each weighted NRR before summing with weightedDecimals', () => {
    const r = computeFromCounts(PERMEN, WORKED_29, { weightDecimals: 3, weightedDecimals: 2 });
    expect(r.elements.map((e) => e.weighted)).toEqual([0.4, 0.39, 0.38, 0.44, 0.39, 0.4, 0.41, 0.4, 0.44]);
    expect(r.ikm).toBe(3.65);
    expect(r.score).toBe(91.25);
  });

  it('caps all-4 answers at 99.90 with weight 0.111 (reference 2.5 caveat)', () => {
    const r = computeFromAnswers(PERMEN, [Array(9).fill(4)], { weightDecimals: 3 });
    expect(r.score).toBe(99.9);
  });

  it('rejects decimals that are not small non-negative integers', () => {
    expect(() => computeFromCounts(PERMEN, WORKED_29, { weightDecimals: -1 })).toThrow(IkmError);
    expect(() => computeFromCounts(PERMEN, WORKED_29, { nrrDecimals: 1.5 })).toThrow(IkmError);
  });
});

describe('KEP/25/2004 example (reference 3.4)', () => {
  const NRRS = [3.06, 2.98, 3.06, 2.9, 3.06, 3.14, 3.04, 3.06, 3.18, 3.08, 3.2, 3.18, 3.1, 3.04];
  const counts = NRRS.map((x) => countsForNrr(x, 50));

  it('rebuilds the printed NRRs from 50 respondents', () => {
    const r = computeFromCounts(KEP25, counts);
    expect(r.elements.map((e) => e.nrr)).toEqual(NRRS);
  });

  it('scores 76.47 (B) with weight 0.071', () => {
    const r = computeFromCounts(KEP25, counts, { weightDecimals: 3 });
    expect(r.weight).toBe(0.071);
    expect(r.scoreRounded).toBe(76.47);
    expect(r.grade).toBe('B');
    expect(scoreFromNrrs(NRRS, { weightDecimals: 3 })).toBeCloseTo(76.467, 10);
  });

  it('scores 76.93 (B) with the exact 1/14, which would be C under 14/2017', () => {
    const r = computeFromCounts(KEP25, counts);
    expect(r.scoreRounded).toBe(76.93);
    expect(r.grade).toBe('B');
    const same = computeFromCounts(customElementSet(KEP25.elements.map((e) => ({ key: e.key, name: e.name }))), counts);
    expect(same.scoreRounded).toBe(76.93);
    expect(same.grade).toBe('B'); // 76.93 ≥ 76.61 under 14/2017 too
  });
});

describe('suggested vectors (reference 2.11)', () => {
  it.each([
    [4, 100, 'A'],
    [3, 75, 'C'],
    [2, 50, 'D'],
    [1, 25, 'D'],
  ] as const)('all answers %p give %p, grade %p', (s, score, grade) => {
    const r = computeFromAnswers(PERMEN, [Array(9).fill(s), Array(9).fill(s)]);
    expect(r.score).toBe(score);
    expect(r.grade).toBe(grade);
  });
});

describe('blanks', () => {
  it('divide an element by its own answers, not by all respondents', () => {
    const set = genericElementSet(2);
    const r = computeFromAnswers(set, [
      [4, 4],
      [4, null],
      [2, null],
    ]);
    expect(r.elements[0]).toMatchObject({ answered: 3, total: 10 });
    expect(r.elements[0]!.nrr).toBeCloseTo(10 / 3, 14);
    expect(r.elements[1]).toMatchObject({ answered: 1, total: 4, nrr: 4, score: 100 });
    expect(r.respondents).toBe(3);
    expect(r.completeRespondents).toBe(1);
  });

  it('skip rows with no answer at all', () => {
    const acc = new IkmAccumulator(2);
    acc.add([null, null]);
    acc.add([3, 4]);
    expect(acc.tally()).toMatchObject({ respondents: 1, blankRows: 1 });
  });

  it('refuse a survey where nobody answered', () => {
    expect(() => computeFromAnswers(PERMEN, [Array(9).fill(null)])).toThrow(expect.objectContaining({ code: 'no-answers' }));
  });

  it('refuse an element nobody answered, naming it', () => {
    const rows = [[4, null, 3]] as const;
    expect(() => computeFromAnswers(genericElementSet(3), rows)).toThrow(expect.objectContaining({ code: 'element-unanswered', element: 1 }));
  });
});

describe('input checks', () => {
  it('refuse a score outside 1–4 or not an integer', () => {
    const acc = new IkmAccumulator(2);
    expect(() => acc.add([5 as never, 1])).toThrow(expect.objectContaining({ code: 'invalid-score', element: 0 }));
    expect(() => acc.add([1, 2.5 as never])).toThrow(expect.objectContaining({ code: 'invalid-score', element: 1 }));
    expect(acc.tally().respondents).toBe(0);
  });

  it('refuse a row of the wrong length', () => {
    expect(() => computeFromAnswers(PERMEN, [[4, 4]])).toThrow(expect.objectContaining({ code: 'element-count-mismatch' }));
  });

  it('refuse counts that are negative or fewer respondents than answers', () => {
    expect(() => computeFromCounts(genericElementSet(1), [[-1, 0, 0, 1]])).toThrow(expect.objectContaining({ code: 'invalid-count' }));
    expect(() => computeFromCounts(genericElementSet(1), [[0, 0, 0, 3]], { respondents: 2 })).toThrow(expect.objectContaining({ code: 'invalid-count' }));
  });

  it('keep the respondent numbers given with counts', () => {
    const r = computeFromCounts(
      genericElementSet(2),
      [
        [0, 0, 1, 2],
        [0, 0, 0, 2],
      ],
      { respondents: 4, completeRespondents: 2 },
    );
    expect(r).toMatchObject({ respondents: 4, completeRespondents: 2 });
    expect(computeFromCounts(genericElementSet(1), [[0, 0, 0, 2]]).completeRespondents).toBeNull();
  });
});
