/**
 * The unit report's use case: a unit the user may read (404 unknown, 403 outside their scope,
 * as the dashboard), a year, and all surveys of the unit and its sub-units in that year, each
 * read through results.service and compared the dashboard's way (compareSurveys), into the
 * unit report model (unit-report.model.ts).
 */
import { Types } from 'mongoose';
import { Survey, type SurveyDoc } from '../../../models/survey';
import { Unit } from '../../../models/unit';
import { BadRequest, Forbidden, NotFound } from '../../errors';
import type { Lang } from '../../i18n';
import { canReadUnit, type CurrentUser } from '../../access';
import { compareSurveys, type UnitSurveyRow } from '../dashboard';
import { computeSurveyResults, elementSetOf } from '../../results';
import { surveyPeriodLabel, type Report, type ReportElement } from './report.model';
import { channelCounts, planOf, validTimeZone } from './report.service';
import { buildUnitReport, type UnitFigure } from './unit-report.model';

export interface UnitReportContext {
  unit: { _id: Types.ObjectId; name: string; slug: string };
  year: number;
  /** Years holding surveys of the unit, newest first (for the year select). */
  years: number[];
  lang: Lang;
  report: Report;
}

const YEAR = /^\d{4}$/;
const text = (x: { id?: string | null; en?: string | null } | null | undefined, fallback: string) => ({ id: x?.id ?? fallback, en: x?.en ?? fallback });

function elementsOf(s: SurveyDoc): ReportElement[] {
  return s.elements.map((e) => ({
    key: e.key,
    code: e.code,
    name: text(e.name, e.key),
    question: text(e.question, ''),
    labels: { id: e.labels?.id ?? [], en: e.labels?.en ?? [] },
  }));
}

/** A unit the user may read: 404 unknown, 403 outside the user's units. */
export async function readableUnit(user: CurrentUser, unitId: string) {
  if (!Types.ObjectId.isValid(unitId)) throw new NotFound();
  const unit = await Unit.findById(unitId, { name: 1, slug: 1, path: 1, timeZone: 1 }).lean();
  if (!unit) throw new NotFound();
  if (!canReadUnit(user, unit.path)) throw new Forbidden();
  return unit;
}

/** The years holding surveys of a unit and its sub-units, newest first. */
export async function unitSurveyYears(unitId: Types.ObjectId): Promise<number[]> {
  const rows = await Survey.collection.aggregate<{ _id: number }>([{ $match: { unitPath: unitId } }, { $group: { _id: '$period.year' } }]).toArray();
  return rows.map((r) => r._id).sort((a, b) => b - a);
}

/**
 * The unit report for `year` (query `year=YYYY`; default the latest year with surveys).
 * @throws BadRequest (rep.err.period) for a malformed year.
 */
export async function unitReport(user: CurrentUser, unitId: string, q: Record<string, unknown>, lang: Lang, now: Date): Promise<UnitReportContext> {
  const unit = await readableUnit(user, unitId);
  const years = await unitSurveyYears(unit._id);
  const asked = q.year;
  if (asked !== undefined && asked !== '' && !(typeof asked === 'string' && YEAR.test(asked))) throw new BadRequest('rep.err.period');
  const year = typeof asked === 'string' && YEAR.test(asked) ? Number(asked) : (years[0] ?? now.getUTCFullYear());

  const surveys = await Survey.find({ unitPath: unit._id, 'period.year': year }).lean<SurveyDoc[]>();
  const units = await Unit.find({ path: unit._id }, { name: 1, path: 1 }).lean();
  const names = new Map(units.map((u) => [String(u._id), u.name]));
  // Sub-units in tree order, then surveys by period and title within each.
  const order = new Map(units.map((u) => [String(u._id), u.path.map(String).join('/')]));
  surveys.sort(
    (a, b) =>
      (order.get(String(a.unitId)) ?? '').localeCompare(order.get(String(b.unitId)) ?? '') ||
      surveyPeriodLabel(a.period).localeCompare(surveyPeriodLabel(b.period)) ||
      a.title.localeCompare(b.title),
  );
  const rows: UnitSurveyRow[] = [];
  for (const s of surveys) rows.push({ survey: s, unitName: names.get(String(s.unitId)) ?? '', results: await computeSurveyResults(s) });
  const cmp = compareSurveys(rows, names);

  const channels = new Map<string, number>();
  for (const s of surveys) for (const c of await channelCounts(s, {})) channels.set(c.source, (channels.get(c.source) ?? 0) + c.n);
  const figure = (label: string, x: { respondents: number; result: UnitFigure['result']; combinable: boolean }): UnitFigure => ({
    label,
    respondents: x.respondents,
    result: x.result,
    combinable: x.combinable,
  });
  const reportSurveys = [];
  for (const r of rows) {
    const set = elementSetOf(r.survey);
    reportSurveys.push({
      title: r.survey.title,
      unitName: r.unitName,
      periodLabel: surveyPeriodLabel(r.survey.period),
      templateName: set.name[lang],
      kep25: set.gradeTable === 'kepmenpan-25-2004',
      respondents: r.results.respondents,
      required: r.results.sample?.required ?? null,
      result: r.results.result,
      problem: r.results.problem,
      indicator: r.results.indicator,
      elements: elementsOf(r.survey),
      plan: await planOf(r.survey._id),
    });
  }
  const combined = cmp.combined
    ? {
        ...figure(unit.name, cmp.combined),
        elements: rows[0] ? elementsOf(rows[0].survey) : [],
        problem: cmp.combined.result ? null : cmp.combined.respondents ? 'element-unanswered' : 'no-answers',
      }
    : null;
  const report = buildUnitReport({
    lang,
    unitName: unit.name,
    periodLabel: String(year),
    surveys: reportSurveys,
    combined,
    byUnit: cmp.byUnit.map((x) => figure(x.unit.name, x)),
    byService: cmp.byService.map((x) => figure(x.name[lang], x)),
    official: cmp.official.map((o) => ({
      ...figure(`${o.code} ${o.year}`, o),
      code: o.code,
      name: o.name,
      year: o.year,
      target: o.target,
      indicator: o.indicator,
      surveys: o.surveys.map((s) => `${s.title} (${s.unitName})`),
    })),
    channels: ['web', 'kiosk', 'import'].filter((s) => channels.has(s)).map((source) => ({ source, n: channels.get(source)! })),
    generatedAt: now,
    timeZone: validTimeZone(unit.timeZone),
  });
  return { unit: { _id: unit._id, name: unit.name, slug: unit.slug }, year, years, lang, report };
}
