/**
 * One action of a survey period's follow-up plan (rencana tindak lanjut, RTL; reference 2.9):
 * the element it improves, the problem, the action, who is responsible, the quarter, and its
 * status with evidence. One document per action, changed only by its _id (one writer per
 * document), so concurrent edits of two actions never lose each other's writes.
 */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const PLAN_STATUSES = ['planned', 'in-progress', 'done'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

const followUpPlanSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    /** The survey's unit path, copied for unit-scope checks. */
    unitPath: { type: [Schema.Types.ObjectId], default: [] },
    /** Element key of the survey (Survey.elements[].key). */
    elementKey: { type: String, required: true, maxlength: 40 },
    problem: { type: String, required: true, trim: true, maxlength: 1000 },
    action: { type: String, required: true, trim: true, maxlength: 1000 },
    responsible: { type: String, required: true, trim: true, maxlength: 200 },
    /** When: a quarter (TW I–IV) of a year, usually the year after the survey. */
    year: { type: Number, required: true, min: 2000, max: 2100 },
    quarter: { type: Number, required: true, min: 1, max: 4 },
    status: { type: String, enum: PLAN_STATUSES, default: 'planned' },
    evidence: { type: String, trim: true, maxlength: 2000, default: '' },
  },
  { timestamps: true, strict: 'throw', versionKey: false },
);

followUpPlanSchema.index({ surveyId: 1, year: 1, quarter: 1 });

export type FollowUpPlanDoc = InferSchemaType<typeof followUpPlanSchema> & { _id: Types.ObjectId };
export const FollowUpPlan = model('FollowUpPlan', followUpPlanSchema);
