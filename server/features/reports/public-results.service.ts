/**
 * The published results (reference 2.10: results and method must be public): per unit and
 * year, the surveys an admin published, each as the same report model the PDF is drawn from,
 * cut down to the index, grade, sample, per-element chart and table, indicator and follow-up
 * plan. Suggestions are never part of the model, hidden or not. Unpublished surveys never appear.
 */
import { Survey, type SurveyDoc } from '../../../models/survey';
import { Unit } from '../../../models/unit';
import { NotFound } from '../../errors';
import type { Lang } from '../../i18n';
import type { Block, Report } from './report.model';
import { buildSurveyReport } from './report.service';

/** The blocks a public page shows, by id (everything else stays in the full report). */
const PUBLIC_BLOCKS = new Set(['index', 'elements', 'indicator', 'plan', 'trend']);

export interface PublicSurvey {
  survey: SurveyDoc;
  report: Report;
  blocks: Block[];
  respondents: number;
  required: number | null;
  score: number | null;
}

export interface PublicResults {
  unit: { name: string; slug: string };
  year: number;
  surveys: PublicSurvey[];
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,79}$/;

/**
 * A unit's published results of a year.
 * @throws NotFound (pub.none) for an unknown unit, a malformed year, or nothing published.
 */
export async function publishedResults(unitSlug: string, yearText: string, lang: Lang, now: Date): Promise<PublicResults> {
  if (!SLUG.test(unitSlug) || !/^\d{4}$/.test(yearText)) throw new NotFound('pub.none');
  const year = Number(yearText);
  const unit = await Unit.findOne({ slug: unitSlug }, { name: 1, slug: 1 }).lean();
  if (!unit) throw new NotFound('pub.none');
  const surveys = (await Survey.find({ unitId: unit._id, published: true, 'period.year': year }).lean<SurveyDoc[]>()).sort((a, b) =>
    a.title.localeCompare(b.title),
  );
  if (surveys.length === 0) throw new NotFound('pub.none');
  const out: PublicSurvey[] = [];
  for (const survey of surveys) {
    const ctx = await buildSurveyReport(survey, {}, lang, now);
    const blocks = ctx.report.chapters.flatMap((c) => c.blocks).filter((b) => (b.kind === 'table' || b.kind === 'chart') && PUBLIC_BLOCKS.has(b.id));
    out.push({
      survey,
      report: ctx.report,
      blocks,
      respondents: ctx.results.respondents,
      required: ctx.results.sample?.required ?? null,
      score: ctx.results.result?.score ?? null,
    });
  }
  return { unit: { name: unit.name, slug: unit.slug }, year, surveys: out };
}
