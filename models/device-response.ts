/**
 * One-response-per-device claims: a survey in that mode records, for each device cookie (hashed
 * with the server secret), which idempotency key answered. Kept in a collection of its own with
 * a unique (surveyId, deviceHash) index whose fields are always present: a unique index on an
 * optional field of Response would treat every missing value as equal on FerretDB.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const deviceResponseSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    /** HMAC of the device cookie; the cookie value itself is never stored. */
    deviceHash: { type: String, required: true },
    /** The response that claimed this device: a retry with the same key is not a second response. */
    idempotencyKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

deviceResponseSchema.index({ surveyId: 1, deviceHash: 1 }, { unique: true });

export type DeviceResponseDoc = InferSchemaType<typeof deviceResponseSchema>;
export const DeviceResponse = model('DeviceResponse', deviceResponseSchema);
