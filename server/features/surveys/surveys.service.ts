/**
 * Survey management: list the surveys in the user's scope, create one from a template, a
 * custom element set or a previous period's survey, and change its settings, texts, services,
 * profile questions, indicator, status and publication. Every change is audited with the
 * changed fields before and after.
 *
 * The element set is frozen once responses exist: answers and counts are keyed by element,
 * so changing the set afterwards would corrupt the index. Texts may be edited only while the
 * survey is a draft without responses.
 */
import mongoose, { Types } from 'mongoose';
import { Survey, type SurveyDoc } from '../../../models/survey';
import { Response } from '../../../models/response';
import { elementsFromTemplate, responseCounts, toStoredElements } from '../../results';
import { Unit } from '../../../models/unit';
import { Conflict, Forbidden, Invalid, isDuplicateKey } from '../../errors';
import { genericElementSet, isTemplateId } from '../../ikm';
import { canManageUnit, canReadUnit, checkSurveyAccess, unitFilter, type CurrentUser, type SurveyAccess } from '../../access';
import { parseOrInvalid } from '../../validation';
import { changedFields, recordAudit } from '../audit';
import { availability } from '../survey-form';
import { indicatorSchema, parseElementTexts, parseProfileRows, parseServiceRows, type CreateInput, type SettingsInput } from './surveys.schema';

type Actor = CurrentUser;

export async function listSurveys(user: CurrentUser) {
  const surveys = await Survey.find(unitFilter(user), { title: 1, slug: 1, period: 1, status: 1, published: 1, responseCount: 1, unitId: 1, template: 1 })
    .sort({ 'period.year': -1, title: 1 })
    .limit(500)
    .lean();
  const units = await Unit.find({ _id: mongoose.trusted({ $in: [...new Set(surveys.map((s) => String(s.unitId)))] }) }, { name: 1 }).lean();
  const names = new Map(units.map((u) => [String(u._id), u.name]));
  const counts = await responseCounts(surveys.map((s) => s._id));
  return surveys.map((s) => ({ ...s, responseCount: counts.get(String(s._id)) ?? 0, unitName: names.get(String(s.unitId)) ?? '' }));
}

/** Units the user may create surveys in: every unit for admins, their subtree for unit managers. */
export async function manageableUnits(user: CurrentUser) {
  if (user.role === 'viewer') return [];
  return Unit.find(unitFilter(user, 'path'), { name: 1, path: 1 }).sort({ name: 1 }).lean();
}

/** The survey, when the user may read (or manage) it: 404 when it does not exist, 403 when out of scope. */
export async function loadSurvey(user: CurrentUser, id: string, access: SurveyAccess) {
  const survey = Types.ObjectId.isValid(id) ? await Survey.findById(id) : null;
  checkSurveyAccess(user, survey, access);
  return survey;
}

/** The name of the survey's unit (for the share section and the poster). */
export async function unitNameOf(survey: { unitId: Types.ObjectId }): Promise<string> {
  return (await Unit.findById(survey.unitId, { name: 1 }).lean())?.name ?? '';
}

/** Stored responses of a survey, from the counters (the survey document is not written on the submission path). */
export async function responseCount(surveyId: Types.ObjectId): Promise<number> {
  return (await responseCounts([surveyId])).get(String(surveyId)) ?? 0;
}

/** True when responses exist: the element set is then frozen. Checks the stored answers too. */
export async function hasResponses(survey: { _id: Types.ObjectId; responseCount?: number | null }): Promise<boolean> {
  return (survey.responseCount ?? 0) > 0 || (await responseCount(survey._id)) > 0 || (await Response.exists({ surveyId: survey._id })) !== null;
}

export type ElementLock = 'editable' | 'responses' | 'notDraft';

export async function elementLock(survey: SurveyDoc): Promise<ElementLock> {
  if (await hasResponses(survey)) return 'responses';
  return survey.status === 'draft' ? 'editable' : 'notDraft';
}

function periodOf(v: { year: number; semester: number | null; quarter: number | null; month: number | null }) {
  return {
    year: v.year,
    ...(v.semester ? { semester: v.semester } : {}),
    ...(v.quarter ? { quarter: v.quarter } : {}),
    ...(v.month ? { month: v.month } : {}),
  };
}

function label(s: { title: string; slug: string }): string {
  return `${s.title} (${s.slug})`;
}

export async function createSurvey(user: Actor, input: CreateInput): Promise<string> {
  const unit = await Unit.findById(input.unitId, { path: 1 }).lean();
  if (!unit) throw new Invalid({ unitId: 'surveys.err.unit' });
  // The form lists only the user's own units: another unit here is a forged request.
  if (!canManageUnit(user, unit.path)) throw new Forbidden();

  let fromCopy: Partial<SurveyDoc> = {};
  let template: string;
  let elements;
  if (input.source === 'copy') {
    const src = Types.ObjectId.isValid(input.copyFrom!) ? await Survey.findById(input.copyFrom).lean() : null;
    if (!src || !canReadUnit(user, src.unitPath)) throw new Invalid({ copyFrom: 'surveys.err.copyFrom' });
    template = src.template;
    elements = src.elements;
    const { description, services, profileQuestions, suggestionEnabled, oneResponsePerDevice, population, indicator } = src;
    fromCopy = { description, services, profileQuestions, suggestionEnabled, oneResponsePerDevice, population, indicator };
  } else if (input.source === 'custom') {
    template = 'custom';
    elements = toStoredElements(genericElementSet(Number(input.customCount)));
  } else if (isTemplateId(input.source)) {
    template = input.source;
    elements = elementsFromTemplate(input.source);
  } else {
    throw new Invalid({ source: 'surveys.err.template' });
  }

  try {
    const s = await Survey.create({
      ...fromCopy,
      unitId: unit._id,
      unitPath: unit.path,
      title: input.title,
      slug: input.slug,
      period: periodOf(input),
      template,
      elements,
      status: 'draft',
      published: false,
      responseCount: 0,
    });
    await recordAudit({
      actor: user,
      action: input.source === 'copy' ? 'survey.copy' : 'survey.create',
      target: { kind: 'survey', id: s._id, label: label(s) },
      after: {
        title: s.title,
        slug: s.slug,
        unitId: s.unitId,
        period: s.period,
        template,
        elements: elements.length,
        ...(input.source === 'copy' ? { copiedFrom: input.copyFrom } : {}),
      },
    });
    return String(s._id);
  } catch (e) {
    if (isDuplicateKey(e)) throw new Invalid({ slug: 'surveys.err.slugTaken' });
    throw e;
  }
}

