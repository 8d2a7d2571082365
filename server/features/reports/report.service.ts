/**
 * The report's use case: who may see which survey's report (as the dashboard: 404 for an
 * unknown survey, 403 for another unit's), the period asked for, and everything the report
 * model needs, read through server/results (counters; server/ikm underneath). The raw
 * answers for XLSX and CSV are read with a cursor, batch by batch, never all at once.
 */
import { type Types } from 'mongoose';
import { Survey, type SurveyDoc } from '../../../models/survey';
import { Unit } from '../../../models/unit';
import { Response } from '../../../models/response';
import { FollowUpPlan } from '../../../models/follow-up-plan';
import { BadRequest, NotFound } from '../../errors';
import type { Lang } from '../../i18n';
import type { CurrentUser } from '../../access';
import { readableSurvey } from '../../access';
import { elementSetOf } from '../../results';
import {
  addCounts,
  ALL_BUCKET,
  CHANNELS,
  computeSurveyResults,
  loadCounters,
  countedProfileKeys,
  responseCounts,
  resultFromCounts,
  sumCounts,
  type Counts,
  type ResultsFilter,
  type SurveyResults,
  type YearMonth,
} from '../../results';
import { inPeriod } from './report.raw';
import { buildReport, surveyPeriodLabel, type PlanItem, type Report, type ReportInput, type TrendPoint } from './report.model';

export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/** The months of a report: both set, neither set (the whole survey), or only one bound. */
export interface ReportPeriod {
  from?: YearMonth;
  to?: YearMonth;
}

const YM = /^(\d{4})-(\d{2})$/;

/**
 * The period from `from`/`to` query values (YYYY-MM). Empty means unbounded.
 * @throws BadRequest (rep.err.period) for a malformed month or from after to.
 */
export function parseReportPeriod(q: Record<string, unknown>): ReportPeriod {
  const out: ReportPeriod = {};
  for (const name of ['from', 'to'] as const) {
    const v = q[name];
    if (v === undefined || v === '') continue;
    const m = typeof v === 'string' ? YM.exec(v.trim()) : null;
    const month = m ? Number(m[2]) : 0;
    if (!m || month < 1 || month > 12) throw new BadRequest('rep.err.period');
    out[name] = { year: Number(m[1]), month };
  }
  if (out.from && out.to && out.from.year * 100 + out.from.month > out.to.year * 100 + out.to.month) throw new BadRequest('rep.err.period');
  return out;
}

export function validTimeZone(tz: unknown): string {
  if (typeof tz !== 'string' || tz === '') return DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return DEFAULT_TIME_ZONE;
  }
}

/** Everything the renderers need besides the model: the survey, its results and the raw-data query. */
export interface ReportContext {
  survey: SurveyDoc;
  unit: { _id: Types.ObjectId; name: string; slug: string };
  period: ReportPeriod;
  filter: ResultsFilter;
  results: SurveyResults;
  timeZone: string;
  lang: Lang;
  now: Date;
  report: Report;
}

const text = (x: { id: string; en: string } | null | undefined, fallback: string) => ({ id: x?.id ?? fallback, en: x?.en ?? fallback });

function planItem(d: {
  elementKey: string;
  problem: string;
  action: string;
  responsible: string;
  year: number;
  quarter: number;
  status?: string | null;
  evidence?: string | null;
}): PlanItem {
  return {
    elementKey: d.elementKey,
    problem: d.problem,
    action: d.action,
    responsible: d.responsible,
    year: d.year,
    quarter: d.quarter,
    status: d.status === 'done' || d.status === 'in-progress' ? d.status : 'planned',
    evidence: d.evidence ?? '',
  };
}

/** A survey's follow-up plan, in the order it was written. */
export async function planOf(surveyId: Types.ObjectId): Promise<PlanItem[]> {
  const docs = await FollowUpPlan.find({ surveyId }).lean();
  return docs.sort((a, b) => a.year * 10 + a.quarter - (b.year * 10 + b.quarter) || String(a._id).localeCompare(String(b._id))).map(planItem);
}

/** The same unit's surveys of earlier periods, oldest first. */
export async function earlierSurveys(survey: SurveyDoc): Promise<SurveyDoc[]> {
  const all = await Survey.find({ unitId: survey.unitId }).lean<SurveyDoc[]>();
  const key = (s: SurveyDoc) => s.period.year * 100 + (s.period.semester ?? 0) * 10 + (s.period.quarter ?? 0);
  return all.filter((s) => !s._id.equals(survey._id) && key(s) < key(survey)).sort((a, b) => key(a) - key(b));
}

/** The plan of the period before this survey's (its outcome is reported in Lampiran 4). */
export async function previousPlanOf(survey: SurveyDoc): Promise<{ survey: SurveyDoc; periodLabel: string; items: PlanItem[] } | null> {
  const earlier = await earlierSurveys(survey);
  const prev = earlier[earlier.length - 1];
  if (!prev) return null;
  return { survey: prev, periodLabel: surveyPeriodLabel(prev.period), items: await planOf(prev._id) };
}

