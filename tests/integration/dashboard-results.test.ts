/**
 * The dashboard's figures equal the method module's on the same answers, and the counters
 * behind them stay right: verify detects a tampered counter, rebuild repairs it.
 */
import { Types } from 'mongoose';
import { useTestDatabase } from '../support/db';
import { SurveyProfileStats, SurveyStats } from '../../models/survey-stats';
import { Response } from '../../models/response';
import { computeFromAnswers, type Answer } from '../../server/ikm';
import { computeSurveyResults, elementSetOf, rebuildStats, verifyStats } from '../../server/results';
import { makeSurvey, makeUnit, storeAll, storeResponse, type ResponseInput } from './dashboard-fixtures';
import { prng } from '../../server/lib/prng';

useTestDatabase();

function randomInputs(seed: number, count: number): ResponseInput[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  return Array.from({ length: count }, () => ({
    // About one answer in eight left blank; the rest skewed towards 3 and 4.
    scores: Array.from({ length: 9 }, () => (rnd() < 0.12 ? null : pick([1, 2, 3, 3, 3, 4, 4, 4, 4]))),
    month: pick([1, 2, 3, 4, 5, 6]),
    service: pick(['a', 'b']),
    profile: { gender: pick(['l', 'p']), age: pick(['20-29', '30-39', '45']), education: pick(['sma', 's1', 's2']) },
  }));
}

const asAnswers = (i: ResponseInput): Answer[] => i.scores.map((s) => (s === null ? null : (s as 1 | 2 | 3 | 4)));

