/**
 * The read-only JSON API's answers, built from the results service (which computes through
 * server/ikm; nothing is recomputed here). Without a token only published surveys are visible;
 * a token also sees its unit's and sub-units' unpublished ones. Anything not visible is a 404,
 * the same answer as for a survey that does not exist.
 */
import { Survey } from '../../../models/survey';
import { Unit } from '../../../models/unit';
import type { Types } from 'mongoose';
import { NotFound } from '../../errors';
import { PERFORMANCE_LABELS } from '../../ikm';
import { computeSurveyResults, type SurveyResults } from '../../results';

export interface ApiCaller {
  /** A valid API token was presented. */
  token: boolean;
  /** The token's unit: it reads unpublished results of this unit and its sub-units. */
  unitId: Types.ObjectId | null;
}

/** Is a unit (given its path: ancestors and itself) within the caller's token scope? */
function inScope(caller: ApiCaller, unitPath: readonly Types.ObjectId[]): boolean {
  const scope = caller.unitId;
  return scope !== null && unitPath.some((id) => id.equals(scope));
}

function indexOf(r: SurveyResults) {
  const x = r.result;
  if (!x) return null;
  return {
    score: x.scoreRounded,
    scoreExact: x.score,
    ikm: x.ikm,
    grade: x.grade,
    performance: x.performance,
    label: PERFORMANCE_LABELS[x.performance],
    gradeTable: x.gradeTable,
  };
}

function indicatorOf(r: SurveyResults) {
  const i = r.indicator;
  if (!i) return null;
  return {
    code: i.code,
    name: i.name,
    target: i.target,
    realization: i.realization,
    achievement: i.achievement.display,
    achievementExact: i.achievement.raw,
    capApplied: i.achievement.capApplied,
  };
}

function surveyInfo(s: SurveyResults['survey'], unit: { slug: string; name: string } | null) {
  return {
    slug: s.slug,
    title: s.title,
    unit,
    period: { year: s.period.year, semester: s.period.semester ?? null, quarter: s.period.quarter ?? null, month: s.period.month ?? null },
    template: s.template,
    status: s.status,
    published: s.published,
  };
}

export async function surveyResults(slug: string, caller: ApiCaller) {
  const survey = await Survey.findOne({ slug: slug.toLowerCase() }).lean();
  if (!survey || !(survey.published || inScope(caller, survey.unitPath))) throw new NotFound();
  const r = await computeSurveyResults(survey);
  const unit = await Unit.findById(survey.unitId, { slug: 1, name: 1 }).lean();
  const x = r.result;
  return {
    survey: surveyInfo(r.survey, unit ? { slug: unit.slug, name: unit.name } : null),
    respondents: r.respondents,
    completeRespondents: r.completeRespondents,
    index: indexOf(r),
    problem: r.problem,
    elements: (x?.elements ?? []).map((e) => ({
      key: e.key,
      code: e.code,
      name: e.name,
      answered: e.answered,
      nrr: e.nrr,
      score: e.score,
      grade: e.grade,
      performance: e.performance,
      distribution: e.distribution,
    })),
    highest: x?.highest ?? [],
    lowest: x?.lowest ?? [],
    sample: r.sample ? { population: r.sample.population, required: r.sample.required, adequate: r.sample.adequate, shortfall: r.sample.shortfall } : null,
    indicator: indicatorOf(r),
  };
}

export async function unitIndicators(slug: string, year: number, caller: ApiCaller) {
  const unit = await Unit.findOne({ slug: slug.toLowerCase() }, { slug: 1, name: 1, path: 1 }).lean();
  if (!unit) throw new NotFound();
  const surveys = await Survey.find({ unitId: unit._id, 'period.year': year, ...(inScope(caller, unit.path) ? {} : { published: true }) })
    .sort({ 'period.semester': 1, 'period.quarter': 1, 'period.month': 1, slug: 1 })
    .lean();
  const indicators = [];
  for (const s of surveys) {
    if (!s.indicator) continue;
    const r = await computeSurveyResults(s);
    const ind = indicatorOf(r);
    indicators.push({
      code: s.indicator.code,
      name: s.indicator.name,
      target: s.indicator.target,
      realization: ind?.realization ?? null,
      achievement: ind?.achievement ?? null,
      grade: r.result?.grade ?? null,
      respondents: r.respondents,
      survey: surveyInfo(r.survey, null),
    });
  }
  return { unit: { slug: unit.slug, name: unit.name }, year, indicators };
}
