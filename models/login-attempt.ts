/**
 * Failed-login counters for throttling, per account and per client, shared by every app
 * instance. One document per subject and time bucket: the _id is
 * "<acct|client>:<sha-256 of the e-mail or address>:<bucket start ms>", so counting a failure
 * is one atomic $inc upsert, and the recent window is the sum of a few buckets. Old buckets are
 * removed by a periodic sweep on `expiresAt` (FerretDB has no TTL indexes). Neither the raw
 * e-mail nor the raw client address is stored.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** "<acct|client>:<hash>": the bucket's subject, for summing a window. */
    subject: { type: String, required: true },
    bucketStart: { type: Date, required: true },
    failures: { type: Number, required: true, default: 0 },
    /** When the bucket no longer counts; the sweep deletes documents past it. */
    expiresAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

loginAttemptSchema.index({ subject: 1, bucketStart: -1 });
loginAttemptSchema.index({ expiresAt: 1 });

export type LoginAttemptDoc = InferSchemaType<typeof loginAttemptSchema>;
export const LoginAttempt = model('LoginAttempt', loginAttemptSchema);
