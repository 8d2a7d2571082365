/**
 * The per-element score counters (models/survey-stats.ts): kept up to date as responses
 * arrive (`recordResponseStats`), rebuilt from the raw responses (`rebuildStats`) and checked
 * against them (`verifyStats`). The recount uses the aggregation subset FerretDB 1.x and
 * MongoDB share ($match $unwind $group $sum); the rest is done here in TypeScript.
 *
 * Counting rules, the same in the live path and the recount (so verify can compare):
 *  - only answers to the survey's own elements with a score 1–4 count; a blank has no entry;
 *  - a response with no such answer is no respondent (method: a blank questionnaire is none)
 *    and adds nothing, not even its profile;
 *  - `complete` = respondents who answered every element;
 *  - profile counts for the standard questions (gender, age, education, occupation) and the
 *    survey's own choice questions; a free age in years is put in the standard age group.
 */
import crypto from 'node:crypto';
import { MongoBulkWriteError, type BulkWriteResult, type UpdateFilter } from 'mongodb';
import { Types } from 'mongoose';
import { Coalescer } from '../lib/coalescer';
import { Response, type ResponseDoc } from '../../models/response';
import { Survey, type SurveyDoc, type SurveyElement } from '../../models/survey';
import { SurveyProfileStats, SurveyStats, type SurveyStatsDoc } from '../../models/survey-stats';
import { NotFound } from '../errors';
import { databaseEngine, driverCollection } from '../db/connection';
import { isScore, respondentKind } from '../ikm';
import { ageGroup, countedProfileKeys } from './profile';

export const ALL_BUCKET = 'all';

type SurveyProfileQuestion = NonNullable<SurveyDoc['profileQuestions']>[number];
type ResponseAnswer = ResponseDoc['answers'][number];

/** What the counters need of a survey: these fields of models/survey.ts. */
export interface StatsSurvey {
  _id: SurveyDoc['_id'];
  elements: readonly Pick<SurveyElement, 'key'>[];
  /** `kind` as any string or none: a question stored before kinds existed is still counted (profile.ts decides how). */
  profileQuestions?: readonly (Pick<SurveyProfileQuestion, 'key'> & { kind?: string | null })[] | null;
}

/**
 * What the counters need of a response: these fields of models/response.ts, as stored (the
 * profile a Map) or as the pipeline hands them in before the insert (a plain object).
 */
export interface StatsResponse {
  surveyId: ResponseDoc['surveyId'];
  year: ResponseDoc['year'];
  month: ResponseDoc['month'];
  service?: ResponseDoc['service'] | null;
  answers: readonly Pick<ResponseAnswer, 'k' | 'v'>[];
  profile?: ResponseDoc['profile'] | Record<string, string> | null;
  /** web | kiosk | import (a response stored before the field existed: web). */
  source?: ResponseDoc['source'] | null;
}

/** The channels responses are collected through (models/response.ts `source`). */
export const CHANNELS = ['web', 'kiosk', 'import'] as const;

function channelOf(source: string | null | undefined): string {
  return source === 'kiosk' || source === 'import' ? source : 'web';
}

export function cellBucket(year: number, month: number, service: string): string {
  return `cell:${year}-${String(month).padStart(2, '0')}:${service}`;
}

/** A profile answer as the profile cells name it: "<key>=<encoded counted value>". */
export function profileSelector(key: string, value: string): string {
  return `${key}=${encodeValueKey(value)}`;
}

const PROFILE_CELL = 'pcell:';

/** One month × service cell of the respondents with one profile answer (models/survey-stats.ts). */
export function profileCellBucket(selector: string, year: number, month: number, service: string): string {
  return `${PROFILE_CELL}${selector}:${year}-${String(month).padStart(2, '0')}:${service}`;
}

/** The collection a bucket's shards live in: profile cells apart, so no other reader reads them. */
function statsModel(bucket: string): typeof SurveyStats {
  return bucket.startsWith(PROFILE_CELL) ? SurveyProfileStats : SurveyStats;
}

/**
 * The shard collection of a bucket, through the driver: a shard write is on every submission's
 * counting path and its values are built here, already of the schema's types (mongoose's casting
 * of the update cost more than the command). Readers take absent counts as 0, so a new shard
 * needs no schema defaults.
 */
