/** Builders for the dashboard, import and demo tests: a unit, a survey, stored responses. */
import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import { Unit } from '../../models/unit';
import { Survey, type SurveyDoc } from '../../models/survey';
import { Response } from '../../models/response';
import { elementsFromTemplate } from '../../server/results';
import { periodOfMonth, responseId, storeResponses, type NewResponse } from '../../server/responses';

let n = 0;
const uid = () => `${Date.now().toString(36)}${(n++).toString(36)}${crypto.randomBytes(2).toString('hex')}`;

export async function makeUnit(name = 'Direktorat Uji', parent?: { _id: Types.ObjectId; path: Types.ObjectId[] }) {
  const unit = await Unit.create({ name, slug: `u-${uid()}`, parentId: parent?._id ?? null, path: [] });
  unit.path = [...(parent?.path ?? []), unit._id];
  await unit.save();
  return unit;
}

export async function makeSurvey(unit: { _id: Types.ObjectId; path: Types.ObjectId[] }, overrides: Record<string, unknown> = {}): Promise<SurveyDoc> {
  const s = await Survey.create({
    unitId: unit._id,
    unitPath: unit.path,
    title: 'Survei Uji',
    slug: `s-${uid()}`,
    period: { year: 2022 },
    template: 'permenpanrb-14-2017',
    elements: elementsFromTemplate('permenpanrb-14-2017'),
    services: [
      { key: 'a', name: { id: 'Layanan A', en: 'Service A' } },
      { key: 'b', name: { id: 'Layanan B', en: 'Service B' } },
    ],
    status: 'open',
    population: 1200,
    indicator: { code: 'IKK 3.1', name: 'Indeks kepuasan', target: 80 },
    ...overrides,
  });
  return s.toObject() as SurveyDoc;
}

export interface ResponseInput {
  /** Scores in element order; null = blank. */
  scores: readonly (number | null)[];
  month?: number;
  year?: number;
  service?: string;
  profile?: Record<string, string>;
  suggestion?: string;
  submittedAt?: Date;
}

function newResponse(survey: SurveyDoc, input: ResponseInput): NewResponse {
  const year = input.year ?? survey.period.year;
  const month = input.month ?? 1;
  const answers = survey.elements
    .map((e, j) => ({ k: e.key, v: input.scores[j] }))
    .filter((a): a is { k: string; v: number } => a.v !== null && a.v !== undefined);
  return {
    key: `t-${uid()}`,
    submittedAt: input.submittedAt ?? new Date(Date.UTC(year, month - 1, 15, 3)),
    period: periodOfMonth(year, month),
    service: input.service ?? '',
    answers,
    profile: input.profile ?? {},
    suggestion: input.suggestion ?? '',
    source: 'web',
  };
}

/** Stores a response through the response pipeline (the form's way), counted before it resolves. */
export async function storeResponse(survey: SurveyDoc, input: ResponseInput) {
  const r = newResponse(survey, input);
  const [outcome] = await storeResponses(survey, 'form', [r]);
  if (outcome !== 'stored') throw new Error(`fixture response not stored: ${outcome}`);
  const doc = await Response.findById(responseId(survey._id, 'form', r.key));
  return doc!;
}

/**
 * Stores many responses through the response pipeline in one call (group-committed, as an import
 * stores its rows), all counted before it resolves: one round of writes instead of one per response.
 */
export async function storeAll(survey: SurveyDoc, inputs: readonly ResponseInput[]): Promise<void> {
  const outcomes = await storeResponses(
    survey,
    'form',
    inputs.map((i) => newResponse(survey, i)),
  );
  const notStored = outcomes.filter((o) => o !== 'stored');
  if (notStored.length > 0) throw new Error(`fixture responses not stored: ${notStored.join(', ')}`);
}
