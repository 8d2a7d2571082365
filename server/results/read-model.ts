/**
 * A survey's results: the index and each element's score (server/ikm, never re-implemented),
 * respondents against the required sample, and the indicator's target, realization and
 * achievement. Used by the dashboard and the JSON API.
 *
 * Without a profile filter the figures come from the counters (models/survey-stats.ts): the
 * whole-survey bucket, or the sum of a few month × service cells for a period or service
 * filter: O(k × cells), whatever the number of responses. A profile filter (gender, age…)
 * cannot be answered from the counters; it recounts the matching raw responses with an
 * aggregation (output still O(k); the cost grows with the matching responses).
 */
import { Types } from 'mongoose';
import { Survey, type SurveyDoc } from '../../models/survey';
import type { StoredCounts, SurveyStatsDoc } from '../../models/survey-stats';
import {
  achievement,
  computeFromCounts,
  IkmError,
  sampleAdequacy,
  type Achievement,
  type ElementSet,
  type IkmErrorCode,
  type IkmResult,
  type SampleAdequacy,
  type ScoreCounts,
} from '../ikm';
import { NotFound } from '../errors';
import { elementSetOf } from './elements';
import { ALL_BUCKET, countResponses, decodeValueKey, encodeValueKey, loadCounters, profileCountValue, profileSelector, type ExpectedBucket } from './counters';

/** A month of a year, for period ranges. */
export interface YearMonth {
  year: number;
  month: number;
}

/** Which responses to count. Everything optional; nothing set = the whole survey. */
export interface ResultsFilter {
  /** First month included. */
  from?: YearMonth;
  /** Last month included. */
  to?: YearMonth;
  /** A service key ("" = responses without a service). */
  service?: string;
  /** Profile answers that must match exactly, e.g. { gender: 'p', education: 's1' }. */
  profile?: Record<string, string>;
}

/** The counts of one bucket or of a sum of buckets, by element key. */
export interface Counts {
  respondents: number;
  complete: number;
  /** Element key → [n1, n2, n3, n4]. */
  c: Map<string, [number, number, number, number]>;
  /** Profile key → decoded value → respondents. */
  p: Map<string, Map<string, number>>;
  /** Collection channel (web, kiosk, import) → stored responses, blank ones included. */
  channels: Map<string, number>;
}

/** One month × service cell. */
export interface Cell extends Counts {
  year: number;
  month: number;
  service: string;
}

export interface SurveyResults {
  survey: SurveyDoc;
  set: ElementSet;
  filter: ResultsFilter;
  /** counters: from the counters; responses: recounted from the raw responses (profile filter). */
  source: 'counters' | 'responses';
  respondents: number;
  completeRespondents: number;
  /** The method's result; null when it cannot be computed (see `problem`). */
  result: IkmResult | null;
  /** Why there is no result: 'no-answers', 'element-unanswered', or 'invalid-count' (counters need a rebuild). */
  problem: IkmErrorCode | null;
  /** Respondents against the Krejcie–Morgan minimum; null without a population estimate. */
  sample: SampleAdequacy | null;
  /** The indicator (e.g. IKK 3.1) against its target; null without indicator or result. */
  indicator: { code: string; name: string; target: number; realization: number; achievement: Achievement } | null;
  /** Respondents by profile answer (gender, age, education, occupation, custom). */
  profiles: Map<string, Map<string, number>>;
  /** Respondents by service key. */
  services: Map<string, number>;
  /** The month × service cells the figures were summed from (for trends and comparisons). */
  cells: Cell[];
}

function emptyCounts(): Counts {
  return { respondents: 0, complete: 0, c: new Map(), p: new Map(), channels: new Map() };
}

function readScores(c: Record<string, StoredCounts | Record<string, number>> | undefined): Counts['c'] {
  const out: Counts['c'] = new Map();
  for (const [k, v] of Object.entries(c ?? {})) {
    const x = v as StoredCounts;
    out.set(k, [x.s1 ?? 0, x.s2 ?? 0, x.s3 ?? 0, x.s4 ?? 0]);
  }
  return out;
}

function readProfiles(p: Record<string, Record<string, number>> | undefined): Counts['p'] {
  const out: Counts['p'] = new Map();
  for (const [key, values] of Object.entries(p ?? {})) {
    const m = new Map<string, number>();
    for (const [v, n] of Object.entries(values ?? {})) m.set(decodeValueKey(v), (m.get(decodeValueKey(v)) ?? 0) + n);
    out.set(key, m);
  }
  return out;
}

