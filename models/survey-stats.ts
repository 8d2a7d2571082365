/**
 * Per-element score counts of a survey, kept up to date as responses arrive, so the headline
 * and the per-unsur views cost O(k) whatever the number of responses (issue 5).
 *
 * Sharded by writer: the _id is "<surveyId>:<bucket>:<writer>", and only the app process named
 * `writer` ever writes its shard (one write in flight at a time), so no two processes update one
 * document (FerretDB 1.x loses concurrent updates). A bucket's count is the sum of its shards
 * (server/results/counters.ts `loadCounters`). Writers: a process's random id, "base"
 * (a rebuild) or "r:<outbox id>" (a batch recovered after a crash, written whole: idempotent).
 *
 * Buckets of a survey:
 *   bucket "all"                       the whole survey
 *   bucket "cell:<year>-<month>:<svc>" one month × one service; a period range, a service or
 *                                      both are the sum of a few cells (≤ months × services)
 *
 * Profile cells, in their own collection "surveyprofilestats" (same schema, so the readers of
 * the buckets above never read them):
 *   bucket "pcell:<key>=<value>:<year>-<month>:<svc>"  the respondents of one month × service who
 *                                      gave one profile answer (e.g. gender=p); a dashboard
 *                                      filtered by one profile answer is the sum of its cells
 *
 * Each holds `c.<elementKey>.s1…s4` (how many answered 1…4), `respondents` (responses with at
 * least one answer), `complete` (answered every element) and `p.<profileKey>.<value>` (profile
 * counts for the charts). Updated only with atomic $inc on object paths (no array indexes:
 * FerretDB 1.x and MongoDB agree on those). `rebuildStats` recomputes them from the responses.
 */
import { Schema, model, type Types } from 'mongoose';

const surveyStatsSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Which process owns this shard. */
    writer: { type: String, required: true },
    /** Outbox batches (models/counting-outbox.ts) already added here whose outbox entry may still exist. */
    applied: { type: [String], default: [] },
    /** How many writes the writer made: each write is conditional on it, so a retried write is never applied twice. */
    seq: { type: Number, default: 0 },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    /** "all" or "cell:<year>-<month>:<service>". */
    bucket: { type: String, required: true },
    /** Set on cells, null on "all". */
    year: { type: Number, default: null },
    month: { type: Number, default: null },
    service: { type: String, default: null },
    /** Profile cells: "<key>=<encoded value>"; null on the other buckets. */
    profile: { type: String, default: null },
    /** Every stored response, respondent or not ("all" bucket only; replaces Survey.responseCount). */
    responses: { type: Number, default: 0 },
    respondents: { type: Number, default: 0 },
    complete: { type: Number, default: 0 },
    /** { [elementKey]: { s1, s2, s3, s4 } } */
    c: { type: Schema.Types.Mixed, default: {} },
    /** { [profileKey]: { [encoded value]: count } } */
    p: { type: Schema.Types.Mixed, default: {} },
    /** Cells: stored responses (blank ones too) per collection channel, { web, kiosk, import }. */
    ch: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);

surveyStatsSchema.index({ surveyId: 1 });

const surveyProfileStatsSchema = surveyStatsSchema.clone();
surveyProfileStatsSchema.index({ surveyId: 1, profile: 1 });

/** Score counts of one element, as stored. */
export interface StoredCounts {
  s1?: number;
  s2?: number;
  s3?: number;
  s4?: number;
}

/** A stats document as read (lean). */
export interface SurveyStatsDoc {
  _id: string;
  writer?: string;
  applied?: string[];
  seq?: number;
  responses?: number;
  surveyId: Types.ObjectId;
  bucket: string;
  year: number | null;
  month: number | null;
  service: string | null;
  profile?: string | null;
  respondents: number;
  complete: number;
  c: Record<string, StoredCounts>;
  p: Record<string, Record<string, number>>;
  ch?: Record<string, number>;
}

export const SurveyStats = model('SurveyStats', surveyStatsSchema, 'surveystats');

/** The profile cells (see above): written and read by server/results/counters.ts alone. */
export const SurveyProfileStats = model('SurveyProfileStats', surveyProfileStatsSchema, 'surveyprofilestats');
