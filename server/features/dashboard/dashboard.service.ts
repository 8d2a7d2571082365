/**
 * The dashboard's use cases: a survey's results with its breakdowns (per element, answer
 * distribution, profiles, months, services, earlier periods), a unit's surveys compared and
 * combined, and the suggestions list with hide-from-reports. Numbers come from
 * server/results (server/ikm underneath); the views only format them.
 */
import { Types } from 'mongoose';
import { Survey, type SurveyDoc } from '../../../models/survey';
import { Unit } from '../../../models/unit';
import { Response } from '../../../models/response';
import { NotFound } from '../../errors';
import { canManageUnit, manageableSurvey, readableSurvey, unitFilter, type CurrentUser } from '../../access';
import { elementSetOf } from '../../results';
import { recordAudit } from '../audit';
import {
  addCounts,
  computeSurveyResults,
  countedProfileKeys,
  indicatorOf,
  resultFromCounts,
  sumCounts,
  type Cell,
  type Counts,
  type ResultsFilter,
  type SurveyResults,
  type YearMonth,
} from '../../results';
import { getTemplate, isTemplateId, type IkmResult } from '../../ikm';
import { formatCursor, parseCursor, walkSuggestions, type SuggestionItem } from './suggestions.service';

/** Query-string filters, as strings (validated here: anything malformed is ignored). */
export type DashboardQuery = Record<string, unknown>;

const YM = /^(\d{4})-(\d{2})$/;
const KEY = /^[a-z0-9][a-z0-9_-]{0,59}$/;

function str(q: DashboardQuery, name: string): string | undefined {
  const v = q[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function yearMonth(v: string | undefined): YearMonth | undefined {
  const m = v ? YM.exec(v) : null;
  if (!m) return undefined;
  const month = Number(m[2]);
  return month >= 1 && month <= 12 ? { year: Number(m[1]), month } : undefined;
}

/** Filters from the query string. */
export function parseFilter(q: DashboardQuery, profileKeys: readonly string[]): ResultsFilter {
  const filter: ResultsFilter = {};
  const from = yearMonth(str(q, 'from'));
  const to = yearMonth(str(q, 'to'));
  if (from) filter.from = from;
  if (to) filter.to = to;
  const service = str(q, 'service');
  if (service !== undefined && KEY.test(service)) filter.service = service;
  const profile: Record<string, string> = {};
  for (const key of profileKeys) {
    const v = str(q, `p_${key}`);
    if (v !== undefined && v.length <= 100) profile[key] = v;
  }
  if (Object.keys(profile).length > 0) filter.profile = profile;
  return filter;
}

export interface MonthPoint {
  year: number;
  month: number;
  respondents: number;
  result: IkmResult | null;
}

export interface ServicePoint {
  key: string;
  respondents: number;
  result: IkmResult | null;
}

export interface PeriodPoint {
  survey: SurveyDoc;
  current: boolean;
  results: SurveyResults;
}

export interface SurveyDashboard {
  survey: SurveyDoc;
  results: SurveyResults;
  /** The whole survey's respondents against its minimum sample (the sample is for the whole period). */
  wholeSample: SurveyResults['sample'];
  filter: ResultsFilter;
  order: 'questionnaire' | 'sorted';
  profileKeys: string[];
  /** Months present in the survey's data, for the period selects. */
  monthOptions: YearMonth[];
  /** Profile answers present in the survey's data, for the profile selects. */
  profileOptions: Map<string, string[]>;
  months: MonthPoint[];
  services: ServicePoint[];
  periods: PeriodPoint[];
  suggestions: { id: string; text: string; submittedAt: Date }[];
  canManage: boolean;
}

/** Groups cells by a key and computes each group's index. */
function groupCells<K>(cells: readonly Cell[], keyOf: (c: Cell) => K): Map<K, Counts> {
  const groups = new Map<K, Counts>();
  for (const c of cells) {
    const k = keyOf(c);
    groups.set(k, addCounts(groups.get(k) ?? sumCounts([]), c));
  }
  return groups;
}

/** A survey's dashboard. */
export async function surveyDashboard(user: CurrentUser, surveyId: string, q: DashboardQuery): Promise<SurveyDashboard> {
  const survey = await readableSurvey(user, surveyId);
  const set = elementSetOf(survey);
  const profileKeys = countedProfileKeys([survey]);
  const filter = parseFilter(q, profileKeys);
  const unfiltered = Object.keys(filter).length === 0;
  // The whole survey (for the period and profile options, the trend) and the filtered view, read together.
  const [all, filtered, latest] = await Promise.all([
    computeSurveyResults(survey),
    unfiltered ? null : computeSurveyResults(survey, filter),
    walkSuggestions(survey, { limit: 5 }),
  ]);
  const results = filtered ?? all;
  const order = str(q, 'order') === 'sorted' ? 'sorted' : 'questionnaire';

  const monthOptions = [...new Set(all.cells.map((c) => c.year * 100 + c.month))]
    .sort((a, b) => a - b)
    .map((n) => ({ year: Math.floor(n / 100), month: n % 100 }));

  const profileOptions = new Map(profileKeys.map((k) => [k, [...(all.profiles.get(k)?.keys() ?? [])].sort()]));
  const byMonth = groupCells(results.cells, (c) => c.year * 100 + c.month);
  const months = [...byMonth.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, counts]) => ({ year: Math.floor(n / 100), month: n % 100, respondents: counts.respondents, result: resultFromCounts(set, counts).result }));
  const byService = groupCells(results.cells, (c) => c.service);
  const serviceKeys = [...survey.services.map((s) => s.key), ...[...byService.keys()].filter((k) => !survey.services.some((s) => s.key === k))];
  const services = serviceKeys
    .filter((k) => byService.has(k))
    .map((key) => {
      const counts = byService.get(key)!;
      return { key, respondents: counts.respondents, result: resultFromCounts(set, counts).result };
    });

  // Earlier (and later) periods of the same unit on the same element set: the trend.
  const siblings = await Survey.find({ unitId: survey.unitId, template: survey.template })
    .sort({ 'period.year': 1, 'period.semester': 1, 'period.quarter': 1 })
    .lean<SurveyDoc[]>();
  const keys = survey.elements.map((e) => e.key).join(',');
  const periods: PeriodPoint[] = [];
  for (const s of siblings.filter((x) => x.elements.map((e) => e.key).join(',') === keys).slice(-8)) {
    periods.push({ survey: s, current: s._id.equals(survey._id), results: s._id.equals(survey._id) ? all : await computeSurveyResults(s) });
  }

  return {
    survey,
    results,
    wholeSample: all.sample,
    filter,
    order,
    profileKeys,
    monthOptions,
    profileOptions,
    months,
    services,
    periods,
    suggestions: latest.items.map((r) => ({ id: r.id, text: r.text, submittedAt: r.submittedAt })),
    canManage: canManageUnit(user, survey.unitPath),
  };
}

