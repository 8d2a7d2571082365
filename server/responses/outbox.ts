/**
 * Counters that heal. Three duties, run by every app process (`startCounting`):
 *
 * 1. **Heartbeat and fencing.** Each process (a counter "writer") refreshes its document in
 *    `appinstances` every few seconds. A process that could not do so for `fenceAfterMs` stops
 *    writing under its id (its pending counts are dropped, their outbox entries stay) and takes a
 *    new id, so nobody else's recovery can race it.
 * 2. **Orphaned outbox entries.** An entry older than `deadAfterMs` whose writer is stopped or
 *    silent for that long is resolved by whichever process sees it: the responses it names that
 *    carry its batch id are counted into a recovery shard written whole (idempotent, so two
 *    processes doing it at once, or one doing it twice after a crash, count it once).
 * 3. **Reconcile.** Every `reconcileEveryMs` one process (the holder of that period's lease,
 *    taken by inserting the lease's _id: no atomic update needed) recounts every survey from its
 *    responses and reports drift; when nothing was counted meanwhile it repairs it (rebuild).
 */
import os from 'node:os';
import type { Document } from 'mongodb';
import type { Logger } from 'pino';
import { Response } from '../../models/response';
import { Survey } from '../../models/survey';
import { CountingOutbox } from '../../models/counting-outbox';
import { AppInstance } from '../../models/app-instance';
import { Lease } from '../../models/lease';
import { isDuplicateKey } from '../errors';
import { loadCounters, rebuildStats, shardWriter, verifyStats, writeRecoveredBatch, type StatsResponse } from '../results';
import type { PipelineSurvey } from './pipeline';

