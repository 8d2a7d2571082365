/**
 * Responses stored before the response pipeline had a random ObjectId _id (and a unique index on
 * idempotencyKey, now retired). The data migration moves each to the _id its key derives, so a
 * retry of it that arrives after the upgrade is recognised as already stored instead of being
 * stored a second time; the counters stay exact.
 */
import { Types } from 'mongoose';
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { MIGRATIONS } from '../../server/db/migrations';
import { countersIdle, responseId, storeResponse, toResponseDocument, type NewResponse } from '../../server/responses';
import { recordResponsesStats, responseCounts, verifyStats } from '../../server/results';
import { makeSurvey, makeUnit, storeResponse as storeFixture } from './dashboard-fixtures';

useTestDatabase();

const migration = MIGRATIONS.find((m) => m.id === '2026-11-response-derived-ids')!;

function answer(survey: Awaited<ReturnType<typeof makeSurvey>>, key: string, v: number): NewResponse {
  return {
    key,
    submittedAt: new Date(Date.UTC(2022, 2, 15, 3)),
    service: 'a',
    answers: survey.elements.map((e) => ({ k: e.key, v })),
    profile: { gender: 'p' },
    suggestion: 'Lama',
    source: 'web',
  };
}

/** A response as the version before the pipeline stored and counted it: the same fields, a random _id. */
async function storeLegacy(survey: Awaited<ReturnType<typeof makeSurvey>>, r: NewResponse): Promise<Types.ObjectId> {
  const { _id: _derived, ...doc } = toResponseDocument(survey, 'form', r);
  const _id = new Types.ObjectId();
  await Response.collection.insertOne({ _id, ...doc });
  await recordResponsesStats([doc], survey);
  return _id;
}

test('a legacy response is moved to its derived _id: its retry after the upgrade is "already stored", stored once, counters exact', async () => {
  const survey = await makeSurvey(await makeUnit());
  const legacy = answer(survey, 'legacy-key-1', 3);
  const oldId = await storeLegacy(survey, legacy);
  const current = await storeFixture(survey, { scores: [4, 4, 4, 4, 4, 4, 4, 4, 4], month: 3 });

  expect(await migration.run()).toBe(1);

  expect(await Response.collection.findOne({ _id: oldId })).toBeNull();
  const moved = await Response.collection.findOne({ _id: responseId(survey._id, 'form', 'legacy-key-1') });
  expect(moved).toMatchObject({ surveyId: survey._id, idempotencyKey: 'legacy-key-1', suggestion: 'Lama', source: 'web' });
  expect(await Response.collection.findOne({ _id: current._id })).not.toBeNull(); // a current response is left alone

  // The respondent's browser sends the same form again after the upgrade.
  const retry = await storeResponse(survey, 'form', { ...legacy, submittedAt: new Date(Date.UTC(2022, 2, 15, 4)) });
  expect(retry.outcome).toBe('already-stored');
  // Other answers under that key are still refused as a reused key.
  expect((await storeResponse(survey, 'form', answer(survey, 'legacy-key-1', 1))).outcome).toBe('key-reused');
  await countersIdle();
  expect(await Response.countDocuments({ surveyId: survey._id })).toBe(2);
  expect((await responseCounts([survey._id])).get(String(survey._id))).toBe(2);
  expect((await verifyStats(survey._id)).ok).toBe(true);

  expect(await migration.run()).toBe(0); // a second start changes nothing
});

test('interrupted after the copy and before deleting the old one: running it again leaves one response', async () => {
  const survey = await makeSurvey(await makeUnit());
  const legacy = answer(survey, 'legacy-key-2', 2);
  const oldId = await storeLegacy(survey, legacy);
  const { _id: _drop, ...copy } = (await Response.collection.findOne({ _id: oldId }))!;
  await Response.collection.insertOne({ ...copy, _id: responseId(survey._id, 'form', 'legacy-key-2') }); // the copy made before the crash

  expect(await migration.run()).toBe(1);
  expect(await Response.countDocuments({ surveyId: survey._id })).toBe(1);
  expect((await verifyStats(survey._id)).ok).toBe(true);
});
