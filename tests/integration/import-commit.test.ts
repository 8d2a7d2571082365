/**
 * Issue 10, item 3 (the import half): the import commit either completes or rolls back.
 * - A row whose key is already held by another response (a squatted key) stops the import:
 *   every row this batch stored is removed again, no counter moves, the batch returns to draft.
 * - An attempt that died while inserting is resumed by the next one (after the lease): each row
 *   is stored exactly once and counted exactly once.
 * - An attempt that died while counting is completed from the raw responses.
 * The dead attempts are reproduced by writing exactly what the first attempt had written.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs, type LoggedInAgent } from '../support/auth';
import { Response } from '../../models/response';
import { ImportBatch } from '../../models/import-batch';
import { Survey } from '../../models/survey';
import type { CurrentUser } from '../../server/access';
import { computeFromAnswers, type Answer } from '../../server/ikm';
import { prng } from '../../server/lib/prng';
import { elementSetOf } from '../../server/features/surveys/elements';
import { computeSurveyResults } from '../../server/features/results/results.service';
import { verifyStats } from '../../server/features/dashboard/stats.service';
import { batchResponses, commitBatch, IMPORT_LEASE_MS, previewBatch } from '../../server/features/import/import.service';
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
  expect((await Survey.findById(survey._id).lean())!.responseCount).toBe(answers.length);
}

describe('import commit: completes or rolls back (issue 10, item 3)', () => {
  test('a row key already held by another response: the import is rolled back, nothing counted; after that it can be imported', async () => {
    const answers = rows(12, 21);
    const { survey, session, batchId, url } = await setup(answers);
    // Someone else's response holds the key of row 5 (the file's 4th data row).
    const squatter = await Response.create({
      surveyId: survey._id,
      unitId: survey.unitId,
      year: 2022,
      semester: 1,
      quarter: 1,
      month: 1,
      answers: [],
      submittedAt: new Date(),
      idempotencyKey: `import-${batchId}-5`,
      contentHash: 'x',
    });

    const res = await session.agent
      .post(`${url}/commit`)
      .type('form')
      .send({ _csrf: await session.csrf() });

    expect(res.status).toBe(409);
    expect(res.text).toContain('Tidak ada yang diimpor');
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(1); // only the other response
    expect((await ImportBatch.findById(batchId).lean())!.status).toBe('draft');
    expect((await verifyStats(survey._id)).ok).toBe(true);
    expect((await Survey.findById(survey._id).lean())!.responseCount ?? 0).toBe(0);

    await Response.deleteOne({ _id: squatter._id });
    const again = await session.agent
      .post(`${url}/commit`)
      .type('form')
      .send({ _csrf: await session.csrf() });
    expect(again.status).toBe(303);
    await expectExactly(survey, answers);
  });

  test('an attempt that died half-way through the inserts is resumed after the lease: every row once, counted once', async () => {
    const answers = rows(30, 22);
    const { survey, user, batchId } = await setup(answers);
    const t0 = new Date('2030-01-01T00:00:00Z');
    // What the first attempt had done before dying: claimed the batch, stored 13 rows.
    const p = await previewBatch(user, String(survey._id), batchId);
    await Response.insertMany(batchResponses(batchId, survey, p.check.valid).slice(0, 13));
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

  test('an attempt that died while counting is completed from the raw responses, without counting twice', async () => {
    const answers = rows(17, 23);
    const { survey, user, batchId } = await setup(answers);
    const t0 = new Date('2030-01-01T00:00:00Z');
    const p = await previewBatch(user, String(survey._id), batchId);
    await Response.insertMany(batchResponses(batchId, survey, p.check.valid));
    await ImportBatch.updateOne({ _id: batchId }, { $set: { status: 'counting', importingSince: t0 } });

    await commitBatch(user, String(survey._id), batchId, false, new Date(t0.getTime() + IMPORT_LEASE_MS + 1));

    expect((await ImportBatch.findById(batchId).lean())!.status).toBe('imported');
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