function toCounts(doc: Pick<SurveyStatsDoc, 'respondents' | 'complete' | 'c' | 'p'> | ExpectedBucket): Counts {
  return {
    respondents: doc.respondents ?? 0,
    complete: doc.complete ?? 0,
    c: readScores(doc.c as Record<string, StoredCounts>),
    p: readProfiles(doc.p),
    channels: new Map(Object.entries(('ch' in doc ? doc.ch : undefined) ?? {}).filter(([, n]) => n > 0)),
  };
}

/** Adds `b` into `a` (in place) and returns `a`. */
export function addCounts(a: Counts, b: Counts): Counts {
  a.respondents += b.respondents;
  a.complete += b.complete;
  for (const [k, v] of b.c) {
    const t = a.c.get(k) ?? [0, 0, 0, 0];
    a.c.set(k, [t[0] + v[0], t[1] + v[1], t[2] + v[2], t[3] + v[3]]);
  }
  for (const [key, values] of b.p) {
    const t = a.p.get(key) ?? new Map<string, number>();
    for (const [v, n] of values) t.set(v, (t.get(v) ?? 0) + n);
    a.p.set(key, t);
  }
  for (const [k, n] of b.channels) a.channels.set(k, (a.channels.get(k) ?? 0) + n);
  return a;
}

export function sumCounts(list: readonly Counts[]): Counts {
  return list.reduce((acc, x) => addCounts(acc, x), emptyCounts());
}

const ym = (x: YearMonth): number => x.year * 100 + x.month;

/** True when a cell falls inside the filter's period and service. */
export function cellMatches(cell: Pick<Cell, 'year' | 'month' | 'service'>, filter: ResultsFilter): boolean {
  if (filter.from && ym(cell) < ym(filter.from)) return false;
  if (filter.to && ym(cell) > ym(filter.to)) return false;
  if (filter.service !== undefined && cell.service !== filter.service) return false;
  return true;
}

function hasProfileFilter(filter: ResultsFilter): boolean {
  return Object.keys(filter.profile ?? {}).length > 0;
}

/** The method's input: counts in the element set's order. */
export function countsInSetOrder(set: ElementSet, counts: Counts): ScoreCounts[] {
  return set.elements.map((e) => counts.c.get(e.key) ?? [0, 0, 0, 0]);
}

/** The index from counts, or the reason it cannot be computed. */
export function resultFromCounts(set: ElementSet, counts: Counts): { result: IkmResult | null; problem: IkmErrorCode | null } {
  try {
    return {
      result: computeFromCounts(set, countsInSetOrder(set, counts), {
        respondents: counts.respondents,
        completeRespondents: counts.complete,
      }),
      problem: null,
    };
  } catch (e) {
    // invalid-count: counters that contradict each other (tampered or half-written): shown as a
    // problem asking for `npm run stats -- rebuild`, never as a crash.
    if (e instanceof IkmError && (e.code === 'no-answers' || e.code === 'element-unanswered' || e.code === 'invalid-count')) {
      return { result: null, problem: e.code };
    }
    throw e;
  }
}

/** The indicator's achievement for a result, with the survey's own cap and display rule. */
export function indicatorOf(survey: Pick<SurveyDoc, 'indicator'>, result: IkmResult | null): SurveyResults['indicator'] {
  const ind = survey.indicator;
  if (!ind || !result || !(ind.target > 0)) return null;
  const realization = result.scoreRounded;
  return {
    code: ind.code,
    name: ind.name,
    target: ind.target,
    realization,
    achievement: achievement(realization, ind.target, {
      polarity: (ind.polarity as 'higher' | 'lower' | undefined) ?? 'higher',
      cap: ind.cap === 100 || ind.cap === 120 ? ind.cap : 'none',
      decimals: ind.achievementDecimals ?? 2,
      rounding: (ind.achievementRounding as 'round' | 'truncate' | undefined) ?? 'round',
    }),
  };
}

/** Profile keys and values are matched literally; only plain strings get through. */
const PROFILE_KEY = /^[a-z][a-z0-9_]{0,39}$/;