/** Apply `changes` to the survey (only where `guard` still matches) and audit the difference. */
async function change(user: Actor, survey: SurveyDoc, action: string, changes: Record<string, unknown>, guard: Record<string, unknown> = {}): Promise<boolean> {
  const diff = changedFields(survey, changes);
  if (!diff) return false;
  const r = await Survey.updateOne({ _id: survey._id, ...guard }, { $set: changes });
  if (r.matchedCount === 0) return false;
  await recordAudit({ actor: user, action, target: { kind: 'survey', id: survey._id, label: label(survey) }, ...diff });
  return true;
}

const plain = (s: InstanceType<typeof Survey>) => s.toObject() as SurveyDoc;

export async function updateSettings(user: Actor, id: string, v: SettingsInput): Promise<void> {
  const s = await loadSurvey(user, id, 'manage');
  await change(user, plain(s), 'survey.settings', {
    title: v.title,
    description: v.description,
    titleEn: v.titleEn,
    descriptionEn: v.descriptionEn,
    period: periodOf(v),
    population: v.population,
    opensAt: v.opensAt,
    closesAt: v.closesAt,
    suggestionEnabled: v.suggestionEnabled,
    oneResponsePerDevice: v.oneResponsePerDevice,
  });
}

/**
 * Edit the element texts. Refused (409, with the reason) once responses exist or when the
 * survey is no longer a draft; the update itself is guarded too, so a response arriving
 * meanwhile cannot slip under it.
 */
export async function updateElements(user: Actor, id: string, body: Record<string, unknown>): Promise<void> {
  const s = plain(await loadSurvey(user, id, 'manage'));
  const lock = await elementLock(s);
  if (lock === 'responses') throw new Conflict('surveys.frozen');
  if (lock === 'notDraft') throw new Conflict('surveys.notDraft');
  const texts = parseElementTexts(body, s.elements.length);
  const elements = s.elements.map((e, i) => ({ key: e.key, code: e.code, ...texts[i]! }));
  const done = await change(user, s, 'survey.elements', { elements }, { status: 'draft', responseCount: 0 });
  if (!done && (await hasResponses(s))) throw new Conflict('surveys.frozen');
}

export async function updateServices(user: Actor, id: string, body: Record<string, unknown>): Promise<void> {
  const s = plain(await loadSurvey(user, id, 'manage'));
  await change(user, s, 'survey.services', { services: parseServiceRows(body) });
}

export async function updateProfile(user: Actor, id: string, body: Record<string, unknown>): Promise<void> {
  const s = plain(await loadSurvey(user, id, 'manage'));
  await change(user, s, 'survey.profile', { profileQuestions: parseProfileRows(body) });
}

export async function updateIndicator(user: Actor, id: string, body: Record<string, unknown>): Promise<void> {
  const s = plain(await loadSurvey(user, id, 'manage'));
  if (body.remove === '1') {
    await change(user, s, 'survey.indicator', { indicator: null });
    return;
  }
  await change(user, s, 'survey.indicator', { indicator: parseOrInvalid(indicatorSchema, body) });
}

export async function setStatus(user: Actor, id: string, to: unknown): Promise<void> {
  const s = plain(await loadSurvey(user, id, 'manage'));
  if (to !== 'open' && to !== 'closed') throw new Invalid({ status: 'admin.required' });
  await change(user, s, to === 'open' ? 'survey.open' : 'survey.close', { status: to });
}

export async function setPublished(user: Actor, id: string, published: unknown): Promise<void> {
  const s = plain(await loadSurvey(user, id, 'manage'));
  const value = published === '1';
  await change(user, s, value ? 'survey.publish' : 'survey.unpublish', { published: value });
}

/** Surveys the user may copy from (their readable scope), newest first. */
export async function copySources(user: CurrentUser) {
  return Survey.find(unitFilter(user), { title: 1, slug: 1, period: 1 }).sort({ 'period.year': -1, title: 1 }).limit(200).lean();
}

/** The surveys taking answers at `now` (the front page lists them). */
export async function openSurveys(now: Date) {
  const surveys = await Survey.find({ status: 'open' }, { title: 1, slug: 1, period: 1, opensAt: 1, closesAt: 1 })
    .sort({ 'period.year': -1, title: 1 })
    .limit(50)
    .lean();
  // The form's own rule (status, dates and period), so the front page never links to a notice.
  return surveys.filter((s) => availability({ status: 'open', opensAt: s.opensAt ?? null, closesAt: s.closesAt ?? null, period: s.period }, now) === 'open');
}
