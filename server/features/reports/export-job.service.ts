/**
 * Large exports prepared in the background (issue 9): an XLSX or CSV of more raw rows than the
 * threshold (known from the counters, not by reading rows) becomes a job. The job document and
 * the file's chunks are stored in the database (models/export-job.ts), so any instance can show
 * the progress and serve the file; the instance that took the request runs it.
 *
 *   create    the requester's access checked as for a direct download; rows expected from the counters
 *   run       the export streams into chunk documents `<jobId>:<n>`; the job's progress and a
 *             heartbeat are written by the running instance only (one writer per document)
 *   view      only the requester sees the job (another unit's: 403, anyone else: 404); a running
 *             job without a heartbeat for STALE_MS has died (process killed): shown as failed
 *   retry     a failed job is replaced by a new one with the same request
 *   sweep     a day after it was asked for, the job and its chunks are deleted, in small batches
 *
 * Time comes from the caller's clock.
 */
import { Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import mongoose, { Types } from 'mongoose';
import { ExportChunk, ExportJob, type ExportJobDoc } from '../../../models/export-job';
import { Survey, type SurveyDoc } from '../../../models/survey';
import { NotFound } from '../../errors';
import type { Lang } from '../../i18n';
import type { CurrentUser } from '../../access';
import { sweepExpired } from '../../db/sweep';
import { bytesOf } from '../../lib/binary';
import { readableSurvey } from '../../access';
import { buildSurveyReport, countRawResponses, parseReportPeriod, reportFileName, type ReportPeriod } from './report.service';
import { writeCsv, writeXlsx } from './report.export';

export type JobFormat = 'xlsx' | 'csv';
export type Clock = () => Date;

/** How long a job and its file are kept after it was asked for. */
export const JOB_TTL_MS = 24 * 3600_000;
/** How often the running instance writes its progress (and that it is alive). */
export const HEARTBEAT_MS = 5_000;
/** A running job without a heartbeat for this long has died. */
export const STALE_MS = 60_000;
/** Bytes per chunk document. */
export const CHUNK_BYTES = 512 * 1024;
const SWEEP_EVERY_MS = 10 * 60_000;
const SWEEP_BATCH = 20;
let lastSweep = 0;

/** The runs of this process, by job id. */
const running = new Map<string, Promise<void>>();
/** How to stop each of this process's runs (the job is written failed by its run). */
const stoppers = new Map<string, (e: Error) => void>();

const ymText = (x: ReportPeriod['from']) => (x ? `${x.year}-${String(x.month).padStart(2, '0')}` : '');

/** The survey (access checked as for a direct download), the period, and the raw rows it holds (counters). */
export async function exportSize(
  user: CurrentUser,
  surveyId: string,
  q: Record<string, unknown>,
): Promise<{ survey: SurveyDoc; period: ReportPeriod; rows: number }> {
  const period = parseReportPeriod(q);
  const survey = await readableSurvey(user, surveyId);
  return { survey, period, rows: await countRawResponses(survey._id, period) };
}

/** Creates a job for an export and starts it in this process; returns its id. */
export async function createExportJob(
  user: CurrentUser,
  surveyId: string,
  q: Record<string, unknown>,
  lang: Lang,
  format: JobFormat,
  clock: Clock,
  chunkBytes = CHUNK_BYTES,
): Promise<string> {
  const { survey, period, rows } = await exportSize(user, surveyId, q);
  const now = clock();
  if (now.getTime() - lastSweep >= SWEEP_EVERY_MS) await sweepExportJobs(now);
  const job = await ExportJob.create({
    surveyId: survey._id,
    userId: new Types.ObjectId(user.id),
    format,
    lang,
    from: ymText(period.from),
    to: ymText(period.to),
    fileName: reportFileName({ period, survey, lang }, format),
    total: rows,
    heartbeatAt: now,
    expiresAt: new Date(now.getTime() + JOB_TTL_MS),
  });
  const run = runJob(job._id, clock, chunkBytes).finally(() => {
    running.delete(job._id);
    stoppers.delete(job._id);
  });
  running.set(job._id, run);
  return job._id;
}

/** Resolves when this process's run of the job has ended (at once if it runs elsewhere or is over). */
export function jobSettled(id: string): Promise<void> {
  return running.get(id) ?? Promise.resolve();
}

/** The run was stopped: its job was deleted (retried, expired). */
class Stopped extends Error {}

/**
 * The graceful drain (SIGTERM): this process's running jobs end now, each written failed by its
 * own run (the one writer of its document), so its page offers the retry at once instead of a
 * minute later when the heartbeat goes stale. Resolves when every run has ended.
 */
export async function stopExportJobs(reason = 'the server is shutting down'): Promise<number> {
  const runs = [...running.values()];
  for (const stop of stoppers.values()) stop(new Error(reason));
  await Promise.allSettled(runs);
  return runs.length;
}

/** A writable that stores what it is given in chunk documents of `chunkBytes` (the last one shorter). */
function chunkWriter(store: (data: Buffer) => Promise<void>, chunkBytes: number): Writable {
  let parts: Buffer[] = [];
  let size = 0;
  /** Stores every full chunk held, or everything held at the end. */
  const flush = async (all: boolean) => {
    if (size < chunkBytes && !(all && size > 0)) return;
    let data = Buffer.concat(parts, size);
    for (; data.length >= chunkBytes || (all && data.length > 0); data = data.subarray(chunkBytes)) await store(data.subarray(0, chunkBytes));
    parts = data.length > 0 ? [data] : [];
    size = data.length;
  };
  return new Writable({
    write(chunk: Buffer, _encoding, cb) {
      parts.push(chunk);
      size += chunk.length;
      flush(false).then(() => cb(), cb);
    },
    final(cb) {
      flush(true).then(() => cb(), cb);
    },
  });
}

const chunkIds = (id: string, chunks: number) => Array.from({ length: chunks }, (_, n) => `${id}:${n}`);

async function deleteChunks(id: string, chunks: number): Promise<void> {
  const ids = chunkIds(id, chunks);
  // Our own operator: trusted under sanitizeFilter.
  for (let i = 0; i < ids.length; i += 100) await ExportChunk.deleteMany({ _id: mongoose.trusted({ $in: ids.slice(i, i + 100) }) });
}

async function runJob(id: string, clock: Clock, chunkBytes: number): Promise<void> {
  // Stoppable from its start (stopExportJobs).
  const stoppedHere = new Promise<never>((_, reject) => stoppers.set(id, reject));
  stoppedHere.catch(() => undefined);
  const job = await ExportJob.findById(id).lean<ExportJobDoc>();
  if (!job) return;
  let done = 0;
  let chunks = 0;
  let bytes = 0;
  let stopped = false;
  // This run is the job document's one writer. A job no longer running here (deleted by a retry
  // or the sweep) stops the run.
  // Saves run one after another, each with the figures of its own moment, so an older heartbeat
  // never lands after a newer chunk count.
  let saving: Promise<void> = Promise.resolve();
  const save = (set: Record<string, unknown> = {}): Promise<void> => {
    const next = saving.then(async () => {
      const r = await ExportJob.updateOne({ _id: id, status: 'running' }, { $set: { done, chunks, bytes, heartbeatAt: clock(), ...set } });
      if (r.matchedCount === 0) stopped = true;
    });
    saving = next.catch(() => undefined);
    return next;
  };
  const beat = setInterval(() => void save().catch(() => undefined), HEARTBEAT_MS);
  beat.unref();
  const sink = chunkWriter(async (data) => {
    // The chunk is counted before it is written: the job always names every chunk stored.
    chunks += 1;
    await save();
    if (stopped) throw new Stopped();
    await ExportChunk.create({ _id: `${id}:${chunks - 1}`, data });
    bytes += data.length;
  }, chunkBytes);
  const sinkFailed = once(sink, 'error').then(([e]) => Promise.reject(e as Error));
  sinkFailed.catch(() => undefined);
  const body = async () => {
    const survey = await Survey.findById(job.surveyId).lean<SurveyDoc>();
    if (!survey) throw new NotFound();
    const period = parseReportPeriod({ from: job.from, to: job.to });
    const ctx = await buildSurveyReport(survey, period, job.lang === 'en' ? 'en' : 'id', clock());
    const progress = (rows: number) => {
      done = rows;
      if (stopped) throw new Stopped();
    };
    const write = job.format === 'csv' ? writeCsv(ctx, sink, { progress }) : writeXlsx(ctx, sink, { progress });
    // A file that cannot be stored fails the run (exceljs would otherwise wait for its stream forever).
    await Promise.race([write, sinkFailed]);
    await Promise.race([finished(sink), sinkFailed]);
  };
  try {
    await Promise.race([body(), stoppedHere]);
    await save({ status: 'done' });
  } catch (e) {
    // Destroying the sink also cancels the file's writer on the renderer's worker.
    sink.destroy();
    if (!stopped) await save({ status: 'failed', error: (e as Error).message.slice(0, 500) }).catch(() => undefined);
    await deleteChunks(id, chunks).catch(() => undefined);
  } finally {
    clearInterval(beat);
  }
}

/** What the job page shows. */
export type JobState = 'running' | 'done' | 'failed';

/** A job's state by the clock: a running job without a heartbeat for STALE_MS has died. */
export function jobState(job: Pick<ExportJobDoc, 'status' | 'heartbeatAt'>, now: Date): JobState {
  if (job.status === 'running' && now.getTime() - new Date(job.heartbeatAt).getTime() > STALE_MS) return 'failed';
  return job.status === 'done' ? 'done' : job.status === 'failed' ? 'failed' : 'running';
}

/** The requester's job: 404 unknown or expired; another unit's 403; someone else's in the unit 404. */
export async function jobOf(user: CurrentUser, id: string, now: Date): Promise<ExportJobDoc> {
  const job = await ExportJob.findById(id).lean<ExportJobDoc>();
  if (!job || new Date(job.expiresAt).getTime() <= now.getTime()) throw new NotFound();
  if (String(job.userId) !== user.id) {
    await readableSurvey(user, String(job.surveyId));
    throw new NotFound();
  }
  return job;
}

/** Replaces a failed (or died) job by a new one with the same request; returns the new id (or the same, if it has not failed). */
export async function retryExportJob(user: CurrentUser, id: string, clock: Clock, chunkBytes = CHUNK_BYTES): Promise<string> {
  const job = await jobOf(user, id, clock());
  if (jobState(job, clock()) !== 'failed') return job._id;
  const next = await createExportJob(
    user,
    String(job.surveyId),
    { from: job.from, to: job.to },
    job.lang === 'en' ? 'en' : 'id',
    job.format === 'csv' ? 'csv' : 'xlsx',
    clock,
    chunkBytes,
  );
  await ExportJob.deleteOne({ _id: job._id });
  await deleteChunks(job._id, job.chunks);
  return next;
}

/** The job's file, chunk after chunk (each read by `_id`). */
export async function* jobFile(job: Pick<ExportJobDoc, '_id' | 'chunks'>): AsyncGenerator<Buffer> {
  for (const id of chunkIds(job._id, job.chunks)) {
    const chunk = await ExportChunk.findById(id).lean();
    if (!chunk) throw new NotFound();
    yield bytesOf(chunk.data);
  }
}

/**
 * Deletes jobs asked for more than a day ago, with their chunks: at most SWEEP_BATCH jobs per
 * call (the embedded engine has no TTL index). Returns how many jobs were deleted.
 */
export async function sweepExportJobs(now: Date): Promise<number> {
  lastSweep = now.getTime();
  return sweepExpired(
    ExportJob.collection,
    { expiresAt: { $lt: now } },
    {
      batch: SWEEP_BATCH,
      maxBatches: 1,
      onBatch: async (ids) => {
        const jobs = await ExportJob.find({ _id: mongoose.trusted({ $in: ids.map(String) }) }, { chunks: 1 }).lean();
        for (const j of jobs) await deleteChunks(j._id, j.chunks);
      },
    },
  );
}
