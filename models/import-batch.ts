/**
 * An uploaded answer file waiting for its import: the column mapping, the decisions on unknown
 * answer texts, and its state. The file itself lives in its own document (ImportFile, same
 * `_id`), read only by `_id`, so listing or sweeping batches never reads megabytes of files
 * (issue 10: with the files inline every preview took 4 s). Nothing becomes a response until
 * the batch is imported.
 *
 * Batch ids are 128 random bits, not ObjectIds: they cannot be guessed from another batch's id
 * or from the time (issue 10).
 */
import crypto from 'node:crypto';
import { Schema, model, type InferSchemaType } from 'mongoose';

/** A new unguessable batch id (22 characters, URL-safe). */
export const newBatchId = (): string => crypto.randomBytes(16).toString('base64url');

const importBatchSchema = new Schema(
  {
    _id: { type: String, default: newBatchId },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    fileName: { type: String, default: '', maxlength: 255 },
    /** SHA-256 of the file: the same file uploaded again is recognised even without timestamps. */
    fileHash: { type: String, default: '' },
    layout: { type: String, enum: ['scores', 'forms'], required: true },
    /** Target of each column: ignore | timestamp | service | suggestion | el:<key> | pf:<key>. */
    mapping: { type: [String], default: [] },
    /** Column index → normalized text → decision (score 1–4, option key, or "blank"). */
    decisions: { type: Schema.Types.Mixed, default: {} },
    /** Numbers in front of labels that disagree with them: ask, or read all by the label / the number. */
    prefixRule: { type: String, enum: ['ask', 'label', 'number'], default: 'ask' },
    /** Import rows already imported into the survey once more (default: leave them out). */
    includeImported: { type: Boolean, default: false },
    dateOrder: { type: String, enum: ['dmy', 'mdy', 'ymd'], default: 'dmy' },
    defaultDate: { type: String, default: '' },
    defaultService: { type: String, default: '' },
    status: { type: String, enum: ['draft', 'importing', 'imported'], default: 'draft' },
    /** A draft not changed by then is removed by the sweep (set from the caller's clock). */
    expiresAt: { type: Date, required: true },
    /** When the current import attempt started (an attempt older than the lease may be resumed). */
    importingSince: { type: Date, default: null },
    /** Fingerprints of the rows imported (recognises them in a later download of the same export). */
    fingerprints: { type: [String], default: [] },
    imported: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    alreadyImported: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false, minimize: false },
);

importBatchSchema.index({ surveyId: 1, createdAt: -1 });
importBatchSchema.index({ status: 1, expiresAt: 1 });

/** The uploaded file of a batch (at most 10 MB), removed once the batch is imported or expires. */
const importFileSchema = new Schema(
  {
    _id: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false },
);

export type ImportBatchDoc = InferSchemaType<typeof importBatchSchema> & { _id: string };
export const ImportBatch = model('ImportBatch', importBatchSchema);
export const ImportFile = model('ImportFile', importFileSchema);