function shards(bucket: string) {
  return driverCollection<SurveyStatsDoc>(statsModel(bucket));
}

/** A profile value as a field name: no dots, no leading $ (percent-encoded). */
export function encodeValueKey(value: string): string {
  return encodeURIComponent(value).replace(/\./g, '%2E');
}

export function decodeValueKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** The counted value of a profile answer, or null when it is not counted. */
export function profileCountValue(key: string, raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const v = key === 'age' ? ageGroup(raw) : raw.trim();
  return v === '' ? null : v.slice(0, 100);
}

function profileEntries(profile: StatsResponse['profile']): [string, string][] {
  if (!profile) return [];
  if (profile instanceof Map) return [...profile.entries()];
  return Object.entries(profile);
}

interface BucketDelta {
  year: number | null;
  month: number | null;
  service: string | null;
  profile: string | null;
  inc: Map<string, number>;
}

/** Increments for many responses, combined per bucket: one write per bucket touched. */
export class StatsDelta {
  readonly buckets = new Map<string, BucketDelta>();
  private readonly elementKeys: Set<string>;
  private readonly profileKeys: Set<string>;
  private readonly k: number;

  constructor(readonly survey: StatsSurvey) {
    this.elementKeys = new Set(survey.elements.map((e) => e.key));
    this.k = this.elementKeys.size;
    this.profileKeys = new Set(countedProfileKeys([survey]));
  }

  /** Adds one response. Returns false (and adds nothing) when it is no respondent. */
  add(r: StatsResponse): boolean {
    this.bump(ALL_BUCKET, null, null, null, null, ['responses']);
    // The collection channel of every stored response (blank or not), per month × service cell.
    const service = r.service ?? '';
    this.bump(cellBucket(r.year, r.month, service), r.year, r.month, service, null, [`ch.${channelOf(r.source)}`]);
    const seen = new Set<string>();
    const paths: string[] = [];
    for (const a of r.answers) {
      if (!this.elementKeys.has(a.k) || seen.has(a.k) || !isScore(a.v)) continue;
      seen.add(a.k);
      paths.push(`c.${a.k}.s${a.v}`);
    }
    const kind = respondentKind(seen.size, this.k);
    if (kind === 'blank') return false;
    paths.push('respondents');
    if (kind === 'complete') paths.push('complete');
    const selectors: string[] = [];
    for (const [key, raw] of profileEntries(r.profile)) {
      if (!this.profileKeys.has(key)) continue;
      const v = profileCountValue(key, raw);
      if (v === null) continue;
      paths.push(`p.${key}.${encodeValueKey(v)}`);
      selectors.push(profileSelector(key, v));
    }
    this.bump(ALL_BUCKET, null, null, null, null, paths);
    this.bump(cellBucket(r.year, r.month, service), r.year, r.month, service, null, paths);
    for (const sel of selectors) this.bump(profileCellBucket(sel, r.year, r.month, service), r.year, r.month, service, sel, paths);
    return true;
  }

  private bump(bucket: string, year: number | null, month: number | null, service: string | null, profile: string | null, paths: readonly string[]): void {
    let b = this.buckets.get(bucket);
    if (!b) {
      b = { year, month, service, profile, inc: new Map() };
      this.buckets.set(bucket, b);
    }
    for (const p of paths) b.inc.set(p, (b.inc.get(p) ?? 0) + 1);
  }

  /** Adds the increments to this process's counter shards; `batch` is the outbox batch they come from. */
  async apply(batch?: string): Promise<void> {
    await Promise.all([...this.buckets.entries()].map(([bucket, b]) => shardWriter.add(this.survey._id, bucket, b, batch)));
  }
}

/**
 * What one shard write adds: increments by the outbox batch they come from. A batch always adds
 * the same increments to a shard (they are computed from its stored responses), so merging keeps
 * one copy per batch, and a batch the shard already holds is never added again.
 */
interface ShardDelta {
  surveyId: Types.ObjectId;
  bucket: string;
  meta: Pick<BucketDelta, 'year' | 'month' | 'service' | 'profile'>;
  parts: Map<string, Map<string, number>>;
}

