/**
 * The audit trail of admin actions: who did what to which record, when, and the changed
 * fields before and after. Append-only: nothing in the app updates or deletes an entry.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const auditLogSchema = new Schema(
  {
    at: { type: Date, required: true, default: () => new Date() },
    /** The acting user (null for the system, e.g. the first-admin bootstrap). */
    actorId: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    /** Copied at write time: the entry stays readable when the user is renamed or disabled. */
    actorEmail: { type: String, default: '' },
    actorName: { type: String, default: '' },
    /** Dotted action name, e.g. "survey.update", "user.create", "token.revoke". */
    action: { type: String, required: true, maxlength: 80 },
    target: {
      kind: { type: String, required: true, maxlength: 40 },
      id: { type: String, required: true, maxlength: 80 },
      label: { type: String, default: '', maxlength: 300 },
    },
    /** Changed fields only, as they were and as they became. */
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
  },
  { strict: 'throw', versionKey: false, minimize: false },
);

auditLogSchema.index({ at: -1 });
auditLogSchema.index({ 'target.kind': 1, 'target.id': 1, at: -1 });

export type AuditLogDoc = InferSchemaType<typeof auditLogSchema> & { _id: Types.ObjectId };
export const AuditLog = model('AuditLog', auditLogSchema);
