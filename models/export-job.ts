/**
 * An export prepared in the background (a large XLSX or CSV of raw answers): who asked for it,
 * what, its progress, and where its file is. The file lives in ExportChunk documents with
 * `_id` `<jobId>:<n>` (n = 0, 1, …; like GridFS, but keyed by `_id` alone: the embedded engine
 * pushes only `_id` and indexed equality down to its storage), so any instance can serve it and a
 * download reads chunk after chunk by primary key. One writer per job document: the instance
 * running it (its progress and heartbeat); a retry makes a new job.
 *
 * Job ids are 128 random bits (unguessable, as import batches).
 */
import crypto from 'node:crypto';
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const newJobId = (): string => crypto.randomBytes(16).toString('base64url');

export const EXPORT_JOB_FORMATS = ['xlsx', 'csv'] as const;
export const EXPORT_JOB_STATUSES = ['running', 'done', 'failed'] as const;

const exportJobSchema = new Schema(
  {
    _id: { type: String, default: newJobId },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    /** Who asked for it: only they see the job and download its file. */
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    format: { type: String, enum: EXPORT_JOB_FORMATS, required: true },
    lang: { type: String, enum: ['id', 'en'], required: true },
    /** The months (YYYY-MM, empty: unbounded), as the direct download's query. */
    from: { type: String, default: '' },
    to: { type: String, default: '' },
    fileName: { type: String, required: true },
    status: { type: String, enum: EXPORT_JOB_STATUSES, default: 'running' },
    /** Rows expected (from the counters) and rows written so far. */
    total: { type: Number, default: 0 },
    done: { type: Number, default: 0 },
    /** Chunks reserved so far (≥ the chunks stored: a chunk is counted before it is written). */
    chunks: { type: Number, default: 0 },
    bytes: { type: Number, default: 0 },
    error: { type: String, default: '' },
    /** Written by the running instance every few seconds; a running job without one for long has died. */
    heartbeatAt: { type: Date, required: true },
    /** The job and its file are swept after this (a day after it was asked for). */
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);

exportJobSchema.index({ expiresAt: 1 });

/** A piece of an export's file (at most CHUNK_BYTES). */
const exportChunkSchema = new Schema(
  {
    _id: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false },
);

export type ExportJobDoc = InferSchemaType<typeof exportJobSchema> & { _id: string; surveyId: Types.ObjectId; userId: Types.ObjectId };
export const ExportJob = model('ExportJob', exportJobSchema);
export const ExportChunk = model('ExportChunk', exportChunkSchema);
