/**
 * Counting stays exactly once when the database applies a write but its acknowledgement is lost,
 * or drops a connection between two steps of a batch (issue 14, item 4: a database kill under
 * load counted a batch twice). The database is real; a TCP proxy between the app code and it
 * (tests/support/faults.ts WireProxy) drops the connection at a chosen command, before it is
 * applied or after it was applied and before its reply.
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase } from '../../server/db/connection';
import { syncAllIndexes } from '../../server/db/indexes';
import '../../server/models';
import { CountingOutbox } from '../../models/counting-outbox';
import { SurveyStats } from '../../models/survey-stats';
import { countersIdle, storeResponse } from '../../server/responses';
import { countedShards, loadCounters, verifyStats } from '../../server/results';
import { testDatabaseUri } from '../support/db';
import { WireProxy, waitFor, type WireCommand } from '../support/faults';
import { answersOf, makeSurvey } from './survey-form.helpers';

jest.setTimeout(60_000);

let proxy: WireProxy;
const dbName = `skm_test_${crypto.randomBytes(5).toString('hex')}`;

beforeAll(async () => {
  proxy = await WireProxy.start(testDatabaseUri());
  await connectDatabase({ uri: proxy.uri(testDatabaseUri()), dbName });
  await syncAllIndexes();
});

afterAll(async () => {
  await proxy.stop();
  await mongoose.connect(testDatabaseUri(), { dbName }).catch(() => undefined);
  await mongoose.connection.dropDatabase().catch(() => undefined);
  await mongoose.disconnect();
});

/** A respondent's retries after a failed submission (up to 5). */
async function retried<T>(f: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await f();
    } catch (e) {
      if (i >= 4) throw e;
    }
  }
}

const on = (name: string, collection: string) => (c: WireCommand) => c.name === name && c.collection === collection;

async function counted(surveyId: mongoose.Types.ObjectId) {
  await countersIdle();
  const [all] = await loadCounters(surveyId, { bucket: 'all' });
  return { responses: all?.responses ?? 0, respondents: all?.respondents ?? 0 };
}

test("the batch is counted, then its outbox entry's delete fails: the entry is cleared later and the batch is not counted again", async () => {
  const survey = await makeSurvey();
  const fault = proxy.arm(on('delete', CountingOutbox.collection.collectionName), 'drop-before');
  const results = await Promise.all([0, 1, 2].map((i) => storeResponse(survey, 'form', answersOf(survey, i))));
  expect(results.map((r) => r.outcome)).toEqual(['stored', 'stored', 'stored']);
  // The counting of the batch fails at its last step (clearing the outbox entry).
  await expect(Promise.all(results.map((r) => r.counted))).rejects.toThrow();
  fault.disarm();
  expect(fault.count()).toBeGreaterThan(0);
  // The pipeline resolves the entry again until it is gone.
  expect(await waitFor(async () => (await CountingOutbox.countDocuments({})) === 0, 30_000)).toBe(true);
  expect(await counted(survey._id)).toEqual({ responses: 3, respondents: 3 });
  expect((await verifyStats(survey._id)).ok).toBe(true);
});

test('a shard write is applied but its acknowledgement is lost, and more arrives before the retry: every response counted once', async () => {
  const survey = await makeSurvey();
  const fault = proxy.arm(on('update', SurveyStats.collection.collectionName), 'drop-reply');
  const a = await storeResponse(survey, 'form', answersOf(survey, 1));
  await fault.fired; // A's shard write is applied; its reply never arrives
  fault.disarm();
  // B's increment waits with A's retry. The dropped connection clears the driver's pool, which
  // fails whatever waited for a connection then (B's insert, at times): B's respondent retries.
  const b = await retried(() => storeResponse(survey, 'form', answersOf(survey, 2)));
  // The dropped connection clears the driver's pool, so another write in flight at that moment (a
  // profile cell's) may fail too and be left to the outbox: wait until the outbox is resolved.
  await Promise.allSettled([a.counted, b.counted]);
  expect(await waitFor(async () => (await CountingOutbox.countDocuments({})) === 0, 30_000)).toBe(true);
  expect(await counted(survey._id)).toEqual({ responses: 2, respondents: 2 });
  expect((await verifyStats(survey._id)).ok).toBe(true);
});

test("a batch's insert is applied but its acknowledgement is lost: the respondents' retries are acknowledged and each response is counted once", async () => {
  const survey = await makeSurvey();
  const rs = [0, 1, 2].map((i) => answersOf(survey, i));
  const fault = proxy.arm(on('insert', 'responses'), 'drop-reply');
  const first = await Promise.allSettled(rs.map((r) => storeResponse(survey, 'form', r)));
  fault.disarm();
  expect(fault.count()).toBeGreaterThan(0);
  // Not acknowledged, or acknowledged as stored: either way a retry finds it.
  const retries = await Promise.all(rs.map((r) => storeResponse(survey, 'form', r)));
  expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
  expect(retries.map((r) => r.outcome)).toEqual(['already-stored', 'already-stored', 'already-stored']);
  expect(await waitFor(async () => (await CountingOutbox.countDocuments({})) === 0, 30_000)).toBe(true);
  expect(await counted(survey._id)).toEqual({ responses: 3, respondents: 3 });
  expect((await verifyStats(survey._id)).ok).toBe(true);
});

test("a recovered batch's shard is not counted where the writer's own shard holds that batch (its last write landed after all)", () => {
  const surveyId = new mongoose.Types.ObjectId();
  const shards = [
    { surveyId, bucket: 'all', writer: 'w1', applied: ['w1:b1'], responses: 3 },
    { surveyId, bucket: 'all', writer: 'r:w1:b1', applied: [], responses: 2 },
    { surveyId, bucket: 'all', writer: 'r:w1:b2', applied: [], responses: 4 },
    { surveyId, bucket: 'cell:2026-05:x', writer: 'r:w1:b1', applied: [], responses: 2 },
  ];
  expect(countedShards(shards).map((d) => `${d.bucket} ${d.writer}`)).toEqual(['all w1', 'all r:w1:b2', 'cell:2026-05:x r:w1:b1']);
});