export interface CountingOptions {
  now?: () => Date;
  heartbeatMs?: number;
  fenceAfterMs?: number;
  deadAfterMs?: number;
  orphanCheckMs?: number;
  reconcileEveryMs?: number;
  /** A busy counter shard is written at most once per this many ms (ShardWriter.setWriteGap). */
  writeGapMs?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export const COUNTING_DEFAULTS = {
  heartbeatMs: 5_000,
  fenceAfterMs: 30_000,
  deadAfterMs: 60_000,
  orphanCheckMs: 30_000,
  reconcileEveryMs: 10 * 60_000,
  // Under load each new batch used to cost one read-modify-write of every shard it touches (about 7
  // per batch; 37% of the engine's CPU at 50 clients); a second's gap merges the batches of that second.
  writeGapMs: 1_000,
};

/** The responses an outbox entry names that this batch stored, by survey. Null when the entry is gone. */
export async function loadBatchResponses(batch: string): Promise<{ survey: PipelineSurvey; responses: StatsResponse[] }[] | null> {
  const entry = await CountingOutbox.collection.findOne({ _id: batch } as Document);
  if (!entry) return null;
  const ids = (entry.ids ?? []) as unknown[];
  const found: Document[] = [];
  // One lookup by _id each ($in on _id is not a primary-key lookup on every engine).
  for (let i = 0; i < ids.length; i += 50) {
    const docs = await Promise.all(ids.slice(i, i + 50).map((id) => Response.collection.findOne({ _id: id } as Document)));
    for (const d of docs) if (d && d.batch === batch) found.push(d);
  }
  const bySurvey = new Map<string, StatsResponse[]>();
  for (const d of found) {
    const list = bySurvey.get(String(d.surveyId)) ?? [];
    list.push({ surveyId: d.surveyId, year: d.year, month: d.month, service: d.service, answers: d.answers, profile: d.profile, source: d.source });
    bySurvey.set(String(d.surveyId), list);
  }
  const out: { survey: PipelineSurvey; responses: StatsResponse[] }[] = [];
  for (const [surveyId, responses] of bySurvey) {
    const survey = await Survey.findById(surveyId, { unitId: 1, period: 1, elements: 1, profileQuestions: 1 }).lean();
    if (survey) out.push({ survey, responses });
  }
  return out;
}

function isAlive(doc: { seenAt?: Date | null; stoppedAt?: Date | null } | null, now: Date, deadAfterMs: number): boolean {
  if (!doc || doc.stoppedAt) return false;
  return doc.seenAt != null && now.getTime() - new Date(doc.seenAt).getTime() < deadAfterMs;
}

/**
 * Resolves the outbox entries left by writers that are gone. Returns how many entries were
 * resolved and how many responses they counted.
 */
export async function resolveOrphans(opts: { now?: Date; deadAfterMs?: number } = {}): Promise<{ entries: number; responses: number }> {
  const now = opts.now ?? new Date();
  const deadAfterMs = opts.deadAfterMs ?? COUNTING_DEFAULTS.deadAfterMs;
  // The outbox holds only batches in flight: reading all of it is cheap on every engine.
  const entries = await CountingOutbox.collection.find({}, { projection: { writer: 1, createdAt: 1 } }).toArray();
  let resolved = 0;
  let counted = 0;
  const alive = new Map<string, boolean>();
  for (const e of entries) {
    const writer = String(e.writer);
    if (writer === shardWriter.id) continue; // ours: resolved by the pipeline
    if (now.getTime() - new Date(e.createdAt as Date).getTime() < deadAfterMs) continue;
    if (!alive.has(writer)) alive.set(writer, isAlive(await AppInstance.findById(writer).lean(), now, deadAfterMs));
    if (alive.get(writer)) continue;
    const groups = await loadBatchResponses(String(e._id));
    if (groups === null) continue;
    for (const g of groups) {
      await writeRecoveredBatch(g.survey, g.responses, String(e._id), writer);
      counted += g.responses.length;
    }
    await CountingOutbox.collection.deleteOne({ _id: e._id } as Document);
    resolved++;
  }
  return { entries: resolved, responses: counted };
}

/** Takes the lease `name` for the period holding `now` (one holder per period, by a unique _id). */
export async function takeLease(name: string, periodMs: number, holder: string, now = new Date()): Promise<boolean> {
  const period = Math.floor(now.getTime() / periodMs);
  try {
    await Lease.collection.insertOne({ _id: `${name}:${period}`, holder, expiresAt: new Date((period + 1) * periodMs) } as Document);
  } catch (e) {
    if (isDuplicateKey(e)) return false;
    throw e;
  }
  // Old periods' leases are never needed again.
  await Lease.collection.deleteOne({ _id: `${name}:${period - 1}` } as Document).catch(() => undefined);
  return true;
}

export interface ReconcileReport {
  surveys: number;
  drifted: { slug: string; differences: number; repaired: boolean }[];
}

/**
 * Recounts every survey's counters from its responses. Drift is repaired (rebuild) only when the
 * counters did not move during the recount and no outbox entry is pending, so a response counted
 * meanwhile is never counted twice; otherwise it is reported and left to the next round.
 */
export async function reconcile(logger?: CountingOptions['logger']): Promise<ReconcileReport> {
  const surveys = await Survey.find({}, { slug: 1 }).lean();
  const report: ReconcileReport = { surveys: surveys.length, drifted: [] };
  for (const s of surveys) {
    const before = JSON.stringify(await loadCounters(s._id));
    const v = await verifyStats(s._id).catch(() => null); // a recount that raced new responses: next round
    if (!v || v.ok) continue;
    const quiet = JSON.stringify(await loadCounters(s._id)) === before && (await CountingOutbox.collection.estimatedDocumentCount()) === 0;
    if (quiet) await rebuildStats(s._id);
    report.drifted.push({ slug: s.slug, differences: v.differences.length, repaired: quiet });
    logger?.warn(
      { survey: s.slug, differences: v.differences.length, repaired: quiet, sample: v.differences.slice(0, 5) },
      'counters drifted from the responses',
    );
  }
  return report;
}

export interface Counting {
  /** This process's writer id. */
  readonly writer: () => string;
  /** One heartbeat (and fencing check); exposed for tests. */
  beat(): Promise<void>;
  /** Stops the timers, waits (up to `timeoutMs`) for counting in flight, and marks this writer stopped. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * How long this process waits before its next reconcile: the period, or 20 × what the last one
 * took when that is longer. A reconcile recounts every response (about 0.1–0.6 ms each on the
 * embedded engine), so at a million responses it takes minutes; it then runs at most 5% of the time.
 */
export function reconcileGapMs(everyMs: number, lastTookMs: number): number {
  return Math.max(everyMs, 20 * lastTookMs);
}

/** Heartbeat, orphan resolution and reconcile for this process. */
export function startCounting(opts: CountingOptions = {}): Counting {
  const o = { ...COUNTING_DEFAULTS, ...opts };
  const now = opts.now ?? (() => new Date());
  shardWriter.setWriteGap(o.writeGapMs);
  const startedAt = now();
  let lastBeat = now().getTime();
  const register = (id: string, at: Date) =>
    AppInstance.updateOne(
      { _id: id },
      { $set: { seenAt: at, stoppedAt: null }, $setOnInsert: { host: os.hostname(), pid: process.pid, startedAt } },
      { upsert: true },
    );

  const beat = async (): Promise<void> => {
    const at = now();
    try {
      await register(shardWriter.id, at);
      lastBeat = at.getTime();
    } catch (e) {
      if (at.getTime() - lastBeat >= o.fenceAfterMs) {
        const old = shardWriter.id;
        const id = shardWriter.rotate(new Error('counter writer fenced off'));
        lastBeat = at.getTime();
        opts.logger?.warn(
          { old, writer: id, err: e },
          'no heartbeat for too long: counting continues under a new writer id; the old one is resolved from the outbox',
        );
      }
    }
  };

  const checkOrphans = async (): Promise<void> => {
    const r = await resolveOrphans({ now: now(), deadAfterMs: o.deadAfterMs });
    if (r.entries > 0) opts.logger?.warn({ entries: r.entries, responses: r.responses }, 'counted responses left uncounted by a stopped process');
  };

  let reconcileNotBefore = 0;
  const runReconcile = async (): Promise<void> => {
    if (now().getTime() < reconcileNotBefore) return;
    if (!(await takeLease('reconcile', o.reconcileEveryMs, shardWriter.id, now()))) return;
    const started = now().getTime();
    const r = await reconcile(opts.logger);
    const tookMs = now().getTime() - started;
    reconcileNotBefore = now().getTime() + reconcileGapMs(o.reconcileEveryMs, tookMs);
    opts.logger?.info({ surveys: r.surveys, drifted: r.drifted.length, tookMs }, 'counters reconciled');
  };

  const timers = [
    setInterval(() => void beat(), o.heartbeatMs),
    setInterval(() => void checkOrphans().catch((e: unknown) => opts.logger?.warn({ err: e }, 'outbox check failed')), o.orphanCheckMs),
    setInterval(
      () => void runReconcile().catch((e: unknown) => opts.logger?.warn({ err: e }, 'reconcile failed')),
      Math.max(60_000, Math.floor(o.reconcileEveryMs / 4)),
    ),
  ];
  timers.forEach((t) => t.unref());
  void beat();

  return {
    writer: () => shardWriter.id,
    beat,
    async stop(timeoutMs = 5_000) {
      timers.forEach((t) => clearInterval(t));
      const { countersIdle } = await import('./pipeline');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([countersIdle(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
      await AppInstance.updateOne({ _id: shardWriter.id }, { $set: { stoppedAt: now() } }).catch(() => undefined);
    },
  };
}

/**
 * On an engine whose updates are not atomic (FerretDB 1.x), one app process per database: the
 * rate limit and the login throttle share documents between processes. Returns the other live
 * instance, if any (the caller refuses to start).
 */
export async function otherLiveInstance(
  now = new Date(),
  withinMs = 15_000,
  /** True when the instance is known to be gone (e.g. its pid no longer runs on this host). */
  isGone: (pid: number, host: string) => boolean = () => false,
): Promise<{ host: string; pid: number; seenAgoMs: number } | null> {
  // A handful of documents (one per process that ever ran): reading all is cheap on every engine.
  const docs = await AppInstance.find({}).lean();
  for (const d of docs) {
    if (d.stoppedAt || d._id === shardWriter.id) continue;
    const ago = now.getTime() - new Date(d.seenAt).getTime();
    if (ago < withinMs && !isGone(d.pid ?? 0, d.host ?? '')) return { host: d.host ?? '', pid: d.pid ?? 0, seenAgoMs: ago };
  }
  return null;
}