function mergeShardDelta(a: ShardDelta, b: ShardDelta): ShardDelta {
  const parts = new Map(a.parts);
  for (const [batch, inc] of b.parts) if (!parts.has(batch)) parts.set(batch, inc);
  return { ...a, parts };
}

/** Increments that come from no outbox batch (a benchmark, a fixture) get a one-off id of this form: never listed in `applied`. */
const ONE_OFF = '~';

export function shardId(surveyId: Types.ObjectId | string, bucket: string, writer: string): string {
  return `${String(surveyId)}:${bucket}:${writer}`;
}

/** One shard update waiting for its bulk write, and its caller. */
interface QueuedShardUpdate {
  filter: { _id: string; seq: number };
  update: UpdateFilter<SurveyStatsDoc>;
  upsert: boolean;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The shard updates started in one turn of the event loop go to the database together: one
 * unordered bulk update per collection. A batch of responses touches dozens of cells at once, a
 * demo seed or a large import thousands, and a command per cell cost the app about ten times and
 * the embedded engine about 1.6 times as much per cell as one command for them all. Each update
 * still settles on its own: applied (upserted, or matched), or failed, or not known to be applied
 * (the bulk's matched count does not say which update missed): the shard writer then reads the
 * shard before writing it again, as after any failed write.
 */
class ShardBulk {
  /** By the bucket's collection (statsModel). */
  private queued = new Map<typeof SurveyStats, QueuedShardUpdate[]>();
  private scheduled = false;

  update(bucket: string, filter: QueuedShardUpdate['filter'], update: QueuedShardUpdate['update'], upsert: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const model = statsModel(bucket);
      const list = this.queued.get(model) ?? [];
      list.push({ filter, update, upsert, resolve, reject });
      this.queued.set(model, list);
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queued;
    this.queued = new Map();
    for (const [model, updates] of queued) void this.send(model, updates);
  }

  private async send(model: typeof SurveyStats, updates: readonly QueuedShardUpdate[]): Promise<void> {
    let result: BulkWriteResult;
    const failed = new Map<number, unknown>();
    try {
      result = await driverCollection<SurveyStatsDoc>(model).bulkWrite(
        updates.map((u) => ({ updateOne: { filter: u.filter, update: u.update, upsert: u.upsert } })),
        { ordered: false },
      );
    } catch (e) {
      const list = e instanceof MongoBulkWriteError ? (Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors]) : [];
      // Not a per-update failure, or not durable: none of them is known to be applied.
      if (!(e instanceof MongoBulkWriteError) || list.length === 0 || e.writeConcernError || e.result.getWriteConcernError()) {
        updates.forEach((u) => u.reject(e));
        return;
      }
      result = e.result;
      for (const w of list) failed.set(w.index, Object.assign(new Error(w.errmsg ?? 'counter shard write failed'), { code: w.code }));
    }
    const upserted = new Set(Object.keys(result.upsertedIds).map(Number));
    const allMatched = result.matchedCount === updates.length - failed.size - upserted.size;
    updates.forEach((u, i) => {
      if (failed.has(i)) u.reject(failed.get(i));
      else if (upserted.has(i) || allMatched) u.resolve();
      else u.reject(new Error(`counter shard ${u.filter._id} may not be at write ${u.filter.seq}`));
    });
  }
}

const shardBulk = new ShardBulk();

/**
 * This process's counter shards. Every shard is written only by this process, one write in
 * flight at a time (the coalescer merges what arrives meanwhile; a failed write is retried), so
 * the counters are right on an engine whose updates are read-modify-write (FerretDB 1.x) and with
 * several app processes.
 *
 * Exactly once, by construction:
 * - each write is conditional on the shard's write count (`seq`) and lists, in the same document
 *   write, the outbox batches the shard holds (`applied`, until their outbox entry is cleared);
 * - after a write that failed, whether it was applied is unknown (the connection may have dropped
 *   after the database applied it): the next write of that shard first reads it, and the batches
 *   of the failed attempt are taken as held when its `seq` is there, as new otherwise;
 * - a batch added again (its outbox entry is resolved once more because clearing it failed) is
 *   skipped in every shard that holds it;
 * - whoever resolves an orphaned batch skips the shards that list it, and a reader ignores a
 *   recovered batch's shard where a writer's shard lists that batch (`loadCounters`).
 */
class ShardWriter {
  id = newWriterId();
  /** Shard id → outbox batches held by it and not yet cleared from the outbox. */
  private applied = new Map<string, Set<string>>();
  private shardsOfBatch = new Map<string, Set<string>>();
  /** Shard id → its write count as last acknowledged. */
  private seqOf = new Map<string, number>();
  /** Shard id → the write that failed (applied or not: unknown until the shard is read). */
  private uncertain = new Map<string, { seq: number; batches: string[] }>();
  private coalescer = this.newCoalescer();
  /** The least time between two writes of one shard (`setWriteGap`). */
  private writeGapMs = 0;

