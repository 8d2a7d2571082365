/**
 * Rate-limit counters shared by every app instance: one document per client and time window.
 * The _id is "<scope>:<salted hash of the client address>:<window start>", so a new window is a
 * new document (an atomic $inc upsert) and old windows are removed by a periodic sweep on
 * `expiresAt` (FerretDB has no TTL indexes). The raw client address is never stored.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const rateLimitSchema = new Schema(
  {
    _id: { type: String, required: true },
    hits: { type: Number, required: true, default: 0 },
    /** End of the window; the sweep deletes documents past it. */
    expiresAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

rateLimitSchema.index({ expiresAt: 1 });

export type RateLimitDoc = InferSchemaType<typeof rateLimitSchema>;
export const RateLimit = model('RateLimit', rateLimitSchema);
