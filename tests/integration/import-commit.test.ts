/**
 * Issue 10, item 3 (the import half): the import commit either completes or rolls back, and no
 * client can break it.
 * - A form response whose client key equals an import row's key takes nothing from the import:
 *   keys are scoped per survey and source by the response pipeline.
 * - An attempt that died half-way through storing is taken over after the lease, and a commit
 *   retried after a failure completes the batch: each row is stored and counted exactly once.
 * The dead attempt is reproduced by storing exactly what the first attempt had stored.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs, type LoggedInAgent } from '../support/auth';
import { Response } from '../../models/response';
import { ImportBatch } from '../../models/import-batch';
import type { CurrentUser } from '../../server/access';
import { computeFromAnswers, type Answer } from '../../server/ikm';
import { prng } from '../../server/lib/prng';
import { storeResponse, storeResponses } from '../../server/responses';
import { computeSurveyResults, elementSetOf, verifyStats } from '../../server/results';
import { responseCount } from '../../server/features/surveys/surveys.service';
import { commitBatch, IMPORT_LEASE_MS, importResponses, previewBatch } from '../../server/features/import/import.service';
import { makeSurvey, makeUnit } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

function rows(n: number, seed: number): Answer[][] {
  const r = prng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 9 }, () => (1 + Math.floor(r() * 4)) as Answer));
}

const csvOf = (answers: Answer[][]) => Buffer.from(['U1,U2,U3,U4,U5,U6,U7,U8,U9', ...answers.map((a) => a.join(','))].join('\n'));

async function setup(answers: Answer[][]) {
  const unit = await makeUnit();
  const survey = await makeSurvey(unit);
  const doc = await createUser('unit-manager', unit._id);
  const session: LoggedInAgent = await loginAs(app, doc.email);
  const user: CurrentUser = { id: String(doc._id), email: doc.email, name: doc.name, role: doc.role, unitId: doc.unitId ?? null, mustChangePassword: false };
  const page = await session.agent.get(`/admin/surveys/${String(survey._id)}/import`);
  const up = await session.agent
    .post(`/admin/surveys/${String(survey._id)}/import`)
    .field('_csrf', csrfFrom(page.text))
    .attach('file', csvOf(answers), 'jawaban.csv');
  expect(up.status).toBe(303);
  const batchId = up.headers.location!.split('/').pop()!;
  return { survey, session, user, batchId, url: up.headers.location! };
}

async function expectExactly(survey: Awaited<ReturnType<typeof makeSurvey>>, answers: Answer[][]): Promise<void> {
  expect(await Response.countDocuments({ surveyId: survey._id })).toBe(answers.length);
  expect((await computeSurveyResults(survey._id)).result).toEqual(computeFromAnswers(elementSetOf(survey as never), answers));
  expect((await verifyStats(survey._id)).ok).toBe(true);
  expect(await responseCount(survey._id)).toBe(answers.length);
}

describe('import commit: completes or rolls back (issue 10, item 3)', () => {
  test('a form response sent with the same key as an import row takes nothing from the import', async () => {
    const answers = rows(12, 21);
    const { survey, session, user, batchId, url } = await setup(answers);
    const p = await previewBatch(user, String(survey._id), batchId);
    const key = importResponses(batchId, p.check.valid)[3]!.key;
    const squat = await storeResponse(survey, 'form', {
      key,
      submittedAt: new Date(Date.UTC(2022, 0, 5)),
      service: '',
      answers: [{ k: 'persyaratan', v: 1 }],
      profile: {},
      suggestion: '',
      source: 'web',
    });
    expect(squat.outcome).toBe('stored');
    await squat.counted;

    const res = await session.agent
      .post(`${url}/commit`)
      .type('form')
      .send({ _csrf: await session.csrf() });

    expect(res.status).toBe(303);
    expect(await Response.countDocuments({ surveyId: survey._id, source: 'import' })).toBe(12);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(13);
    expect((await verifyStats(survey._id)).ok).toBe(true);
    expect((await computeSurveyResults(survey._id)).result).toEqual(
      computeFromAnswers(elementSetOf(survey as never), [...answers, [1, null, null, null, null, null, null, null, null]]),
    );
  });

  test('an attempt that died half-way is taken over after the lease: every row stored once, counted once', async () => {
    const answers = rows(30, 22);
    const { survey, user, batchId } = await setup(answers);
    const t0 = new Date('2030-01-01T00:00:00Z');
    // What the first attempt had done before dying: claimed the batch, stored 13 rows.
    const p = await previewBatch(user, String(survey._id), batchId);
    await storeResponses(survey, 'import', importResponses(batchId, p.check.valid).slice(0, 13));
    await ImportBatch.updateOne({ _id: batchId }, { $set: { status: 'importing', importingSince: t0 } });

    await expect(commitBatch(user, String(survey._id), batchId, false, new Date(t0.getTime() + 60_000))).rejects.toMatchObject({
      status: 409,
      messageKey: 'imp.inProgress',
    });
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(13);

    const done = await commitBatch(user, String(survey._id), batchId, false, new Date(t0.getTime() + IMPORT_LEASE_MS + 1));

    expect(done.imported).toBe(30);
    expect((await ImportBatch.findById(batchId).lean())!.status).toBe('imported');
    await expectExactly(survey, answers);
    await expect(commitBatch(user, String(survey._id), batchId, false, new Date(t0.getTime() + 2 * IMPORT_LEASE_MS))).rejects.toMatchObject({ status: 409 });
  });

  test('a commit retried after a failure (batch back in draft, some rows stored) completes the batch without doubling', async () => {
    const answers = rows(17, 23);
    const { survey, session, user, batchId, url } = await setup(answers);
    const p = await previewBatch(user, String(survey._id), batchId);
    await storeResponses(survey, 'import', importResponses(batchId, p.check.valid).slice(0, 9));

    const res = await session.agent
      .post(`${url}/commit`)
      .type('form')
      .send({ _csrf: await session.csrf() });

    expect(res.status).toBe(303);
    await expectExactly(survey, answers);
  });

  test('batch ids are 128 random bits; an ObjectId-shaped or unknown id is "expired"', async () => {
    const { survey, session, batchId } = await setup(rows(2, 24));

    expect(batchId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const other = await ImportBatch.create({ _id: undefined, surveyId: survey._id, createdBy: survey.unitId, layout: 'scores', expiresAt: new Date() });
    expect(String(other._id)).not.toBe(batchId);
    expect(String(other._id).slice(0, 6)).not.toBe(batchId.slice(0, 6));
    const res = await session.agent.get(`/admin/surveys/${String(survey._id)}/import/${String(survey._id)}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('kedaluwarsa');
  });
});
