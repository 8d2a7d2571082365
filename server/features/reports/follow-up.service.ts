/**
 * The follow-up plan (rencana tindak lanjut, RTL; reference 2.9): unit managers record, per
 * survey period, actions for the weakest elements — element, problem, action, person
 * responsible, quarter, status and evidence. Every change is audited (before/after). Read by
 * the report (BAB IV.B, Lampiran 4), the public results page and the next period's dashboard.
 */
import { Types } from 'mongoose';
import { z } from 'zod';
import { FollowUpPlan, PLAN_STATUSES, type FollowUpPlanDoc } from '../../../models/follow-up-plan';
import type { SurveyDoc } from '../../../models/survey';
import { NotFound } from '../../errors';
import { parseOrInvalid } from '../../validation';
import { canManageUnit, type CurrentUser } from '../../access';
import { recordAudit } from '../audit';
import { manageableSurvey, readableSurvey } from '../../access';
import { computeSurveyResults } from '../../results';
import { rankedGroups } from './report.model';
import { previousPlanOf } from './report.service';

const text = (max: number) => z.string().trim().min(1, 'rtl.err.required').max(max, 'rtl.err.required');

/** The form's fields. The element must be one of the survey's; the rest is checked here. */
export function planSchema(elementKeys: readonly string[]) {
  return z.object({
    elementKey: z.string().refine((k) => elementKeys.includes(k), 'rtl.err.element'),
    problem: text(1000),
    action: text(1000),
    responsible: text(200),
    year: z.coerce.number({ message: 'rtl.err.quarter' }).int('rtl.err.quarter').min(2000, 'rtl.err.quarter').max(2100, 'rtl.err.quarter'),
    quarter: z.coerce.number({ message: 'rtl.err.quarter' }).int('rtl.err.quarter').min(1, 'rtl.err.quarter').max(4, 'rtl.err.quarter'),
    status: z.enum(PLAN_STATUSES, { message: 'rtl.err.status' }),
    evidence: z.string().trim().max(2000, 'rtl.err.required').default(''),
  });
}

export type PlanInput = z.infer<ReturnType<typeof planSchema>>;

export interface PlanPage {
  survey: SurveyDoc;
  items: (FollowUpPlanDoc & { id: string })[];
  canManage: boolean;
  /** The lowest-scoring elements (ties kept): the suggested priorities. */
  priorities: string[];
}

function actor(user: CurrentUser) {
  return { id: user.id, email: user.email, name: user.name };
}

const fields = (d: Partial<FollowUpPlanDoc>) => ({
  elementKey: d.elementKey,
  problem: d.problem,
  action: d.action,
  responsible: d.responsible,
  year: d.year,
  quarter: d.quarter,
  status: d.status,
  evidence: d.evidence,
});

/** The plan page of a survey (read scope). */
export async function planPage(user: CurrentUser, surveyId: string): Promise<PlanPage> {
  const survey = await readableSurvey(user, surveyId);
  const docs = await FollowUpPlan.find({ surveyId: survey._id }).lean<FollowUpPlanDoc[]>();
  docs.sort((a, b) => a.year * 10 + a.quarter - (b.year * 10 + b.quarter) || String(a._id).localeCompare(String(b._id)));
  const results = await computeSurveyResults(survey);
  const priorities = results.result
    ? rankedGroups(results.result.elements, 'low', 3)
        .flat()
        .map((e) => e.key)
    : [];
  return { survey, items: docs.map((d) => ({ ...d, id: String(d._id) })), canManage: canManageUnit(user, survey.unitPath), priorities };
}

/** Adds an action (admin, or a unit manager of the survey's unit). Audited. */
export async function addPlanItem(user: CurrentUser, surveyId: string, body: unknown): Promise<string> {
  const survey = await manageableSurvey(user, surveyId);
  const input = parseOrInvalid(planSchema(survey.elements.map((e) => e.key)), body);
  const doc = await FollowUpPlan.create({ ...input, surveyId: survey._id, unitPath: survey.unitPath });
  await recordAudit({
    actor: actor(user),
    action: 'followup.create',
    target: { kind: 'follow-up', id: doc._id, label: `${survey.title}: ${input.action.slice(0, 80)}` },
    after: fields(input),
  });
  return String(doc._id);
}

async function ownItem(survey: SurveyDoc, itemId: string): Promise<FollowUpPlanDoc> {
  if (!Types.ObjectId.isValid(itemId)) throw new NotFound();
  const doc = await FollowUpPlan.findById(itemId).lean<FollowUpPlanDoc>();
  if (!doc || !doc.surveyId.equals(survey._id)) throw new NotFound();
  return doc;
}

/** Changes an action (e.g. its status and evidence). Audited with the changed fields. */
export async function updatePlanItem(user: CurrentUser, surveyId: string, itemId: string, body: unknown): Promise<void> {
  const survey = await manageableSurvey(user, surveyId);
  const before = await ownItem(survey, itemId);
  const input = parseOrInvalid(planSchema(survey.elements.map((e) => e.key)), body);
  const old = fields(before);
  const next = fields(input);
  const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => old[k] !== next[k]);
  if (changed.length === 0) return;
  await FollowUpPlan.updateOne({ _id: before._id }, { $set: input });
  await recordAudit({
    actor: actor(user),
    action: 'followup.update',
    target: { kind: 'follow-up', id: before._id, label: `${survey.title}: ${input.action.slice(0, 80)}` },
    before: Object.fromEntries(changed.map((k) => [k, old[k]])),
    after: Object.fromEntries(changed.map((k) => [k, next[k]])),
  });
}

/** Removes an action. Audited with what it was. */
export async function deletePlanItem(user: CurrentUser, surveyId: string, itemId: string): Promise<void> {
  const survey = await manageableSurvey(user, surveyId);
  const before = await ownItem(survey, itemId);
  await FollowUpPlan.deleteOne({ _id: before._id });
  await recordAudit({
    actor: actor(user),
    action: 'followup.delete',
    target: { kind: 'follow-up', id: before._id, label: `${survey.title}: ${before.action.slice(0, 80)}` },
    before: fields(before),
  });
}

/** "Last period's plan" for a survey's dashboard: the previous period's actions and their status. */
export async function lastPeriodPlan(survey: SurveyDoc) {
  const prev = await previousPlanOf(survey);
  if (!prev || prev.items.length === 0) return null;
  return {
    periodLabel: prev.periodLabel,
    items: prev.items.map((x) => ({
      ...x,
      elementName: prev.survey.elements.find((e) => e.key === x.elementKey)?.name ?? { id: x.elementKey, en: x.elementKey },
    })),
  };
}
