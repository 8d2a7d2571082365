/**
 * Login-throttling slots (server/features/auth/throttle.service.ts), shared by every app
 * instance. One document per reserved attempt: the _id is
 * "<pair|client|acct>:<keyed hash>:<window>:<slot>", so reserving an attempt is one insert, which
 * is atomic on every engine (an update is not, on the embedded one). Neither the e-mail nor the
 * client address is stored: only an HMAC of them with the server secret. A sweep deletes
 * documents past `expiresAt` (FerretDB has no TTL indexes).
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The end of the slot's window; the sweep deletes documents past it. */
    expiresAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

loginAttemptSchema.index({ expiresAt: 1 });

export type LoginAttemptDoc = InferSchemaType<typeof loginAttemptSchema>;
export const LoginAttempt = model('LoginAttempt', loginAttemptSchema);