/** A group of surveys combined: its respondents, and its index when the group shares one element set. */
export interface CombinedFigure {
  respondents: number;
  result: IkmResult | null;
  /** False when the group mixes element sets (result is then null, by definition, not for lack of data). */
  combinable: boolean;
}

export interface UnitRow extends CombinedFigure {
  unit: { _id: Types.ObjectId; name: string };
}

/** One indicator (e.g. IKK 3.1) in one year: the surveys that count toward it and their combined figure. */
export interface OfficialIndex extends CombinedFigure {
  code: string;
  name: string;
  year: number;
  target: number;
  /** Realization against the target (the first linked survey's indicator rule); null without a result. */
  indicator: SurveyResults['indicator'];
  surveys: { id: string; title: string; unitName: string }[];
}

export interface UnitSurveyRow {
  survey: SurveyDoc;
  unitName: string;
  results: SurveyResults;
}

/** Same element keys (in order) and the same grade table: the condition for a combined index. */
export function sameElementSet(surveys: readonly SurveyDoc[]): boolean {
  // The template decides the grade table; custom sets combine with custom sets of the same keys.
  const signature = (s: SurveyDoc) => `${isTemplateId(s.template) ? getTemplate(s.template).gradeTable : 'custom'}|${s.elements.map((e) => e.key).join(',')}`;
  return surveys.every((s) => signature(s) === signature(surveys[0]!));
}

/** The combined figure of a group of surveys (their cells summed, then the method once). */
function combineRows(list: readonly UnitSurveyRow[]): CombinedFigure {
  const counts = sumCounts(list.map((r) => sumCounts(r.results.cells)));
  const combinable = list.length > 0 && sameElementSet(list.map((r) => r.survey));
  return { respondents: counts.respondents, combinable, result: combinable ? resultFromCounts(list[0]!.results.set, counts).result : null };
}

/**
 * The unit's official figure for each indicator and year: only the surveys linked to that
 * indicator count (a survey without an indicator is shown for comparison, never counted).
 */
