/**
 * One-response-per-device claims: a survey in that mode records, for each device cookie (hashed
 * with the server secret), which idempotency key answered. Kept in a collection of its own with
 * its _id made of (surveyId, deviceHash), so the claim and its check are primary-key operations.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const deviceResponseSchema = new Schema(
  {
    /** "<surveyId>:<deviceHash>": the claim is found by primary key on every engine. */
    _id: { type: String, required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    /** HMAC of the device cookie; the cookie value itself is never stored. */
    deviceHash: { type: String, required: true },
    /** The response that claimed this device: a retry with the same key is not a second response. */
    idempotencyKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

export type DeviceResponseDoc = InferSchemaType<typeof deviceResponseSchema>;
export const DeviceResponse = model('DeviceResponse', deviceResponseSchema);