function sameQuestionnaire(a: SurveyDoc, b: SurveyDoc): boolean {
  return elementSetOf(a).gradeTable === elementSetOf(b).gradeTable && a.elements.map((e) => e.key).join(',') === b.elements.map((e) => e.key).join(',');
}

/**
 * Responses per collection channel (web, kiosk, import) in the period: from the counters' month ×
 * service cells (O(cells)). When the cells' channel counts do not add up to the survey's stored
 * responses (counters written before they counted channels, until the reconcile rebuilds them),
 * the responses are grouped by the database instead (reads them all).
 */
export async function channelCounts(survey: Pick<SurveyDoc, '_id'>, period: ReportPeriod): Promise<{ source: string; n: number }[]> {
  const totals = new Map<string, number>();
  const buckets = await loadCounters(survey._id);
  const all = buckets.find((b) => b.bucket === ALL_BUCKET);
  const cells = buckets.filter((b) => b.bucket !== ALL_BUCKET);
  const inCells = cells.reduce((n, b) => n + Object.values(b.ch).reduce((x, y) => x + y, 0), 0);
  if (inCells === (all?.responses ?? 0)) {
    for (const b of cells) {
      if (!inPeriod({ year: b.year!, month: b.month! }, period)) continue;
      for (const [s, n] of Object.entries(b.ch)) totals.set(s, (totals.get(s) ?? 0) + n);
    }
  } else {
    type Row = { _id: { s: string | null; y: number; m: number }; n: number };
    const rows = await Response.collection
      .aggregate<Row>([{ $match: { surveyId: survey._id } }, { $group: { _id: { s: '$source', y: '$year', m: '$month' }, n: { $sum: 1 } } }])
      .toArray();
    for (const r of rows) {
      if (!inPeriod({ year: r._id.y, month: r._id.m }, period)) continue;
      const s = r._id.s ?? 'web';
      totals.set(s, (totals.get(s) ?? 0) + r.n);
    }
  }
  return CHANNELS.filter((s) => (totals.get(s) ?? 0) > 0).map((source) => ({ source, n: totals.get(source)! }));
}

function monthRange(results: SurveyResults): ReportInput['dataRange'] {
  const yms = results.cells.filter((c) => c.respondents > 0).map((c) => c.year * 100 + c.month);
  if (yms.length === 0) return null;
  const lo = Math.min(...yms);
  const hi = Math.max(...yms);
  return { from: { year: Math.floor(lo / 100), month: lo % 100 }, to: { year: Math.floor(hi / 100), month: hi % 100 } };
}

/** The report of a survey the caller has already been allowed to read. */
export async function buildSurveyReport(survey: SurveyDoc, period: ReportPeriod, lang: Lang, now: Date): Promise<ReportContext> {
  const unitDoc = await Unit.findById(survey.unitId, { name: 1, slug: 1, timeZone: 1 }).lean();
  if (!unitDoc) throw new NotFound();
  const timeZone = validTimeZone(unitDoc.timeZone);
  const filter: ResultsFilter = { ...(period.from ? { from: period.from } : {}), ...(period.to ? { to: period.to } : {}) };
  const results = await computeSurveyResults(survey, filter);
  const set = results.set;

  // Per service, from the same cells.
  const bySvc = new Map<string, Counts>();
  for (const c of results.cells) bySvc.set(c.service, addCounts(bySvc.get(c.service) ?? sumCounts([]), c));
  const svcOrder = [...survey.services.map((s) => s.key), ...[...bySvc.keys()].filter((k) => !survey.services.some((s) => s.key === k))];
  const services = svcOrder
    .filter((k) => bySvc.has(k))
    .map((key) => {
      const counts = bySvc.get(key)!;
      return { key, respondents: counts.respondents, result: resultFromCounts(set, counts).result };
    });

  // Profiles in the questionnaire's order: standard keys first, then the survey's own.
  const profiles = new Map<string, Map<string, number>>();
  for (const key of countedProfileKeys([survey])) {
    const m = results.profiles.get(key);
    if (m && m.size) profiles.set(key, m);
  }
  profiles.set(
    'service',
    new Map(
      [...results.services.entries()].filter(([, n]) => n > 0).map(([k, n]) => [survey.services.find((s) => s.key === k)?.name?.[lang] ?? (k || '–'), n]),
    ),
  );

  // Trend: earlier periods (whole surveys) and this one; a changed questionnaire is named, not compared.
  const earlier = (await earlierSurveys(survey)).slice(-5);
  const trend: TrendPoint[] = [];
  for (const s of earlier) {
    const comparable = sameQuestionnaire(s, survey);
    const r = comparable ? await computeSurveyResults(s) : null;
    trend.push({ label: surveyPeriodLabel(s.period), current: false, comparable, respondents: r?.respondents ?? 0, result: r?.result ?? null });
  }
  trend.push({ label: surveyPeriodLabel(survey.period), current: true, comparable: true, respondents: results.respondents, result: results.result });

  const prev = await previousPlanOf(survey);
  const templateName = set.name[lang];
  const input: ReportInput = {
    lang,
    unitName: unitDoc.name,
    survey: {
      title: survey.title,
      templateName,
      gradeTable: set.gradeTable,
      period: survey.period,
      elements: survey.elements.map((e) => ({
        key: e.key,
        code: e.code,
        name: text(e.name, e.key),
        question: text(e.question, ''),
        labels: { id: e.labels?.id ?? [], en: e.labels?.en ?? [] },
      })),
      services: survey.services.map((x) => ({ key: x.key, name: text(x.name, x.key) })),
      profileQuestions: (survey.profileQuestions ?? []).map((q) => ({
        key: q.key,
        label: text(q.label, q.key),
        options: (q.options ?? []).map((o) => ({ key: o.key, name: text(o.name, o.key) })),
      })),
      indicator: survey.indicator ?? null,
    },
    ...(period.from ? { from: period.from } : {}),
    ...(period.to ? { to: period.to } : {}),
    dataRange: monthRange(results),
    respondents: results.respondents,
    completeRespondents: results.completeRespondents,
    result: results.result,
    problem: results.problem,
    sample: results.sample,
    indicator: results.indicator,
    profiles,
    services,
    channels: await channelCounts(survey, period),
    trend,
    plan: await planOf(survey._id),
    previousPlan: prev
      ? {
          periodLabel: prev.periodLabel,
          items: prev.items.map((x) => ({ ...x, elementKey: prev.survey.elements.find((e) => e.key === x.elementKey)?.name?.[lang] ?? x.elementKey })),
        }
      : null,
    generatedAt: now,
    timeZone,
  };
  return {
    survey,
    unit: { _id: unitDoc._id, name: unitDoc.name, slug: unitDoc.slug },
    period,
    filter,
    results,
    timeZone,
    lang,
    now,
    report: buildReport(input),
  };
}