describe('computeSurveyResults', () => {
  test('whole survey from counters: equals computeFromAnswers on the same raw answers, blanks included', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(1, 80);
    inputs.push({ scores: [4, null, null, null, null, null, null, null, null], month: 2, service: 'a' });
    inputs.push({ scores: Array(9).fill(null), month: 2, service: 'a' }); // no answer at all: no respondent
    await storeAll(survey, inputs);

    const r = await computeSurveyResults(survey._id);

    const expected = computeFromAnswers(elementSetOf(survey as never), inputs.map(asAnswers));
    expect(r.source).toBe('counters');
    expect(r.result).toEqual(expected);
    expect(r.respondents).toBe(81);
    expect(r.result!.respondents).toBe(81);
    expect(r.sample).toMatchObject({ population: 1200, required: 291, respondents: 81, adequate: false, shortfall: 210 });
    expect(r.indicator!.target).toBe(80);
    expect(r.indicator!.realization).toBe(expected.scoreRounded);
  });

  test('period and service filter: summed month × service cells equal the method on that subset', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(2, 90);
    await storeAll(survey, inputs);

    const r = await computeSurveyResults(survey._id, { from: { year: 2022, month: 2 }, to: { year: 2022, month: 4 }, service: 'b' });

    const subset = inputs.filter((i) => i.month! >= 2 && i.month! <= 4 && i.service === 'b');
    expect(subset.length).toBeGreaterThan(5);
    expect(r.source).toBe('counters');
    expect(r.result).toEqual(computeFromAnswers(elementSetOf(survey as never), subset.map(asAnswers)));
    expect([...r.services.keys()]).toEqual(['b']);
  });

  test('profile filter: recounted from raw responses, equal to the method on the matching answers', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(3, 70);
    await storeAll(survey, inputs);

    const r = await computeSurveyResults(survey._id, { profile: { gender: 'p', education: 's1' }, service: 'a' });

    const subset = inputs.filter((i) => i.profile!.gender === 'p' && i.profile!.education === 's1' && i.service === 'a');
    expect(subset.length).toBeGreaterThan(2);
    expect(r.source).toBe('responses');
    expect(r.respondents).toBe(subset.filter((i) => i.scores.some((s) => s !== null)).length);
    expect(r.result).toEqual(computeFromAnswers(elementSetOf(survey as never), subset.map(asAnswers)));
    expect(r.profiles.get('gender')).toEqual(new Map([['p', r.respondents]]));
  });

  test('one profile answer: read from its profile cells, equal to the method on the matching answers, with period and service', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(4, 90);
    await storeAll(survey, inputs);
    const group = (a: string) => (a === '45' ? '40-49' : a);

    const byAge = await computeSurveyResults(survey._id, { profile: { age: '40-49' } });
    const narrow = await computeSurveyResults(survey._id, {
      profile: { gender: 'l' },
      service: 'b',
      from: { year: 2022, month: 3 },
      to: { year: 2022, month: 5 },
    });

    const ages = inputs.filter((i) => group(i.profile!.age!) === '40-49');
    const men = inputs.filter((i) => i.profile!.gender === 'l' && i.service === 'b' && i.month! >= 3 && i.month! <= 5);
    expect(ages.length).toBeGreaterThan(5);
    expect(men.length).toBeGreaterThan(3);
    expect(byAge.source).toBe('counters');
    expect(byAge.result).toEqual(computeFromAnswers(elementSetOf(survey as never), ages.map(asAnswers)));
    expect(byAge.profiles.get('age')).toEqual(new Map([['40-49', byAge.respondents]]));
    expect(narrow.source).toBe('counters');
    expect(narrow.result).toEqual(computeFromAnswers(elementSetOf(survey as never), men.map(asAnswers)));
    expect((await verifyStats(survey._id)).ok).toBe(true);
  });

  test('profile cells missing or wrong (before the upgrade reconcile): the filter recounts; verify reports them; rebuild restores them', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(6, 40);
    await storeAll(survey, inputs);
    const good = await computeSurveyResults(survey._id, { profile: { gender: 'p' } });
    await SurveyProfileStats.collection.deleteMany({ surveyId: survey._id, profile: 'gender=p' });

    const fallback = await computeSurveyResults(survey._id, { profile: { gender: 'p' } });
    const verify = await verifyStats(survey._id);
    await rebuildStats(survey._id);
    const after = await computeSurveyResults(survey._id, { profile: { gender: 'p' } });

    expect(good.source).toBe('counters');
    expect(fallback.source).toBe('responses');
    expect(fallback.result).toEqual(good.result);
    expect(verify.ok).toBe(false);
    expect(verify.differences.every((d) => d.bucket.startsWith('pcell:gender=p:'))).toBe(true);
    expect(after.source).toBe('counters');
    expect(after.result).toEqual(good.result);
    expect((await verifyStats(survey._id)).ok).toBe(true);
  });

  test('profile counts: ages in years go into the standard age group', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    await storeResponse(survey, { scores: Array(9).fill(4), profile: { age: '45', gender: 'l' } });
    await storeResponse(survey, { scores: Array(9).fill(3), profile: { age: '40-49' } });
    await storeResponse(survey, { scores: Array(9).fill(3), profile: { age: '19' } });

    const r = await computeSurveyResults(survey._id);

    expect(r.profiles.get('age')).toEqual(
      new Map([
        ['40-49', 2],
        ['u20', 1],
      ]),
    );
    expect(r.profiles.get('gender')).toEqual(new Map([['l', 1]]));
  });

  test('no responses: no result, the reason given, sample shortfall is the whole sample', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);

    const r = await computeSurveyResults(survey._id);

    expect(r.result).toBeNull();
    expect(r.problem).toBe('no-answers');
    expect(r.indicator).toBeNull();
    expect(r.sample!.shortfall).toBe(291);
  });
});

