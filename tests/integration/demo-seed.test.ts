/**
 * The demo story: the 2022 stakeholder survey of Direktorat Pemberdayaan Kelompok Rentan comes
 * out at 92,26 (A, Sangat Baik) against IKK 3.1 target 90 → capaian 102,51%, with courtesy of
 * staff and freedom from levies the two highest elements — computed by server/ikm from the
 * stored responses, never hard-coded.
 */
import { responseCount } from '../../server/features/surveys/surveys.service';
import { useTestDatabase } from '../support/db';
import { testApp, testConfig } from '../support/app';
import { Survey, type SurveyDoc } from '../../models/survey';
import { Response } from '../../models/response';
import { Unit } from '../../models/unit';
import { computeFromAnswers, type Answer } from '../../server/ikm';
import { formatNumber } from '../../server/i18n/format';
import { computeSurveyResults, elementSetOf, verifyStats } from '../../server/results';
import { DEMO_SURVEY_2021_SLUG, DEMO_SURVEY_SLUG, seedDemo } from '../../server/features/demo/seed';
import { createUser, loginAs } from '../support/auth';
import { seedAndPublishDemo } from '../support/demo';

useTestDatabase();

const lines: string[] = [];

beforeAll(async () => {
  // seedDemo itself; the run's other demo files copy what it stored (tests/support/demo.ts).
  const created = await seedAndPublishDemo((l) => lines.push(l));
  expect(created).toBe(true);
}, 120_000);

test('seedDemo: the 2022 index is 92,26, grade A (Sangat Baik), capaian 102,51% against target 90', async () => {
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>();

  const r = await computeSurveyResults(survey!._id);

  expect(r.respondents).toBe(1250);
  expect(r.result!.scoreRounded).toBe(92.26);
  expect(formatNumber(r.result!.score, 2, 'id')).toBe('92,26');
  expect(r.result!.grade).toBe('A');
  expect(r.result!.performance).toBe('sangat-baik');
  expect(r.indicator).toMatchObject({ code: 'IKK 3.1', target: 90, realization: 92.26 });
  expect(r.indicator!.achievement.display).toBe(102.51);
  expect(r.sample).toMatchObject({ population: 1800, required: 317, adequate: true });
});

test('seedDemo: courtesy of staff and freedom from levies are the two highest elements', async () => {
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>();

  const r = await computeSurveyResults(survey!._id);

  const ranked = [...r.result!.elements].sort((a, b) => b.nrr - a.nrr).map((e) => e.key);
  expect(ranked.slice(0, 2).sort()).toEqual(['bebas-pungutan', 'keramahan']);
  expect(r.result!.highest).toEqual(['bebas-pungutan']);
  expect(r.result!.lowest).toEqual(['pengaduan']);
});

test('seedDemo: the counters equal a recomputation from the raw stored answers', async () => {
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>();
  const raw = await Response.find({ surveyId: survey!._id }, { answers: 1 }).lean();
  const set = elementSetOf(survey as never);
  const rows = raw.map((resp) => set.elements.map((e): Answer => (resp.answers.find((a) => a.k === e.key)?.v ?? null) as Answer));

  const r = await computeSurveyResults(survey!._id);

  expect(r.result).toEqual(computeFromAnswers(set, rows));
  expect((await verifyStats(survey!._id)).ok).toBe(true);
});

test('seedDemo: varied services, months and profiles; a 2021 period for the trend; deterministic', async () => {
  const s2022 = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>();
  const s2021 = await Survey.findOne({ slug: DEMO_SURVEY_2021_SLUG }).lean<SurveyDoc>();

  const r = await computeSurveyResults(s2022!._id);
  const r2021 = await computeSurveyResults(s2021!._id);

  expect([...r.services.keys()].sort()).toEqual(['bimtek', 'data', 'konsultasi']);
  expect(new Set(r.cells.map((c) => c.month)).size).toBeGreaterThanOrEqual(10);
  expect([...r.profiles.get('gender')!.keys()].sort()).toEqual(['l', 'p']);
  expect(r.profiles.get('education')!.size).toBeGreaterThanOrEqual(4);
  expect(r2021.respondents).toBe(1000);
  expect(r2021.result!.scoreRounded).toBe(88.9);
  expect(r2021.result!.scoreRounded).toBeLessThan(r.result!.scoreRounded);
  expect(await Response.collection.countDocuments({ surveyId: s2022!._id, suggestion: { $ne: '' } })).toBeGreaterThan(50);
  expect(await responseCount(s2022!._id)).toBe(1250);
  expect(await seedDemo({ config: testConfig(), log: () => undefined })).toBe(false);
  expect(await Unit.countDocuments()).toBe(1);
});

test('the demo dashboard page shows 92,26, A (Sangat Baik), target 90 and capaian 102,51%', async () => {
  const app = testApp();
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>();
  const admin = await createUser('admin');
  const { agent } = await loginAs(app, admin.email);

  const res = await agent.get(`/admin/surveys/${survey!._id}/dashboard`);

  expect(res.status).toBe(200);
  expect(res.text).toContain('data-testid="ikm">92,26<');
  expect(res.text).toContain('data-testid="grade">A (Sangat Baik)<');
  expect(res.text).toContain('data-testid="achievement">102,51%<');
  expect(res.text).toContain('<strong>90,00</strong>');
  expect(res.text).toContain('Survei Kepuasan Stakeholder 2021'); // the trend across periods
});
