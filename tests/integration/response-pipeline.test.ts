/**
 * The response pipeline (server/responses) on the real database: idempotency by primary key,
 * key scopes, no write to the survey document, counters that heal after a writer dies between
 * the insert and the counting, the reconcile, the lease and the one-instance check.
 */
import crypto from 'node:crypto';
import type { Document } from 'mongodb';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { Survey } from '../../models/survey';
import { SurveyStats } from '../../models/survey-stats';
import { CountingOutbox } from '../../models/counting-outbox';
import { AppInstance } from '../../models/app-instance';
import {
  countersIdle,
  otherLiveInstance,
  reconcile,
  resolveOrphans,
  responseId,
  storeResponse,
  storeResponses,
  takeLease,
  toResponseDocument,
} from '../../server/responses';
import { loadCounters, shardWriter, verifyStats } from '../../server/results';
import { answersOf, formApp, hiddenFields, makeSurvey, validAnswers } from './survey-form.helpers';

useTestDatabase();

async function allBucket(surveyId: Parameters<typeof loadCounters>[0]) {
  await countersIdle();
  const [all] = await loadCounters(surveyId, { bucket: 'all' });
  return all;
}

describe('idempotency by primary key, keys scoped per survey and source', () => {
  test('a retry is found by _id: same content → already-stored, other content → key-reused; nothing stored twice', async () => {
    const survey = await makeSurvey();
    const r = answersOf(survey, 1);
    expect((await storeResponse(survey, 'form', r)).outcome).toBe('stored');
    expect((await storeResponse(survey, 'form', r)).outcome).toBe('already-stored');
    expect((await storeResponse(survey, 'form', { ...r, suggestion: 'lain' })).outcome).toBe('key-reused');
    const docs = await Response.find({ surveyId: survey._id }).lean();
    expect(docs.map((d) => String(d._id))).toEqual([String(responseId(survey._id, 'form', r.key))]);
    expect((await allBucket(survey._id))!.responses).toBe(1);
  });

  test("a client key equal to an import key, or to another survey's key, takes nobody's place", async () => {
    const a = await makeSurvey();
    const b = await makeSurvey();
    const key = 'import-0123456789abcdef01234567-2';
    const r = { ...answersOf(a, 2), key };
    expect((await storeResponse(a, 'form', r)).outcome).toBe('stored');
    expect((await storeResponse(a, 'import', { ...r, source: 'import' })).outcome).toBe('stored');
    expect((await storeResponse(b, 'form', r)).outcome).toBe('stored');
    expect(await Response.countDocuments({ idempotencyKey: key })).toBe(3);
  });

  test('many concurrent submissions and retries: each key stored once, counters equal the raw responses', async () => {
    const survey = await makeSurvey();
    const rs = Array.from({ length: 60 }, (_, i) => answersOf(survey, i));
    const first = await Promise.all(rs.map((r) => storeResponse(survey, 'form', r)));
    const retries = await Promise.all(rs.map((r) => storeResponse(survey, 'form', r)));
    expect(first.map((x) => x.outcome)).toEqual(rs.map(() => 'stored'));
    expect(retries.map((x) => x.outcome)).toEqual(rs.map(() => 'already-stored'));
    await countersIdle();
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(60);
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
    expect((await allBucket(survey._id))!.responses).toBe(60);
    expect(await CountingOutbox.countDocuments({})).toBe(0);
  });
});