describe('counters: verifyStats and rebuildStats', () => {
  test('responses stored concurrently keep the counters equal to a recount', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(4, 40);

    await Promise.all(inputs.map((i) => storeResponse(survey, i)));

    const report = await verifyStats(survey._id);
    expect(report.differences).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.buckets).toBeGreaterThan(1);
  });

  test('a tampered counter is reported with bucket, field, expected and actual; rebuild repairs it', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const inputs = randomInputs(5, 30);
    await storeAll(survey, inputs);
    const before = await computeSurveyResults(survey._id);
    const stored = await SurveyStats.findOne({ surveyId: survey._id, bucket: 'all' }).lean();
    const actualS4 = (stored!.c as Record<string, { s4?: number }>).persyaratan!.s4 ?? 0;
    await SurveyStats.collection.updateOne({ surveyId: survey._id, bucket: 'all' }, { $inc: { 'c.persyaratan.s4': 5, respondents: 1 } });

    const tampered = await verifyStats(survey._id);

    expect(tampered.ok).toBe(false);
    expect(tampered.differences).toEqual(
      expect.arrayContaining([
        { bucket: 'all', field: 'c.persyaratan.s4', expected: actualS4, actual: actualS4 + 5 },
        { bucket: 'all', field: 'respondents', expected: 30 - inputs.filter((i) => i.scores.every((s) => s === null)).length, actual: expect.any(Number) },
      ]),
    );
    expect(tampered.differences).toHaveLength(2);
    const broken = await computeSurveyResults(survey._id);
    expect(broken.result).toBeNull();
    expect(broken.problem).toBe('invalid-count');

    const rebuilt = await rebuildStats(survey._id);

    expect(rebuilt.respondents).toBe(before.respondents);
    expect((await verifyStats(survey._id)).ok).toBe(true);
    expect((await computeSurveyResults(survey._id)).result).toEqual(before.result);
  });

  test('a response deleted behind the counters is detected (expected lower than stored)', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    await storeResponse(survey, { scores: Array(9).fill(4), month: 3, service: 'a' });
    const gone = await storeResponse(survey, { scores: Array(9).fill(2), month: 3, service: 'a' });
    await Response.deleteOne({ _id: gone._id });

    const report = await verifyStats(survey._id);

    expect(report.ok).toBe(false);
    expect(report.differences).toContainEqual({ bucket: 'cell:2022-03:a', field: 'c.persyaratan.s2', expected: 0, actual: 1 });
    await rebuildStats(survey._id);
    expect((await verifyStats(survey._id)).ok).toBe(true);
  });
});

describe('unitDashboard', () => {
  test('a unit with its sub-units: surveys combined by summing counts equal the method on all their answers', async () => {
    const { unitDashboard } = await import('../../server/features/dashboard/dashboard.service');
    const parent = await makeUnit('Induk');
    const child = await makeUnit('Anak', parent);
    const elsewhere = await makeUnit('Lain');
    const a = await makeSurvey(parent);
    const b = await makeSurvey(child, { period: { year: 2023 } });
    const c = await makeSurvey(elsewhere);
    const inA = randomInputs(6, 25);
    const inB = randomInputs(7, 20).map((i) => ({ ...i, year: 2023 }));
    await storeAll(a, inA);
    await storeAll(b, inB);
    await storeResponse(c, { scores: Array(9).fill(1) });
    const admin = { id: String(new Types.ObjectId()), email: 'a@example.go.id', name: 'A', role: 'admin' as const, unitId: null, mustChangePassword: false };

    const d = await unitDashboard(admin, { unit: String(parent._id) });

    const set = elementSetOf(a as never);
    expect(d.surveys.map((s) => String(s.survey._id)).sort()).toEqual([String(a._id), String(b._id)].sort());
    expect(d.combinable).toBe(true);
    expect(d.combined!.result).toEqual(computeFromAnswers(set, [...inA, ...inB].map(asAnswers)));
    expect(d.byYear.map((y) => y.year)).toEqual([2022, 2023]);
    expect(d.byYear[1]!.result).toEqual(computeFromAnswers(set, inB.map(asAnswers)));
    expect(d.byUnit.map((u) => u.unit.name).sort()).toEqual(['Anak', 'Induk']);
  });
});
