/**
 * A survey: one unit's questionnaire for one period. The element set is a copy of a method
 * template (server/ikm) or a custom set; it is frozen once responses exist, because changing
 * it would corrupt the index.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const text = { id: { type: String, required: true }, en: { type: String, required: true } };

const elementSchema = new Schema(
  {
    /** Stable key (e.g. "persyaratan"); answers and counts are keyed by it, never by position. */
    key: { type: String, required: true, match: /^[a-z0-9]+(?:-[a-z0-9]+)*$/, maxlength: 40 },
    /** Column code in questionnaire order: U1, U2, … */
    code: { type: String, required: true },
    name: text,
    question: text,
    /** Four answer labels, score 1 (worst) to 4 (best). */
    labels: { id: { type: [String], required: true }, en: { type: [String], required: true } },
  },
  { _id: false },
);

const choiceSchema = new Schema({ key: { type: String, required: true, match: /^[a-z0-9][a-z0-9_-]{0,59}$/ }, name: text }, { _id: false });

const profileQuestionSchema = new Schema(
  {
    /** gender, age, education, occupation, or a custom key. */
    key: { type: String, required: true, match: /^[a-z][a-z0-9_]{0,39}$/ },
    label: text,
    /** choice: one of `options`; text: free text (short). */
    kind: { type: String, enum: ['choice', 'text'], default: 'choice' },
    options: { type: [choiceSchema], default: [] },
    required: { type: Boolean, default: false },
  },
  { _id: false },
);

const periodSchema = new Schema(
  {
    year: { type: Number, required: true, min: 2000, max: 2100 },
    semester: { type: Number, min: 1, max: 2 },
    quarter: { type: Number, min: 1, max: 4 },
    month: { type: Number, min: 1, max: 12 },
  },
  { _id: false },
);

const indicatorSchema = new Schema(
  {
    /** e.g. "IKK 3.1" */
    code: { type: String, required: true, trim: true, maxlength: 40 },
    name: { type: String, required: true, trim: true, maxlength: 300 },
    /** Target on the 25–100 scale, e.g. 90. */
    target: { type: Number, required: true, min: 0, max: 100 },
    polarity: { type: String, enum: ['higher', 'lower'], default: 'higher' },
    /** Achievement cap in percent: none, 100 or 120. */
    cap: { type: Number, enum: [null, 100, 120], default: null },
    achievementDecimals: { type: Number, min: 0, max: 4, default: 2 },
    achievementRounding: { type: String, enum: ['round', 'truncate'], default: 'round' },
  },
  { _id: false },
);

const surveySchema = new Schema(
  {
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true },
    /** The unit's path (ancestors and itself), copied for "unit with sub-units" filters. */
    unitPath: { type: [Schema.Types.ObjectId], default: [] },
    title: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, trim: true, maxlength: 2000, default: '' },
    /** English title and description for the form's English version; blank = the Indonesian text is shown. */
    titleEn: { type: String, trim: true, maxlength: 200, default: '' },
    descriptionEn: { type: String, trim: true, maxlength: 2000, default: '' },
    /** Public URL: /s/<slug> */
    slug: { type: String, required: true, lowercase: true, trim: true, match: /^[a-z0-9][a-z0-9-]{1,79}$/ },
    period: { type: periodSchema, required: true },
    /** Method template id (server/ikm), or "custom". Decides the grade table. */
    template: { type: String, required: true },
    elements: { type: [elementSchema], required: true, validate: (v: unknown[]) => v.length >= 1 },
    services: { type: [choiceSchema], default: [] },
    profileQuestions: { type: [profileQuestionSchema], default: [] },
    suggestionEnabled: { type: Boolean, default: true },
    status: { type: String, enum: ['draft', 'open', 'closed'], default: 'draft' },
    opensAt: { type: Date, default: null },
    closesAt: { type: Date, default: null },
    /** Estimated number of service users in the period (for the Krejcie–Morgan sample). */
    population: { type: Number, min: 1, default: null },
    indicator: { type: indicatorSchema, default: null },
    /** Results visible through the public API and results page. */
    published: { type: Boolean, default: false },
    /** One response per device (a cookie), for surveys run on personal phones. */
    oneResponsePerDevice: { type: Boolean, default: false },
    /** Number of stored responses; > 0 freezes the element set. */
    responseCount: { type: Number, default: 0 },
  },
  { timestamps: true, strict: 'throw' },
);

surveySchema.index({ slug: 1 }, { unique: true });
surveySchema.index({ unitPath: 1, 'period.year': -1 });
surveySchema.index({ status: 1, 'period.year': -1 });

export type SurveyDoc = InferSchemaType<typeof surveySchema> & { _id: Types.ObjectId };
export type SurveyElement = InferSchemaType<typeof elementSchema>;
export const Survey = model('Survey', surveySchema);