describe('the submission path never writes the survey document', () => {
  test('closing a survey while 30 clients submit: the close stays, later submissions are refused', async () => {
    const app = formApp({ minFillMs: 0 });
    const survey = await makeSurvey();
    const pages = await Promise.all(Array.from({ length: 30 }, () => request(app).get(`/s/${survey.slug}`)));
    const posts = pages.map((p, i) =>
      request(app)
        .post(`/s/${survey.slug}`)
        .type('form')
        .send({ ...hiddenFields(p.text), ...validAnswers(survey, (i % 4) + 1) }),
    );
    // The admin's close lands in the middle of the submissions (the way surveys.service sets it).
    const [results] = await Promise.all([Promise.all(posts), Survey.updateOne({ _id: survey._id }, { $set: { status: 'closed' } })]);
    expect(results.every((r) => r.status === 303 || r.status === 409)).toBe(true);
    await countersIdle();
    expect((await Survey.findById(survey._id).lean())!.status).toBe('closed');
    // Every thanked respondent is stored once, and counted.
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(results.filter((r) => r.status === 303).length);
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
  });
});

describe('counters that heal', () => {
  /** What a process does up to the insert, then dies: outbox entry and responses, no counting. */
  async function diedAfterInsert(survey: Awaited<ReturnType<typeof makeSurvey>>, writer: string, n: number, at: Date) {
    const batch = `${writer}:${crypto.randomBytes(3).toString('hex')}`;
    const docs = Array.from({ length: n }, (_, i) => ({ ...toResponseDocument(survey, 'form', answersOf(survey, i)), batch }));
    // One id in the entry was never inserted (the insert was cut): it must count nothing.
    const lost = responseId(survey._id, 'form', 'never-inserted');
    await CountingOutbox.collection.insertOne({ _id: batch, writer, ids: [...docs.map((d) => d._id), lost], createdAt: at } as Document);
    await Response.collection.insertMany(docs);
    return { batch, docs };
  }

  test('a response stored just before a crash is counted, exactly once, by whoever resolves the outbox', async () => {
    const survey = await makeSurvey();
    const t0 = new Date();
    await storeResponse(survey, 'form', answersOf(survey, 7));
    const { docs } = await diedAfterInsert(survey, 'dead-writer', 5, t0);
    await AppInstance.create({ _id: 'dead-writer', startedAt: t0, seenAt: t0 });
    expect((await verifyStats(survey._id)).ok).toBe(false); // drift: 5 stored, not counted
    // The writer is still within its heartbeat grace: left alone.
    expect(await resolveOrphans({ now: new Date(t0.getTime() + 10_000) })).toEqual({ entries: 0, responses: 0 });
    const later = new Date(t0.getTime() + 120_000);
    expect(await resolveOrphans({ now: later })).toEqual({ entries: 1, responses: 5 });
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
    expect((await allBucket(survey._id))!.responses).toBe(6);
    // The retry of one of those responses is "already stored" and adds nothing.
    const again = await storeResponse(survey, 'form', { ...answersOf(survey, 0), key: docs[0]!.idempotencyKey });
    expect(again.outcome).toBe('already-stored');
    expect(await resolveOrphans({ now: later })).toEqual({ entries: 0, responses: 0 });
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
  });

  test('resolving the same orphan twice (two instances, or a crash in the middle) counts it once', async () => {
    const survey = await makeSurvey();
    const t0 = new Date(Date.now() - 300_000);
    const { batch } = await diedAfterInsert(survey, 'dead-2', 4, t0);
    const snapshot = await CountingOutbox.collection.findOne({ _id: batch } as Document);
    await resolveOrphans();
    await CountingOutbox.collection.insertOne(snapshot!); // as if the delete had not happened
    await Promise.all([resolveOrphans(), resolveOrphans()]);
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
    expect((await allBucket(survey._id))!.responses).toBe(4);
  });

  test('a writer that counted a batch and died before clearing its outbox entry is not counted twice', async () => {
    const survey = await makeSurvey();
    const stored = await storeResponse(survey, 'form', answersOf(survey, 3));
    await stored.counted;
    const doc = await Response.collection.findOne({ surveyId: survey._id });
    // Put the entry back, as if the process died right after counting, then take a new writer id.
    await CountingOutbox.collection.insertOne({
      _id: doc!.batch,
      writer: shardWriter.id,
      ids: [doc!._id],
      createdAt: new Date(Date.now() - 300_000),
    } as Document);
    shardWriter.rotate(new Error('test: this writer is gone'));
    expect(await resolveOrphans()).toEqual({ entries: 1, responses: 1 });
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
    expect((await allBucket(survey._id))!.responses).toBe(1);
  });

  test("one bulk of shard writes, one shard not at the writer's write count: that one is written again, the others are not counted twice", async () => {
    const survey = await makeSurvey();
    // The first response creates this writer's shards of the survey ("all" and its month × service
    // cell here; its profile cells in their own collection), each at write 1.
    const first = await storeResponse(survey, 'form', answersOf(survey, 1));
    await first.counted;
    const mine = await SurveyStats.find({ surveyId: survey._id, writer: shardWriter.id }).lean();
    expect(mine.map((d) => [d.bucket, d.seq]).sort()).toEqual([
      ['all', 1],
      [expect.stringMatching(/^cell:/) as string, 1],
    ]);
    // The "all" shard moves on behind the writer (as if another write had landed there); its
    // counts stay. The next batch's updates of both shards go out in one bulk: the cell's
    // matches, the "all" shard's does not, and the bulk's matched count cannot say which.
    const all = mine.find((d) => d.bucket === 'all')!;
    await SurveyStats.updateOne({ _id: all._id }, { $set: { seq: 7 } });
    const second = await storeResponse(survey, 'form', answersOf(survey, 2));
    await second.counted; // read back, written again where needed
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true, differences: [] });
    expect((await allBucket(survey._id))!.responses).toBe(2);
    const after = await SurveyStats.find({ surveyId: survey._id, writer: shardWriter.id }).lean();
    expect(after.map((d) => [d.bucket === 'all' ? 'all' : 'cell', d.seq]).sort()).toEqual([
      ['all', 8],
      ['cell', 2],
    ]);
  });

  test('the reconcile reports drift and repairs it when nothing is being counted', async () => {
    const survey = await makeSurvey();
    await storeResponses(
      survey,
      'form',
      Array.from({ length: 8 }, (_, i) => answersOf(survey, i)),
    );
    const shard = await SurveyStats.findOne({ surveyId: survey._id, bucket: 'all' }).lean();
    await SurveyStats.updateOne({ _id: shard!._id }, { $inc: { respondents: -3, responses: -3 } });
    expect((await verifyStats(survey._id)).ok).toBe(false);
    const report = await reconcile();
    expect(report.drifted).toEqual([{ slug: survey.slug, differences: expect.any(Number) as number, repaired: true }]);
    expect(await verifyStats(survey._id)).toMatchObject({ ok: true });
    expect((await allBucket(survey._id))!.responses).toBe(8);
  });
});

describe('leases and instances', () => {
  test('a lease is held by one holder per period, taken again in the next', async () => {
    const t = new Date('2026-01-01T00:00:30Z');
    expect(await takeLease('t', 60_000, 'a', t)).toBe(true);
    expect(await takeLease('t', 60_000, 'b', t)).toBe(false);
    expect(await takeLease('t', 60_000, 'b', new Date(t.getTime() + 60_000))).toBe(true);
  });

  test('another live instance is seen; a stopped or silent one is not', async () => {
    const now = new Date();
    await AppInstance.deleteMany({});
    expect(await otherLiveInstance(now)).toBeNull();
    await AppInstance.create({ _id: 'old', startedAt: now, seenAt: new Date(now.getTime() - 60_000) });
    await AppInstance.create({ _id: 'stopped', startedAt: now, seenAt: now, stoppedAt: now });
    expect(await otherLiveInstance(now)).toBeNull();
    await AppInstance.create({ _id: 'live', host: 'h', pid: 42, startedAt: now, seenAt: new Date(now.getTime() - 2_000) });
    expect(await otherLiveInstance(now)).toMatchObject({ host: 'h', pid: 42 });
  });
});
