/**
 * Reading a survey's suggestions (saran) newest first: the newest few for the dashboard and
 * the suggestions list (dashboard.service.ts), searchable, page by page.
 *
 * How they are read: a response with a suggestion carries the WIB day it was given
 * (`suggestionKey` = "<surveyId>:<YYYY-MM-DD>", indexed). The reader walks the survey's days from the
 * newest, a window of days at a time (1, 4, 16, 64 days), with an equality on that index
 * (`{suggestionKey: {$in: keys}}`: one field, so SQLite serves it from that index alone; with
 * `surveyId` beside it, SQLite chose a `surveyId` index and read every response of the survey), and stops as soon as it holds one more item than
 * the page needs. So a page reads about the suggestions it shows (plus the rest of the day it
 * ends on), whatever the number of responses: no engine has to sort all of a survey's
 * responses (the embedded engine sorts and skips in memory, after reading every match).
 * A text search filters the walked suggestions, so a rare word walks them all.
 *
 * Pages are keyset pages: "older" continues after the last item shown (`before=<time>_<id>`),
 * so a page never shifts when new suggestions arrive.
 */
import { Response } from '../../../models/response';
import type { SurveyDoc } from '../../../models/survey';
import { dayKeysDescending, periodBounds, suggestionKey } from '../../responses';

export interface SuggestionItem {
  id: string;
  text: string;
  submittedAt: Date;
  hidden: boolean;
  service: string;
  /** The period month the response is filed under. */
  year: number;
  month: number;
}

/** A position in the newest-first order: items strictly older than it come next. */
export interface SuggestionCursor {
  at: Date;
  id: string;
}

export interface WalkOptions {
  /** How many items (the walk reads until it holds one more, to know whether more exist). */
  limit: number;
  /** Continue after this item. */
  before?: SuggestionCursor;
  /** Case-insensitive literal text the suggestion must contain. */
  text?: string;
  includeHidden?: boolean;
  /** The walk's upper end (default: now); days after the survey's period are never walked. */
  now?: Date;
}

const DAY_MS = 24 * 3600 * 1000;
const MAX_WINDOW = 64;

/** newest first: by time, then by id */
function newerFirst(a: SuggestionItem, b: SuggestionItem): number {
  return b.submittedAt.getTime() - a.submittedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function olderThan(x: SuggestionItem, c: SuggestionCursor): boolean {
  const d = x.submittedAt.getTime() - c.at.getTime();
  return d < 0 || (d === 0 && x.id < c.id);
}

/**
 * A survey's suggestions newest first, one window of days at a time (1, 4, 16, 64 days), each
 * window read by equality on the suggestionKey index and sorted newest first. Hidden ones are
 * left out unless asked for. The walk below and the XLSX export both read them this way;
 * `maxWindow` caps a window's days (the XLSX, which reads every suggestion, takes one day at a time).
 */
export async function* suggestionWindows(
  survey: Pick<SurveyDoc, '_id' | 'period'>,
  last: Date,
  includeHidden = false,
  maxWindow = MAX_WINDOW,
): AsyncGenerator<SuggestionItem[]> {
  const { start } = periodBounds(survey.period);
  const days = dayKeysDescending(new Date(start.getTime() - DAY_MS), last);
  let i = 0;
  let window = 1;
  while (i < days.length) {
    const slice = days.slice(i, i + window);
    i += slice.length;
    window = Math.min(maxWindow, window * 4);
    const docs = await Response.collection
      .find(
        { suggestionKey: slice.length === 1 ? suggestionKey(survey._id, slice[0]!) : { $in: slice.map((d) => suggestionKey(survey._id, d)) } },
        { projection: { suggestion: 1, submittedAt: 1, suggestionHidden: 1, service: 1, year: 1, month: 1 } },
      )
      .toArray();
    const batch: SuggestionItem[] = [];
    for (const d of docs) {
      const item: SuggestionItem = {
        id: String(d._id),
        text: String(d.suggestion ?? ''),
        submittedAt: d.submittedAt as Date,
        hidden: d.suggestionHidden === true,
        service: String(d.service ?? ''),
        year: Number(d.year),
        month: Number(d.month),
      };
      if (item.text && (includeHidden || !item.hidden)) batch.push(item);
    }
    // Windows go back in time, so everything in this window is older than what came before.
    yield batch.sort(newerFirst);
  }
}

/** The last moment whose day may hold a suggestion of the survey (a day of margin past its period). */
export function suggestionsEnd(survey: Pick<SurveyDoc, 'period'>, now: Date): Date {
  // A day of margin either side: an import may file a late-evening answer in the next day's zone.
  return new Date(Math.min(periodBounds(survey.period).end.getTime() + DAY_MS, now.getTime() + DAY_MS));
}

/** The newest suggestions of a survey, as described above. */
export async function walkSuggestions(survey: Pick<SurveyDoc, '_id' | 'period'>, opts: WalkOptions): Promise<{ items: SuggestionItem[]; more: boolean }> {
  const end = suggestionsEnd(survey, opts.now ?? new Date());
  const last = new Date(Math.min(end.getTime(), opts.before ? opts.before.at.getTime() : Infinity));
  const needle = opts.text ? opts.text.toLocaleLowerCase('id') : '';
  const found: SuggestionItem[] = [];
  for await (const batch of suggestionWindows(survey, last, opts.includeHidden ?? false)) {
    for (const item of batch) {
      if (opts.before && !olderThan(item, opts.before)) continue;
      if (needle && !item.text.toLocaleLowerCase('id').includes(needle)) continue;
      found.push(item);
    }
    if (found.length > opts.limit) break;
  }
  return { items: found.slice(0, opts.limit), more: found.length > opts.limit };
}

/** "<ms>_<24 hex>" ↔ cursor; anything else is no cursor (the newest page). */
export function parseCursor(v: unknown): SuggestionCursor | undefined {
  const m = typeof v === 'string' ? /^(\d{1,15})_([0-9a-f]{24})$/.exec(v) : null;
  return m ? { at: new Date(Number(m[1])), id: m[2]! } : undefined;
}

export function formatCursor(item: SuggestionItem): string {
  return `${item.submittedAt.getTime()}_${item.id}`;
}