function officialIndex(rows: readonly UnitSurveyRow[]): OfficialIndex[] {
  const groups = new Map<string, UnitSurveyRow[]>();
  for (const r of rows) {
    const ind = r.survey.indicator;
    if (!ind?.code) continue;
    const k = `${r.survey.period.year}\u0000${ind.code}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups.values()]
    .map((list) => {
      const first = list[0]!.survey;
      const figure = combineRows(list);
      return {
        code: first.indicator!.code,
        name: first.indicator!.name,
        year: first.period.year,
        target: first.indicator!.target,
        indicator: indicatorOf(first, figure.result),
        surveys: list.map((r) => ({ id: String(r.survey._id), title: r.survey.title, unitName: r.unitName })),
        ...figure,
      };
    })
    .sort((a, b) => a.year - b.year || a.code.localeCompare(b.code));
}

/** A unit's surveys compared and combined: overall, per sub-unit, per year, per service, per indicator. */
export interface SurveyComparison {
  /** False when the surveys use different element sets (no combined figure over all of them). */
  combinable: boolean;
  combined: CombinedFigure | null;
  byUnit: UnitRow[];
  byYear: ({ year: number } & CombinedFigure)[];
  byService: ({ key: string; name: { id: string; en: string } } & CombinedFigure)[];
  /** The unit's official index per indicator and year: the surveys linked to that indicator. */
  official: OfficialIndex[];
  serviceOptions: { key: string; name: { id: string; en: string } }[];
}

/**
 * A combined figure is defined only across surveys with the very same element keys and grade
 * table. Each group (all, a unit, a year, a service, an indicator) is checked on its own: a
 * year with a single survey always has its figure, even when another year used another set.
 * The dashboard and the unit report both read their breakdowns from here.
 */
export function compareSurveys(rows: readonly UnitSurveyRow[], unitNames: ReadonlyMap<string, string>): SurveyComparison {
  const byUnitMap = new Map<string, UnitSurveyRow[]>();
  for (const r of rows) byUnitMap.set(String(r.survey.unitId), [...(byUnitMap.get(String(r.survey.unitId)) ?? []), r]);
  const byYearMap = new Map<number, UnitSurveyRow[]>();
  for (const r of rows) byYearMap.set(r.survey.period.year, [...(byYearMap.get(r.survey.period.year) ?? []), r]);

  const serviceNames = new Map<string, { id: string; en: string }>();
  for (const r of rows)
    for (const svc of r.survey.services ?? []) if (!serviceNames.has(svc.key)) serviceNames.set(svc.key, svc.name ?? { id: svc.key, en: svc.key });
  // Per service: each survey's cells of that service, so the group check sees which surveys contribute.
  const serviceRows = new Map<string, UnitSurveyRow[]>();
  for (const r of rows) {
    const keys = new Set(r.results.cells.map((c) => c.service));
    for (const key of keys) {
      const cells = r.results.cells.filter((c) => c.service === key);
      serviceRows.set(key, [...(serviceRows.get(key) ?? []), { ...r, results: { ...r.results, cells } }]);
    }
  }
  return {
    combinable: rows.length > 0 && sameElementSet(rows.map((r) => r.survey)),
    combined: rows.length > 0 ? combineRows(rows) : null,
    byUnit: [...byUnitMap.entries()].map(([id, list]) => ({ unit: { _id: new Types.ObjectId(id), name: unitNames.get(id) ?? '' }, ...combineRows(list) })),
    byYear: [...byYearMap.entries()].sort(([a], [b]) => a - b).map(([y, list]) => ({ year: y, ...combineRows(list) })),
    byService: [...serviceRows.entries()]
      .filter(([key]) => key !== '')
      .map(([key, list]) => ({ key, name: serviceNames.get(key) ?? { id: key, en: key }, ...combineRows(list) })),
    official: officialIndex(rows),
    serviceOptions: [...serviceNames.entries()].map(([key, name]) => ({ key, name })),
  };
}

export interface UnitDashboard extends SurveyComparison {
  units: { _id: Types.ObjectId; name: string; depth: number }[];
  unitId: string | null;
  yearFrom: number | null;
  yearTo: number | null;
  filter: ResultsFilter;
  profileKeys: string[];
  profileOptions: Map<string, string[]>;
  surveys: UnitSurveyRow[];
}

const YEAR = /^\d{4}$/;

/** A unit (with its sub-units) over a range of years: its surveys compared and combined. */
export async function unitDashboard(user: CurrentUser, q: DashboardQuery): Promise<UnitDashboard> {
  const units = await Unit.find(unitFilter(user, 'path'), { name: 1, path: 1 }).sort({ name: 1 }).lean();
  const unitOptions = units
    .map((u) => ({ _id: u._id, name: u.name, depth: u.path.length, path: u.path }))
    .sort((a, b) => a.path.map(String).join('/').localeCompare(b.path.map(String).join('/')));
  const wanted = str(q, 'unit');
  const unit = wanted && Types.ObjectId.isValid(wanted) ? unitOptions.find((u) => String(u._id) === wanted) : undefined;
  const yearFrom = YEAR.test(str(q, 'yearFrom') ?? '') ? Number(str(q, 'yearFrom')) : null;
  const yearTo = YEAR.test(str(q, 'yearTo') ?? '') ? Number(str(q, 'yearTo')) : null;

  const match: Record<string, unknown> = { ...unitFilter(user, 'unitPath') };
  if (unit) match.unitPath = unit._id;
  const year: Record<string, number> = {};
  if (yearFrom !== null) year.$gte = yearFrom;
  if (yearTo !== null) year.$lte = yearTo;
  if (Object.keys(year).length > 0) match['period.year'] = year;
  const surveys = await Survey.collection.find<SurveyDoc>(match).sort({ 'period.year': 1, title: 1 }).limit(200).toArray();
  const profileKeys = countedProfileKeys(surveys);
  const filter = parseFilter(q, profileKeys);
  delete filter.from;
  delete filter.to;

  const names = new Map(units.map((u) => [String(u._id), u.name]));
  const rows: UnitSurveyRow[] = [];
  for (const s of surveys) rows.push({ survey: s, unitName: names.get(String(s.unitId)) ?? '', results: await computeSurveyResults(s, filter) });
  const cmp = compareSurveys(rows, names);

  const profileOptions = new Map<string, string[]>();
  for (const key of profileKeys) {
    const values = new Set<string>();
    for (const r of rows) for (const v of r.results.profiles.get(key)?.keys() ?? []) values.add(v);
    profileOptions.set(key, [...values].sort());
  }
  return {
    profileOptions,
    units: unitOptions.map(({ _id, name, depth }) => ({ _id, name, depth })),
    unitId: unit ? String(unit._id) : null,
    yearFrom,
    yearTo,
    filter,
    profileKeys,
    surveys: rows,
    ...cmp,
  };
}

export { indicatorOf };

/* ---------------------------------------------------------------- suggestions */

export interface SuggestionPage {
  survey: SurveyDoc;
  q: string;
  showHidden: boolean;
  items: SuggestionItem[];
  /** The cursor of the next (older) page, as it goes in the query string; null on the last page. */
  older: string | null;
  /** True when this is not the first (newest) page. */
  continued: boolean;
  canManage: boolean;
}

const PAGE_SIZE = 50;

/** A survey's suggestions, newest first, searchable (case-insensitive, literal text), a page at a time (suggestions.service.ts). */
export async function listSuggestions(user: CurrentUser, surveyId: string, q: DashboardQuery, now?: Date): Promise<SuggestionPage> {
  const survey = await readableSurvey(user, surveyId);
  const canManage = canManageUnit(user, survey.unitPath);
  const text = (str(q, 'q') ?? '').slice(0, 100);
  const showHidden = canManage && str(q, 'hidden') === '1';
  const before = parseCursor(str(q, 'before'));
  const { items, more } = await walkSuggestions(survey, { limit: PAGE_SIZE, before, text, includeHidden: showHidden, now });
  return {
    survey,
    q: text,
    showHidden,
    items,
    older: more && items.length ? formatCursor(items[items.length - 1]!) : null,
    continued: before !== undefined,
    canManage,
  };
}

/** Hides a suggestion from reports (or shows it again). Audited. */
export async function setSuggestionHidden(user: CurrentUser, surveyId: string, responseId: string, hidden: boolean): Promise<void> {
  const survey = await manageableSurvey(user, surveyId);
  if (!Types.ObjectId.isValid(responseId)) throw new NotFound();
  const before = await Response.findOne({ _id: responseId, surveyId: survey._id }, { suggestionHidden: 1, suggestion: 1 }).lean();
  if (!before || !before.suggestion) throw new NotFound();
  if (before.suggestionHidden === hidden) return;
  await Response.updateOne({ _id: before._id }, { $set: { suggestionHidden: hidden } });
  await recordAudit({
    actor: { id: user.id, email: user.email, name: user.name },
    action: hidden ? 'suggestion.hide' : 'suggestion.unhide',
    target: { kind: 'response', id: before._id, label: `${survey.title}: ${before.suggestion.slice(0, 80)}` },
    before: { suggestionHidden: before.suggestionHidden },
    after: { suggestionHidden: hidden },
  });
}
