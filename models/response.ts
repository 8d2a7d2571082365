/**
 * One respondent's answers. Period fields are copied at write time so results aggregate by
 * period without date operators (FerretDB has none). No raw IP address is ever stored.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const answerSchema = new Schema(
  {
    /** Element key (Survey.elements[].key). */
    k: { type: String, required: true },
    /** Score 1–4. An unanswered element has no entry (a blank is not a zero). */
    v: { type: Number, required: true, min: 1, max: 4 },
  },
  { _id: false },
);

const responseSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    year: { type: Number, required: true },
    semester: { type: Number, required: true, min: 1, max: 2 },
    quarter: { type: Number, required: true, min: 1, max: 4 },
    month: { type: Number, required: true, min: 1, max: 12 },
    /** Service key (Survey.services[].key), or "" when the survey lists none. */
    service: { type: String, default: '' },
    answers: { type: [answerSchema], default: [] },
    /** Profile answers by question key (gender, age, education, occupation, custom…). */
    profile: { type: Map, of: String, default: {} },
    suggestion: { type: String, maxlength: 2000, default: '' },
    /** Hidden suggestions stay stored but are left out of reports. */
    suggestionHidden: { type: Boolean, default: false },
    /**
     * "<surveyId>:<YYYY-MM-DD>" (the WIB day) on a response with a suggestion; absent without one.
     * The newest suggestions are read day by day through this one indexed field (server/features/
     * dashboard/suggestions.service.ts): bounded reads on any engine, no sort of all responses.
     */
    suggestionKey: { type: String },
    submittedAt: { type: Date, required: true },
    /** web | kiosk | import */
    source: { type: String, enum: ['web', 'kiosk', 'import'], default: 'web' },
    /**
     * The key the client (or the import, the demo) sent. Uniqueness comes from the _id, which is
     * derived from (survey, scope, key) by server/responses (responseId): a resubmission can never
     * store a second response, and a client key can never take an import's place.
     */
    idempotencyKey: { type: String, required: true },
    /** The counting-outbox batch that stored it (models/counting-outbox.ts): counted exactly once. */
    batch: { type: String },
    /** Hash of the submitted content: a reused key with other answers is refused. */
    contentHash: { type: String, required: true },
  },
  { strict: 'throw', versionKey: false },
);

responseSchema.index({ surveyId: 1, submittedAt: -1 });
responseSchema.index({ unitId: 1, year: 1, month: 1 });
responseSchema.index({ suggestionKey: 1 });

export type ResponseDoc = InferSchemaType<typeof responseSchema> & { _id: Types.ObjectId };
export const Response = model('Response', responseSchema);
