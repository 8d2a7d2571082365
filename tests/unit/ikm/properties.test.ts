import fc from 'fast-check';
import {
  computeFromAnswers,
  computeFromCounts,
  genericElementSet,
  getTemplate,
  TEMPLATE_IDS,
  type Answer,
  type IkmResult,
  type Score,
} from '../../../server/ikm';
import { countsFromRows } from '../../fixtures/ikm/builders';

const score = fc.integer({ min: 1, max: 4 }) as fc.Arbitrary<Score>;
const answer: fc.Arbitrary<Answer> = fc.option(score, { nil: null, freq: 4 });

/** k in 1..14 and respondent rows; the first row is complete so every element has an answer. */
const survey = fc
  .integer({ min: 1, max: 14 })
  .chain((k) =>
    fc
      .tuple(fc.constant(k), fc.array(score, { minLength: k, maxLength: k }), fc.array(fc.array(answer, { minLength: k, maxLength: k }), { maxLength: 30 }))
      .map(([k2, first, rest]) => ({ k: k2, rows: [first as Answer[], ...rest] })),
  );

/** The figures that must not depend on order or on how many copies of the sample there are. */
function essentials(r: IkmResult) {
  return {
    ikm: r.ikm,
    score: r.score,
    grade: r.grade,
    nrr: r.elements.map((e) => e.nrr),
    highest: r.highest,
    lowest: r.lowest,
  };
}

describe('IKM properties (fast-check)', () => {
  it('all answers 4 give 100 and grade A, on every template', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATE_IDS), fc.integer({ min: 1, max: 50 }), (id, n) => {
        const set = getTemplate(id);
        const r = computeFromAnswers(
          set,
          Array.from({ length: n }, () => set.elements.map((): Answer => 4)),
        );
        return r.score === 100 && r.ikm === 4 && r.grade === 'A' && r.performance === 'sangat-baik';
      }),
    );
  });

  it('all answers 1 give 25 and grade D, on every template', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATE_IDS), fc.integer({ min: 1, max: 50 }), (id, n) => {
        const set = getTemplate(id);
        const r = computeFromAnswers(
          set,
          Array.from({ length: n }, () => set.elements.map((): Answer => 1)),
        );
        return r.score === 25 && r.grade === 'D' && r.performance === 'tidak-baik';
      }),
    );
  });

  it('permuting respondents changes nothing', () => {
    fc.assert(
      fc.property(
        survey.chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.rows, { minLength: s.rows.length, maxLength: s.rows.length }))),
        ([s, shuffled]) => {
          const set = genericElementSet(s.k);
          expect(computeFromAnswers(set, shuffled)).toEqual(computeFromAnswers(set, s.rows));
        },
      ),
    );
  });

  it('duplicating every respondent changes no score, grade or NRR', () => {
    fc.assert(
      fc.property(survey, fc.integer({ min: 2, max: 4 }), (s, copies) => {
        const set = genericElementSet(s.k);
        const once = computeFromAnswers(set, s.rows);
        const many = computeFromAnswers(set, Array.from({ length: copies }, () => s.rows).flat());
        expect(essentials(many)).toEqual(essentials(once));
        expect(many.respondents).toBe(once.respondents * copies);
      }),
    );
  });

  it('counts-based and answers-based computation agree', () => {
    fc.assert(
      fc.property(survey, fc.constantFrom<Record<string, number>>({}, { weightDecimals: 3 }, { nrrDecimals: 2 }, { weightedDecimals: 3 }), (s, options) => {
        const set = genericElementSet(s.k);
        const fromAnswers = computeFromAnswers(set, s.rows, options);
        const nonBlank = s.rows.filter((r) => r.some((a) => a !== null));
        const complete = s.rows.filter((r) => r.every((a) => a !== null)).length;
        const fromCounts = computeFromCounts(set, countsFromRows(s.rows, s.k), {
          ...options,
          respondents: nonBlank.length,
          completeRespondents: complete,
        });
        expect(fromCounts).toEqual(fromAnswers);
      }),
    );
  });

  it('the score never falls when one answer is raised', () => {
    fc.assert(
      fc.property(survey, fc.nat(), fc.nat(), (s, ri, ji) => {
        const set = genericElementSet(s.k);
        const i = ri % s.rows.length;
        const j = ji % s.k;
        const a = s.rows[i]![j];
        fc.pre(a !== null && a !== undefined && a < 4);
        const raised = s.rows.map((row, x) => (x === i ? row.map((v, y) => (y === j ? (((a as number) + 1) as Score) : v)) : row));
        const before = computeFromAnswers(set, s.rows);
        const after = computeFromAnswers(set, raised);
        expect(after.score).toBeGreaterThan(before.score);
        expect(after.scoreRounded).toBeGreaterThanOrEqual(before.scoreRounded);
        expect('ABCD'.indexOf(after.grade)).toBeLessThanOrEqual('ABCD'.indexOf(before.grade));
      }),
    );
  });

  it('a blank does not count as zero: each NRR is the mean of the answers actually given', () => {
    fc.assert(
      fc.property(survey, (s) => {
        const r = computeFromAnswers(genericElementSet(s.k), s.rows);
        r.elements.forEach((e, j) => {
          const given = s.rows.map((row) => row[j]).filter((a): a is Score => a !== null && a !== undefined);
          expect(e.answered).toBe(given.length);
          expect(e.total).toBe(given.reduce((x, y) => x + y, 0));
          expect(e.nrr).toBeGreaterThanOrEqual(1);
        });
      }),
    );
  });

  it('a respondent who skips an element leaves that element unchanged', () => {
    fc.assert(
      fc.property(survey, fc.array(score, { minLength: 1, maxLength: 1 }), (s, [only]) => {
        fc.pre(s.k >= 2);
        const set = genericElementSet(s.k);
        const before = computeFromAnswers(set, s.rows);
        const partial: Answer[] = Array.from({ length: s.k }, (_, j) => (j === 0 ? only! : null));
        const after = computeFromAnswers(set, [...s.rows, partial]);
        expect(after.elements.slice(1).map((e) => e.nrr)).toEqual(before.elements.slice(1).map((e) => e.nrr));
      }),
    );
  });
});
