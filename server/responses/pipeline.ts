/**
 * The one way a response is stored, whoever sends it (the form, an import, the demo seed, the
 * benchmarks): period fields → content hash → insert once under a primary key derived from the
 * idempotency key → counted exactly once.
 *
 * - **Idempotent by primary key.** The response's _id is derived from (survey, scope, key)
 *   (`responseId`): a retry is an insert that fails with E11000 on _id, then one lookup by _id to
 *   compare content hashes. No secondary index is involved on any engine, and a key sent by a
 *   client (scope "form") can never equal an import's or the demo's key.
 * - **Group commit.** Responses arriving together are inserted with one `insertMany`; each caller
 *   waits for the acknowledgement of the write holding its own document, and nothing else.
 * - **Counted exactly once, even across a crash.** Before a batch is inserted, its ids go into
 *   the counting outbox under the batch id, and each response stores that batch id. After the
 *   insert the new responses are added to this process's counter shards; then the outbox entry is
 *   deleted. An entry left behind (crash, lost connection) is resolved later (./outbox.ts).
 * - Nothing on this path writes the survey document, so an admin's edit (close, settings) is
 *   never overwritten by a submission.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import type { Document, MongoBulkWriteError } from 'mongodb';
import { Response } from '../../models/response';
import { CountingOutbox } from '../../models/counting-outbox';
import { isDuplicateKey } from '../errors';
import { Coalescer } from '../lib/coalescer';
import { recordResponsesStats, shardWriter, type StatsResponse, type StatsSurvey } from '../results';
import { dayKey, periodFields, suggestionKey, type PeriodFields, type SurveyPeriod } from './period';
import { loadBatchResponses } from './outbox';

/** Who chose the key: each scope has keys of its own, so no source can take another's place. */
export type KeyScope = 'form' | 'import' | 'demo' | 'bench';

/** What the pipeline needs of a survey. */
export interface PipelineSurvey extends StatsSurvey {
  unitId: Types.ObjectId;
  period: SurveyPeriod;
}

/** A validated response, as the form, an import or the demo hands it in. */
export interface NewResponse {
  /** Idempotency key, unique within (survey, scope). */
  key: string;
  submittedAt: Date;
  /** Default: from the survey's period and `submittedAt` (periodFields). An import passes its own. */
  period?: PeriodFields;
  service: string;
  answers: { k: string; v: number }[];
  profile: Record<string, string>;
  suggestion: string;
  source: 'web' | 'kiosk' | 'import';
}

/** stored: new; already-stored: the same content under the same key was stored before (a retry); key-reused: other content under a stored key. */
export type StoreOutcome = 'stored' | 'already-stored' | 'key-reused';

/** The response _id for a key: 12 bytes of SHA-256 over (survey, scope, key). */
export function responseId(surveyId: Types.ObjectId | string, scope: KeyScope, key: string): Types.ObjectId {
  const digest = crypto
    .createHash('sha256')
    .update(`${String(surveyId)}\u0000${scope}\u0000${key}`)
    .digest();
  return new Types.ObjectId(digest.subarray(0, 12));
}

/** What the respondent said (not when, how or under which key): a retry has the same hash, other answers another. */
export function contentHash(surveyId: Types.ObjectId | string, r: Pick<NewResponse, 'service' | 'answers' | 'profile' | 'suggestion'>): string {
  const profile = Object.entries(r.profile).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([String(surveyId), r.service, r.answers.map((a) => [a.k, a.v]), profile, r.suggestion]);
  return crypto.createHash('sha256').update(canonical).digest('base64url');
}

/** The stored document of a response (as models/response.ts defines it), without its batch. */
export function toResponseDocument(survey: PipelineSurvey, scope: KeyScope, r: NewResponse) {
  return {
    _id: responseId(survey._id, scope, r.key),
    surveyId: survey._id,
    unitId: survey.unitId,
    ...(r.period ?? periodFields(survey.period, r.submittedAt)),
    service: r.service,
    answers: r.answers,
    profile: r.profile,
    suggestion: r.suggestion,
    suggestionHidden: false,
    ...(r.suggestion ? { suggestionKey: suggestionKey(survey._id, dayKey(r.submittedAt)) } : {}),
    submittedAt: r.submittedAt,
    source: r.source,
    idempotencyKey: r.key,
    contentHash: contentHash(survey._id, r),
  };
}