  private newCoalescer(): Coalescer<ShardDelta, string[]> {
    return new Coalescer<ShardDelta, string[]>({
      write: (key, d) => this.write(key, d),
      merge: mergeShardDelta,
      retryMs: 500,
      minGapMs: () => this.writeGapMs,
      onWritten: (key, held) => this.hold(key, held),
    });
  }

  private hold(key: string, batches: readonly string[]): void {
    const set = this.applied.get(key) ?? new Set<string>();
    for (const b of batches) {
      if (b.startsWith(ONE_OFF)) continue;
      set.add(b);
      const shards = this.shardsOfBatch.get(b) ?? new Set<string>();
      shards.add(key);
      this.shardsOfBatch.set(b, shards);
    }
    if (set.size > 0) this.applied.set(key, set);
  }

  add(surveyId: Types.ObjectId, bucket: string, delta: BucketDelta, batch?: string): Promise<void> {
    const key = shardId(surveyId, bucket, this.id);
    const id = batch ?? `${ONE_OFF}${crypto.randomBytes(9).toString('base64url')}`;
    if (this.applied.get(key)?.has(id)) return Promise.resolve(); // this shard holds the batch already
    const meta = { year: delta.year, month: delta.month, service: delta.service, profile: delta.profile };
    return this.coalescer.add(key, { surveyId, bucket, meta, parts: new Map([[id, new Map(delta.inc)]]) });
  }

  /** Writes the parts the shard does not hold yet; returns every batch of `d` the shard now holds. */
  private async write(key: string, d: ShardDelta): Promise<string[]> {
    const held: string[] = [];
    const failed = this.uncertain.get(key);
    if (failed) {
      const doc = await shards(d.bucket).findOne({ _id: key }, { projection: { seq: 1 } });
      const seq = doc?.seq ?? 0;
      if (doc && seq === failed.seq) held.push(...failed.batches); // the failed write was applied; only its reply was lost
      this.seqOf.set(key, seq); // 0 when the shard is gone (a rebuild removed it): started again
      this.uncertain.delete(key);
    }
    const known = this.applied.get(key);
    const todo = [...d.parts].filter(([b]) => !held.includes(b) && !known?.has(b));
    if (todo.length === 0) return held;
    const inc = new Map<string, number>();
    for (const [, part] of todo) for (const [path, n] of part) inc.set(path, (inc.get(path) ?? 0) + n);
    const batches = todo.map(([b]) => b);
    const expected = this.seqOf.get(key) ?? 0;
    const next = expected + 1;
    const applied = [...new Set([...(known ?? []), ...held, ...batches])].filter((b) => !b.startsWith(ONE_OFF));
    const update = {
      $inc: Object.fromEntries(inc),
      $set: { applied, seq: next },
      $setOnInsert: {
        surveyId: d.surveyId,
        bucket: d.bucket,
        writer: this.id,
        year: d.meta.year,
        month: d.meta.month,
        service: d.meta.service,
        profile: d.meta.profile,
      },
    };
    this.hold(key, held); // a retry that fails again must not add them twice
    try {
      // Conditional on the shard's write count: only this process writes it, so no atomicity is needed.
      // Failed, or not known to be applied (not at the write count this process expected: removed
      // by a rebuild): read it, then write again.
      await shardBulk.update(d.bucket, { _id: key, seq: expected }, update, expected === 0);
    } catch (e) {
      this.uncertain.set(key, { seq: next, batches });
      throw e;
    }
    this.seqOf.set(key, next);
    return [...held, ...batches];
  }

