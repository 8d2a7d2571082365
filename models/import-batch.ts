/**
 * An uploaded answer file waiting for its import: the file itself (re-read for every preview,
 * so the dry run and the import see the same rows), the column mapping, the decisions on
 * unknown answer texts, and its state. Nothing becomes a response until it is imported.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const importBatchSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    fileName: { type: String, default: '', maxlength: 255 },
    /** The uploaded file (at most 10 MB). */
    data: { type: Buffer, required: true },
    layout: { type: String, enum: ['scores', 'forms'], required: true },
    /** Target of each column: ignore | timestamp | service | suggestion | el:<key> | pf:<key>. */
    mapping: { type: [String], default: [] },
    /** Column index → normalized text → decision (score 1–4, option key, or "blank"). */
    decisions: { type: Schema.Types.Mixed, default: {} },
    dateOrder: { type: String, enum: ['dmy', 'mdy', 'ymd'], default: 'dmy' },
    defaultDate: { type: String, default: '' },
    defaultService: { type: String, default: '' },
    status: { type: String, enum: ['draft', 'importing', 'imported'], default: 'draft' },
    imported: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
  },
  { timestamps: true, versionKey: false, minimize: false },
);

importBatchSchema.index({ surveyId: 1, createdAt: -1 });

export type ImportBatchDoc = InferSchemaType<typeof importBatchSchema> & { _id: Types.ObjectId };
export const ImportBatch = model('ImportBatch', importBatchSchema);