type ResponseDocument = ReturnType<typeof toResponseDocument>;

interface Pending {
  doc: ResponseDocument & { batch?: string };
  survey: PipelineSurvey;
  resolve: (o: { outcome: StoreOutcome; counted: Promise<void> }) => void;
  reject: (e: unknown) => void;
}

const NOT_COUNTED = Promise.resolve();

/**
 * Group commit with the counting outbox: one batch in flight; what arrives meanwhile forms the
 * next batch (at most `maxBatch` documents).
 */
class ResponseWriter {
  private queue: Pending[] = [];
  private flushing = false;
  private seq = 0;
  /** This process's batches whose insert failed as a whole: resolved again until they are. */
  private readonly unresolved = new Set<string>();
  private resolving: NodeJS.Timeout | undefined;

  constructor(private readonly maxBatch = 500) {}

  store(survey: PipelineSurvey, doc: ResponseDocument): Promise<{ outcome: StoreOutcome; counted: Promise<void> }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, survey, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) await this.write(this.queue.splice(0, this.maxBatch));
    } finally {
      this.flushing = false;
    }
  }

  private async write(items: Pending[]): Promise<void> {
    const writer = shardWriter.id;
    const batch = `${writer}:${Date.now().toString(36)}-${++this.seq}`;
    try {
      await CountingOutbox.collection.insertOne({ _id: batch, writer, ids: items.map((p) => p.doc._id), createdAt: new Date() } as Document);
    } catch (e) {
      items.forEach((p) => p.reject(e));
      this.resolveLater(batch); // the entry may have been written after all: clear it
      return;
    }
    for (const p of items) p.doc.batch = batch;
    let failed: Map<number, unknown>;
    try {
      failed = await insertAll(items.map((p) => p.doc));
    } catch (e) {
      // Not acknowledged: some documents may be stored. Nobody is thanked; their retries find
      // them (already stored), and the outbox entry gets them counted.
      items.forEach((p) => p.reject(e));
      this.resolveLater(batch);
      return;
    }
    const stored = items.filter((_, i) => !failed.has(i));
    const counted = track(stored.length > 0 ? countBatch(batch, stored) : clearBatch(batch));
    // A failure leaves the outbox entry: resolved from here, or by another instance if this one stops.
    counted.catch(() => this.resolveLater(batch));
    items.forEach((p, i) => {
      const err = failed.get(i);
      if (err === undefined) p.resolve({ outcome: 'stored', counted });
      else if (!isDuplicateKey(err)) p.reject(err);
      else void compareStored(p.doc).then((outcome) => p.resolve({ outcome, counted: NOT_COUNTED }), p.reject);
    });
  }

  /** Resolve this batch's outbox entry from here until it is done (or this process stops writing under its id). */
  private resolveLater(batch: string): void {
    this.unresolved.add(batch);
    if (this.resolving) return;
    this.resolving = setTimeout(() => {
      this.resolving = undefined;
      void this.retryUnresolved();
    }, 2_000);
    this.resolving.unref();
  }

  private async retryUnresolved(): Promise<void> {
    for (const batch of [...this.unresolved]) {
      if (!batch.startsWith(`${shardWriter.id}:`)) {
        this.unresolved.delete(batch); // written under an id this process gave up: another instance resolves it
        continue;
      }
      try {
        await resolveOwnBatch(batch);
        this.unresolved.delete(batch);
      } catch {
        // still unreachable: next round
      }
    }
    if (this.unresolved.size > 0) this.resolveLater([...this.unresolved][0]!);
  }
}

/** insertMany, unordered. Returns the failed documents by index; throws when the write as a whole was not acknowledged. */
async function insertAll(docs: Document[]): Promise<Map<number, unknown>> {
  const failed = new Map<number, unknown>();
  try {
    await Response.collection.insertMany(docs, { ordered: false });
    return failed;
  } catch (e) {
    const bulk = e as Partial<MongoBulkWriteError>;
    const list = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : bulk.writeErrors ? [bulk.writeErrors] : [];
    // Not acknowledged as durable, or not a per-document failure: nothing may be taken as stored.
    if (list.length === 0 || (bulk.writeConcernError ?? null) !== null || (bulk.result?.getWriteConcernError?.() ?? undefined) !== undefined) throw e;
    for (const w of list) failed.set(w.index, Object.assign(new Error(w.errmsg ?? 'write error'), { code: w.code }));
    return failed;
  }
}