  /** The batch's outbox entry is gone: the shards need not list it any more. */
  cleared(batch: string): void {
    for (const key of this.shardsOfBatch.get(batch) ?? []) this.applied.get(key)?.delete(batch);
    this.shardsOfBatch.delete(batch);
  }

  /** Resolves when every increment added so far is acknowledged. */
  idle(): Promise<void> {
    return this.coalescer.idle();
  }

  /**
   * A busy shard is written at most once per `ms` (the app: COUNTING_DEFAULTS.writeGapMs); what
   * arrives meanwhile is merged into that write. 0 (the default): every change at once.
   */
  setWriteGap(ms: number): void {
    this.writeGapMs = ms;
  }

  /** The least time between two writes of one shard (setWriteGap). */
  get writeGap(): number {
    return this.writeGapMs;
  }

  /**
   * Stop writing under this id (this process lost touch with the database for too long, and
   * another instance may now resolve its outbox): pending increments are dropped (their outbox
   * entries stay, so they are counted by whoever resolves them) and a new id is taken.
   */
  rotate(reason: Error): string {
    this.coalescer.abandon(reason);
    this.coalescer = this.newCoalescer();
    this.applied.clear();
    this.shardsOfBatch.clear();
    this.seqOf.clear();
    this.uncertain.clear();
    this.id = newWriterId();
    return this.id;
  }
}

export function newWriterId(): string {
  return crypto.randomBytes(6).toString('base64url');
}

export const shardWriter = new ShardWriter();

async function statsSurvey(surveyId: Types.ObjectId | string): Promise<StatsSurvey> {
  const survey = await Survey.findById(surveyId, { elements: 1, profileQuestions: 1 }).lean();
  if (!survey) throw new NotFound();
  return survey;
}

/**
 * Adds one stored response to its survey's counters. Called right after each response is
 * stored (form, kiosk, import). Pass the survey when the caller has it (saves one read).
 */
export async function recordResponseStats(response: StatsResponse, survey?: StatsSurvey): Promise<void> {
  await recordResponsesStats([response], survey);
}

/** Adds many stored responses of one survey (an import): one $inc per bucket touched. */
export async function recordResponsesStats(responses: readonly StatsResponse[], survey?: StatsSurvey, batch?: string): Promise<void> {
  if (responses.length === 0) return;
  const s = survey ?? (await statsSurvey(responses[0]!.surveyId));
  const delta = new StatsDelta(s);
  for (const r of responses) {
    if (!r.surveyId.equals(s._id)) throw new Error('recordResponsesStats: responses of more than one survey');
    delta.add(r);
  }
  await delta.apply(batch);
}

/** One expected stats document, as the recount gives it (a stored one without its ids). */
export type ExpectedBucket = Omit<SurveyStatsDoc, '_id' | 'surveyId' | 'c' | 'writer' | 'applied' | 'seq' | 'responses' | 'ch'> & {
  responses: number;
  c: Record<string, Record<string, number>>;
  ch: Record<string, number>;
};

function addTo(target: Record<string, Record<string, number>>, a: string, b: string, n: number): void {
  const inner = (target[a] ??= {});
  inner[b] = (inner[b] ?? 0) + n;
}

/**
 * Recounts a survey's buckets from its raw responses: one pass over the responses counted
 * with the same rules as the live path, cross-checked against the database's own count.
 * - On MongoDB that count is of every answer ($unwind answers → $group {k, v} → $sum). The
 *   per-month × service cells are not grouped by the database because FerretDB 1.24's $unwind
 *   keeps only _id and the unwound field.
 * - On the embedded FerretDB it is of the responses (the `count` command, which FerretDB streams):
 *   FerretDB 1.x holds a $group's whole input in memory (the answers of 45,000 responses: 895 MB
 *   of the engine's memory, tens of GB at a million), so a survey of any size is recounted in the
 *   memory of the scan alone.
 * @throws Error when the two counts disagree (a bug, or responses written during the recount).
 */
export async function recountStats(surveyId: Types.ObjectId | string): Promise<ExpectedBucket[]> {
  const survey = await statsSurvey(surveyId);
  const buckets = await countResponses(survey);
  const all = buckets.find((b) => b.bucket === ALL_BUCKET);
  if ((await databaseEngine()) === 'ferretdb') {
    const stored = await storedResponseCount(survey._id);
    const counted = all?.responses ?? 0;
    if (stored !== counted) throw new Error(`recount: ${counted} responses by scan but ${stored} by count; run it again when no responses arrive`);
    return buckets;
  }
  const whole = await wholeSurveyCounts(survey);
  for (const e of survey.elements) {
    for (const s of ['s1', 's2', 's3', 's4']) {
      const a = all?.c[e.key]?.[s] ?? 0;
      const b = whole.c[e.key]?.[s] ?? 0;
      if (a !== b) throw new Error(`recount: ${e.key}.${s} is ${a} by scan but ${b} by aggregation; run it again when no responses arrive`);
    }
  }
  return buckets;
}

/** The database's count of a survey's responses, by the `count` command (streamed on every engine, unlike countDocuments' $group). */
async function storedResponseCount(surveyId: Types.ObjectId): Promise<number> {
  const reply = await Response.db.db!.command({ count: Response.collection.collectionName, query: { surveyId } });
  return Number(reply.n);
}

/** The database's count of a survey's answers: $unwind answers → $group {k, v} → $sum. */
export async function wholeSurveyCounts(
  survey: Pick<StatsSurvey, '_id' | 'elements'>,
  extraMatch: Record<string, unknown> = {},
): Promise<{ c: Record<string, Record<string, number>> }> {
  const keys = new Set(survey.elements.map((e) => e.key));
  type ScoreRow = { _id: { k: string; v: number }; n: number };
  const rows = await Response.collection
    .aggregate<ScoreRow>([
      { $match: { ...extraMatch, surveyId: survey._id } },
      { $unwind: '$answers' },
      { $group: { _id: { k: '$answers.k', v: '$answers.v' }, n: { $sum: 1 } } },
    ])
    .toArray();
  const c: Record<string, Record<string, number>> = {};
  for (const r of rows) if (keys.has(r._id.k) && [1, 2, 3, 4].includes(r._id.v)) addTo(c, r._id.k, `s${r._id.v}`, r.n);
  return { c };
}

/**
 * The buckets of the responses of `survey` matching `extraMatch`, counted in one pass with
 * the live path's rules (StatsDelta). O(k × cells) memory; the time grows with the responses.
 */
export async function countResponses(survey: StatsSurvey, extraMatch: Record<string, unknown> = {}): Promise<ExpectedBucket[]> {
  const delta = new StatsDelta(survey);
  const cursor = Response.collection
    .find<StatsResponse>(
      { ...extraMatch, surveyId: survey._id },
      { projection: { surveyId: 1, year: 1, month: 1, service: 1, answers: 1, profile: 1, source: 1 } },
    )
    .batchSize(5000);
  for await (const doc of cursor) delta.add(doc);
  return bucketsOf(delta);
}

/** A bucket with nothing counted yet. */
function emptyBucket(bucket: string, m: Partial<Pick<ExpectedBucket, 'year' | 'month' | 'service' | 'profile'>>): ExpectedBucket {
  const meta = { year: m.year ?? null, month: m.month ?? null, service: m.service ?? null, profile: m.profile ?? null };
  return { bucket, ...meta, responses: 0, respondents: 0, complete: 0, c: {}, p: {}, ch: {} };
}

/** The buckets a StatsDelta holds, as counter documents without ids. */
function bucketsOf(delta: StatsDelta): ExpectedBucket[] {
  const out: ExpectedBucket[] = [];
  for (const [bucket, b] of delta.buckets) {
    const e = emptyBucket(bucket, b);
    for (const [path, n] of b.inc) {
      if (path === 'responses') e.responses = n;
      else if (path === 'respondents') e.respondents = n;
      else if (path === 'complete') e.complete = n;
      else if (path.startsWith('ch.')) e.ch[path.slice(3)] = n;
      else {
        const [root, a, x] = path.split('.') as ['c' | 'p', string, string];
        addTo(e[root], a, x, n);
      }
    }
    out.push(e);
  }
  return out.sort((a, b) => a.bucket.localeCompare(b.bucket));
}

/**
 * Counts the responses of an outbox batch whose writer died before clearing it. Each bucket's
 * share is written whole, as the shard "r:<batch>" (writing it twice writes the same numbers:
 * idempotent), except in buckets whose writer's shard already lists the batch as applied.
 */
export async function writeRecoveredBatch(survey: StatsSurvey, responses: readonly StatsResponse[], batch: string, writer: string): Promise<number> {
  const delta = new StatsDelta(survey);
  for (const r of responses) delta.add(r);
  let written = 0;
  for (const e of bucketsOf(delta)) {
    const model = statsModel(e.bucket);
    const own = await model.findById(shardId(survey._id, e.bucket, writer), { applied: 1 }).lean();
    if (own?.applied?.includes(batch)) continue;
    const id = shardId(survey._id, e.bucket, `r:${batch}`);
    await model.replaceOne({ _id: id }, { _id: id, writer: `r:${batch}`, applied: [], surveyId: survey._id, ...e }, { upsert: true });
    written++;
  }
  return written;
}

/** The writer name of the shards a rebuild writes. */
export const BASE_WRITER = 'base';

/** Adds one stored shard (or recount) into a bucket's running sum. */
function addShard(into: ExpectedBucket, d: Partial<Pick<SurveyStatsDoc, 'responses' | 'respondents' | 'complete' | 'c' | 'p' | 'ch'>>): void {
  into.responses += d.responses ?? 0;
  for (const [k, n] of Object.entries(d.ch ?? {})) if (n) into.ch[k] = (into.ch[k] ?? 0) + n;
  into.respondents += d.respondents ?? 0;
  into.complete += d.complete ?? 0;
  for (const [root, obj] of [
    ['c', d.c],
    ['p', d.p],
  ] as const) {
    for (const [a, inner] of Object.entries(obj ?? {})) {
      for (const [b, n] of Object.entries((inner ?? {}) as Record<string, number>)) if (n) addTo(into[root], a, b, n);
    }
  }
}

/**
 * The shards that count: a recovered batch's shard ("r:<batch>") is left out where a writer's
 * shard of the same bucket lists that batch as held (the writer's last write landed after all),
 * so a batch is counted once whoever wrote it.
 */
export function countedShards<T extends { surveyId?: unknown; bucket?: string; writer?: string | null; applied?: readonly string[] | null }>(
  docs: readonly T[],
): T[] {
  const held = new Set<string>();
  for (const d of docs) for (const b of d.applied ?? []) held.add(`${String(d.surveyId)}:${d.bucket}:${b}`);
  return docs.filter((d) => !(d.writer?.startsWith('r:') && held.has(`${String(d.surveyId)}:${d.bucket}:${d.writer.slice(2)}`)));
}

/**
 * A survey's counters: every bucket, its shards summed (one shard per writer). This is how every
 * reader (results, dashboard, verify) reads the counters. O(buckets × writers).
 *   loadCounters(id)                       the "all" bucket and the month × service cells
 *   loadCounters(id, { bucket })           one of those
 *   loadCounters(id, { profile: "k=v" })   the profile cells of one answer (profileSelector)
 *   loadCounters(id, { profile: true })    every profile cell (verify)
 */
export async function loadCounters(surveyId: Types.ObjectId | string, only?: { bucket: string } | { profile: string | true }): Promise<ExpectedBucket[]> {
  const filter: Record<string, unknown> = { surveyId: new Types.ObjectId(String(surveyId)) };
  if (only && 'bucket' in only) filter.bucket = only.bucket;
  if (only && 'profile' in only && only.profile !== true) filter.profile = only.profile;
  const model = only && 'profile' in only ? SurveyProfileStats : SurveyStats;
  const docs = countedShards(await model.find(filter).lean<SurveyStatsDoc[]>());
  const by = new Map<string, ExpectedBucket>();
  for (const d of docs) {
    let e = by.get(d.bucket);
    if (!e) by.set(d.bucket, (e = emptyBucket(d.bucket, d)));
    addShard(e, d);
  }
  return [...by.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
}

/** Stored responses per survey (the "all" buckets' `responses`), for lists and the element freeze. */
export async function responseCounts(surveyIds: readonly Types.ObjectId[]): Promise<Map<string, number>> {
  const out = new Map<string, number>(surveyIds.map((id) => [String(id), 0]));
  if (surveyIds.length === 0) return out;
  const docs = await SurveyStats.collection
    .find({ surveyId: { $in: [...surveyIds] }, bucket: ALL_BUCKET }, { projection: { surveyId: 1, bucket: 1, writer: 1, applied: 1, responses: 1 } })
    .toArray();
  for (const d of countedShards(docs as { surveyId?: unknown; bucket?: string; writer?: string; applied?: string[]; responses?: number }[]))
    out.set(String(d.surveyId), (out.get(String(d.surveyId)) ?? 0) + ((d.responses as number | undefined) ?? 0));
  return out;
}

/** One counter that differs from the recount. */
export interface StatsDifference {
  bucket: string;
  field: string;
  expected: number;
  actual: number;
}

export interface VerifyReport {
  surveyId: string;
  ok: boolean;
  buckets: number;
  differences: StatsDifference[];
}

function flatten(doc: Pick<ExpectedBucket, 'responses' | 'respondents' | 'complete' | 'c' | 'p' | 'ch'>): Map<string, number> {
  const out = new Map<string, number>();
  if (doc.responses) out.set('responses', doc.responses);
  for (const [k, n] of Object.entries(doc.ch ?? {})) if (n) out.set(`ch.${k}`, n);
  if (doc.respondents) out.set('respondents', doc.respondents);
  if (doc.complete) out.set('complete', doc.complete);
  for (const [root, obj] of [
    ['c', doc.c],
    ['p', doc.p],
  ] as const) {
    for (const [a, inner] of Object.entries(obj ?? {})) {
      for (const [b, n] of Object.entries(inner ?? {})) if (n) out.set(`${root}.${a}.${b}`, n);
    }
  }
  return out;
}

/** Compares the stored counters with a recount from the raw responses. Changes nothing. */
export async function verifyStats(surveyId: Types.ObjectId | string): Promise<VerifyReport> {
  const expected = await recountStats(surveyId);
  const id = new Types.ObjectId(String(surveyId));
  const stored = [...(await loadCounters(id)), ...(await loadCounters(id, { profile: true }))];
  const storedBy = new Map(stored.map((d) => [d.bucket, d]));
  const differences: StatsDifference[] = [];
  const names = new Set([...expected.map((e) => e.bucket), ...stored.map((d) => d.bucket)]);
  const expectedBy = new Map(expected.map((e) => [e.bucket, e]));
  const empty = { responses: 0, respondents: 0, complete: 0, c: {}, p: {}, ch: {} };
  for (const bucket of [...names].sort()) {
    const e = flatten(expectedBy.get(bucket) ?? empty);
    const a = flatten(storedBy.get(bucket) ?? empty);
    for (const field of new Set([...e.keys(), ...a.keys()])) {
      const x = e.get(field) ?? 0;
      const y = a.get(field) ?? 0;
      if (x !== y) differences.push({ bucket, field, expected: x, actual: y });
    }
  }
  return { surveyId: String(id), ok: differences.length === 0, buckets: expected.length, differences };
}

/**
 * Replaces a survey's counters with a recount from the raw responses. Run it when no response
 * is being stored for that survey (a response stored during the rebuild may be missed; run
 * `verify` afterwards).
 */
export async function rebuildStats(surveyId: Types.ObjectId | string): Promise<{ buckets: number; respondents: number }> {
  const expected = await recountStats(surveyId);
  const id = new Types.ObjectId(String(surveyId));
  for (const model of [SurveyStats, SurveyProfileStats]) {
    await model.collection.deleteMany({ surveyId: id });
    const docs = expected.filter((e) => statsModel(e.bucket) === model);
    if (docs.length > 0)
      await model.insertMany(docs.map((e) => ({ _id: shardId(id, e.bucket, BASE_WRITER), writer: BASE_WRITER, applied: [], surveyId: id, ...e })));
  }
  const all = expected.find((e) => e.bucket === ALL_BUCKET);
  return { buckets: expected.length, respondents: all?.respondents ?? 0 };
}