function profileMatch(filter: ResultsFilter): Record<string, unknown> {
  const match: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter.profile ?? {})) {
    if (!PROFILE_KEY.test(k) || typeof v !== 'string') throw new Error(`invalid profile filter ${k}`);
    match[`profile.${k}`] = v;
  }
  if (filter.service !== undefined) match.service = filter.service;
  if (filter.from || filter.to) {
    const year: Record<string, number> = {};
    if (filter.from) year.$gte = filter.from.year;
    if (filter.to) year.$lte = filter.to.year;
    match.year = year;
  }
  return match;
}

/**
 * The month × service cells of a survey, from the counters. Filtered by one profile answer, they
 * are that answer's profile cells, checked against the "all" bucket's count of the answer (a
 * cell still missing, e.g. before the first reconcile after an upgrade, shows as a difference).
 * Filtered by several profile answers at once, or when that check fails, they are recounted
 * from the matching raw responses (the time then grows with the responses).
 */
export async function loadCells(survey: SurveyDoc, filter: ResultsFilter = {}): Promise<{ cells: Cell[]; source: SurveyResults['source'] }> {
  // The month × service cells of the survey (profile null) or of one profile answer: not "all",
  // and not the profile cells a recount also yields.
  const asCells = (buckets: readonly ExpectedBucket[], profile: string | null): Cell[] =>
    buckets
      .filter((b) => b.bucket !== ALL_BUCKET && (b.profile ?? null) === profile)
      .map((b): Cell => ({ year: b.year!, month: b.month!, service: b.service ?? '', ...toCounts(b) }));
  if (hasProfileFilter(filter)) {
    const entries = Object.entries(filter.profile ?? {});
    const counted = entries.length === 1 && PROFILE_KEY.test(entries[0]![0]) ? profileCountValue(entries[0]![0], entries[0]![1]) : null;
    if (counted !== null) {
      const key = entries[0]![0];
      const selector = profileSelector(key, counted);
      const [cells, [all]] = await Promise.all([loadCounters(survey._id, { profile: selector }), loadCounters(survey._id, { bucket: ALL_BUCKET })]);
      const inCells = cells.reduce((n, c) => n + c.respondents, 0);
      if (inCells === (all?.p[key]?.[encodeValueKey(counted)] ?? 0)) return { cells: asCells(cells, selector), source: 'counters' };
    }
    return { cells: asCells(await countResponses(survey, profileMatch(filter)), null), source: 'responses' };
  }
  return { cells: asCells(await loadCounters(survey._id), null), source: 'counters' };
}

async function loadSurvey(surveyId: Types.ObjectId | string | SurveyDoc): Promise<SurveyDoc> {
  if (typeof surveyId === 'object' && !(surveyId instanceof Types.ObjectId)) return surveyId;
  if (!Types.ObjectId.isValid(String(surveyId))) throw new NotFound();
  const survey = await Survey.findById(surveyId).lean<SurveyDoc>();
  if (!survey) throw new NotFound();
  return survey;
}

/**
 * The results of one survey, optionally filtered by period, service and profile answers.
 * @throws NotFound when the survey does not exist.
 */
export async function computeSurveyResults(surveyId: Types.ObjectId | string | SurveyDoc, filter: ResultsFilter = {}): Promise<SurveyResults> {
  const survey = await loadSurvey(surveyId);
  const set = elementSetOf(survey);
  const unfiltered = !filter.from && !filter.to && filter.service === undefined && !hasProfileFilter(filter);
  const { cells, source } = await loadCells(survey, filter);
  const selected = cells.filter((c) => cellMatches(c, filter));
  let counts: Counts;
  if (unfiltered) {
    const [all] = await loadCounters(survey._id, { bucket: ALL_BUCKET });
    counts = all ? toCounts(all) : emptyCounts();
  } else {
    counts = sumCounts(selected);
  }
  const { result, problem } = resultFromCounts(set, counts);
  const services = new Map<string, number>();
  for (const c of selected) services.set(c.service, (services.get(c.service) ?? 0) + c.respondents);
  return {
    survey,
    set,
    filter,
    source,
    respondents: counts.respondents,
    completeRespondents: counts.complete,
    result,
    problem,
    sample: survey.population ? sampleAdequacy(survey.population, counts.respondents) : null,
    indicator: indicatorOf(survey, result),
    profiles: counts.p,
    services,
    cells: selected,
  };
}