/** The key is taken: the same content (a retry) or other content (a reused key). One lookup by _id. */
async function compareStored(doc: ResponseDocument): Promise<StoreOutcome> {
  const existing = await Response.collection.findOne({ _id: doc._id }, { projection: { contentHash: 1 } });
  if (!existing) throw Object.assign(new Error('duplicate key, but no response with that _id'), { code: 'E_DUP_MISSING' });
  return existing.contentHash === doc.contentHash ? 'already-stored' : 'key-reused';
}

/** Adds a batch's new responses to this process's counters, then clears its outbox entry. */
async function countBatch(batch: string, stored: readonly { doc: StatsResponse; survey: PipelineSurvey }[]): Promise<void> {
  const bySurvey = new Map<string, { survey: PipelineSurvey; docs: StatsResponse[] }>();
  for (const p of stored) {
    const k = String(p.survey._id);
    const g = bySurvey.get(k) ?? { survey: p.survey, docs: [] };
    g.docs.push(p.doc);
    bySurvey.set(k, g);
  }
  await Promise.all([...bySurvey.values()].map((g) => recordResponsesStats(g.docs, g.survey, batch)));
  await clearBatch(batch);
}

/**
 * Counted batches leave the outbox together: one `deleteMany` at a time, at most one per counter
 * write gap (a batch's counters are written at most that often anyway), so a busy form costs
 * one delete a second instead of one per batch. An entry left by a failed delete or a crash
 * names a batch the shards already hold, which resolving recognises.
 */
const clearing = new Coalescer<string[], void>({
  write: async (_key, batches) => {
    await CountingOutbox.collection.deleteMany({ _id: { $in: batches } } as Document);
    for (const b of batches) shardWriter.cleared(b);
  },
  merge: (a, b) => a.concat(b),
  minGapMs: () => shardWriter.writeGap,
  // A failed delete fails its batches' counting: the writer resolves them again (resolveLater).
  retryFailed: false,
});

async function clearBatch(batch: string): Promise<void> {
  await clearing.add('outbox', [batch]);
}

/**
 * This process's own batch whose insert was not acknowledged: count the responses it really
 * stored (they carry its batch id), through this process's shards, then clear the entry.
 */
async function resolveOwnBatch(batch: string): Promise<void> {
  const found = await loadBatchResponses(batch);
  if (found === null) return; // already cleared
  await Promise.all(found.map((g) => recordResponsesStats(g.responses, g.survey, batch)));
  await clearBatch(batch);
}

const writer = new ResponseWriter();

/** Counting still running (for `countersIdle`). */
const counting = new Set<Promise<void>>();
function track(p: Promise<void>): Promise<void> {
  counting.add(p);
  const done = () => counting.delete(p);
  p.then(done, done);
  return p;
}

export interface StoreResult {
  outcome: StoreOutcome;
  /** Settles when the response is in the counters (the respondent need not wait for it). */
  counted: Promise<void>;
}

/** Stores one response exactly once. Throws when the database did not acknowledge the write. */
export function storeResponse(survey: PipelineSurvey, scope: KeyScope, r: NewResponse): Promise<StoreResult> {
  return writer.store(survey, toResponseDocument(survey, scope, r));
}

/**
 * Stores many responses of one survey (an import, the demo): in batches of the writer's size,
 * each document exactly once. Resolves with each one's outcome once all are stored and counted.
 */
export async function storeResponses(survey: PipelineSurvey, scope: KeyScope, rs: readonly NewResponse[]): Promise<StoreOutcome[]> {
  const results = await Promise.all(rs.map((r) => storeResponse(survey, scope, r)));
  await Promise.all(results.map((r) => r.counted));
  return results.map((r) => r.outcome);
}

/** Resolves when every response stored so far by this process is in the counters (or its counting failed and was left to the outbox). */
export async function countersIdle(): Promise<void> {
  while (counting.size > 0) await Promise.allSettled([...counting]);
}
