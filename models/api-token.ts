/**
 * API tokens for other government systems reading results. Only a SHA-256 hash of the token
 * is stored: the token itself is shown once, when it is created. Revoked tokens stay stored
 * (with revokedAt) so the audit trail keeps making sense. A token reads unpublished results of
 * one unit and its sub-units only (`unitId`); a token without a unit (made before scoping
 * existed) reads what anyone may: published results.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const apiTokenSchema = new Schema(
  {
    /** What the token is for, e.g. "e-SAKIP Kementerian". */
    name: { type: String, required: true, trim: true, maxlength: 120 },
    /** Hex SHA-256 of the whole token. */
    hash: { type: String, required: true },
    /** The first characters of the token, to recognise it in the list. */
    prefix: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    /** The unit whose surveys (and its sub-units' surveys) the token may read unpublished. */
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true, strict: 'throw' },
);

apiTokenSchema.index({ hash: 1 }, { unique: true });

export type ApiTokenDoc = InferSchemaType<typeof apiTokenSchema> & { _id: Types.ObjectId };
export const ApiToken = model('ApiToken', apiTokenSchema);
