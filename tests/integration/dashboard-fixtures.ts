/** Builders for the dashboard, import and demo tests: a unit, a survey, stored responses. */
import crypto from 'node:crypto';
import type { Types } from 'mongoose';
import { Unit } from '../../models/unit';
import { Survey, type SurveyDoc } from '../../models/survey';
import { Response } from '../../models/response';
import { elementsFromTemplate } from '../../server/features/surveys/elements';
import { recordResponseStats } from '../../server/results';

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

/** Stores a response as the form does (insert, then the counters). */
export async function storeResponse(survey: SurveyDoc, input: ResponseInput) {
  const year = input.year ?? survey.period.year;
  const month = input.month ?? 1;
  const answers = survey.elements
    .map((e, j) => ({ k: e.key, v: input.scores[j] }))
    .filter((a): a is { k: string; v: number } => a.v !== null && a.v !== undefined);
  const doc = await Response.create({
    surveyId: survey._id,
    unitId: survey.unitId,
    year,
    month,
    quarter: Math.ceil(month / 3),
    semester: month <= 6 ? 1 : 2,
    service: input.service ?? '',
    answers,
    profile: input.profile ?? {},
    suggestion: input.suggestion ?? '',
    submittedAt: input.submittedAt ?? new Date(Date.UTC(year, month - 1, 15, 3)),
    source: 'web',
    idempotencyKey: `t-${uid()}`,
    contentHash: 'x',
  });
  await recordResponseStats(doc.toObject());
  return doc;
}