/** The download's file name: laporan-<survey>-<year or months>[-en].<format>. */
export function reportFileName(ctx: Pick<ReportContext, 'period' | 'survey' | 'lang'>, format: string): string {
  const p = ctx.period;
  const ym = (x: { year: number; month: number }) => `${x.year}${String(x.month).padStart(2, '0')}`;
  const range = p.from || p.to ? `-${p.from ? ym(p.from) : ''}-${p.to ? ym(p.to) : ''}` : `-${ctx.survey.period.year}`;
  return `laporan-${ctx.survey.slug}${range}${ctx.lang === 'en' ? '-en' : ''}.${format}`;
}

/** A survey's report for a logged-in user: 404 unknown, 403 another unit's (as the dashboard). */
export async function surveyReport(user: CurrentUser, surveyId: string, q: Record<string, unknown>, lang: Lang, now: Date): Promise<ReportContext> {
  const period = parseReportPeriod(q);
  const survey = await readableSurvey(user, surveyId);
  return buildSurveyReport(survey, period, lang, now);
}

/* ---------------------------------------------------------------- raw answers */

/** One stored response as the exports read it. */
export interface RawResponse {
  _id: Types.ObjectId;
  year: number;
  month: number;
  service?: string | null;
  source?: string | null;
  submittedAt: Date;
  answers: { k: string; v: number }[];
  profile?: Record<string, string> | null;
  suggestion?: string | null;
  suggestionHidden?: boolean | null;
}

/** Lets other requests (a form submission) be served between two batches of a long export. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Rows read between two yields to the event loop. */
const YIELD_EVERY = 250;

/** The fields of a stored response the exports read. */
export const RAW_PROJECTION = { year: 1, month: 1, service: 1, source: 1, submittedAt: 1, answers: 1, profile: 1, suggestion: 1, suggestionHidden: 1 } as const;

/**
 * The survey's stored responses in the period, streamed from a cursor in batches: memory stays
 * flat whatever the count, and the generator yields to the event loop every YIELD_EVERY rows,
 * so a long export never keeps another request waiting for more than a slice of rows.
 *
 * The filter is the survey alone (one indexed equality, the only kind the embedded engine pushes
 * down to SQLite); the months are checked here. On that engine the scan is bound by its own
 * per-document cost (decoding each stored document), not by the filter or the batch size
 * (bench/README-report.md).
 */
export async function* rawResponses(surveyId: Types.ObjectId, period: ReportPeriod, batchSize = 1000): AsyncGenerator<RawResponse> {
  const cursor = Response.collection.find<RawResponse>({ surveyId }, { projection: RAW_PROJECTION }).batchSize(batchSize);
  let n = 0;
  try {
    for await (const r of cursor) {
      if (inPeriod(r, period)) yield r;
      if (++n % YIELD_EVERY === 0) await yieldToEventLoop();
    }
  } finally {
    await cursor.close();
  }
}

/**
 * How many stored responses the period holds (for the XLSX sheet split and the background-export
 * threshold, known before writing): from the counters, never by reading the responses.
 */
export async function countRawResponses(surveyId: Types.ObjectId, period: ReportPeriod): Promise<number> {
  // The whole survey: its "all" counters; a month range: the month × service cells' channel counts.
  if (!period.from && !period.to) return (await responseCounts([surveyId])).get(String(surveyId)) ?? 0;
  return (await channelCounts({ _id: surveyId }, period)).reduce((n, c) => n + c.n, 0);
}
