/**
 * Per-element score counts of a survey, kept up to date as responses arrive, so the headline
 * and the per-unsur views cost O(k) whatever the number of responses (issue 5).
 *
 * One document per (survey, bucket):
 *   bucket "all"                       the whole survey
 *   bucket "cell:<year>-<month>:<svc>" one month × one service; a period range, a service or
 *                                      both are the sum of a few cells (≤ months × services)
 * Each holds `c.<elementKey>.s1…s4` (how many answered 1…4), `respondents` (responses with at
 * least one answer), `complete` (answered every element) and `p.<profileKey>.<value>` (profile
 * counts for the charts). Updated only with atomic $inc on object paths (no array indexes:
 * FerretDB 1.x and MongoDB agree on those). `rebuildStats` recomputes them from the responses.
 */
import { Schema, model, type Types } from 'mongoose';

const surveyStatsSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    /** "all" or "cell:<year>-<month>:<service>". */
    bucket: { type: String, required: true },
    /** Set on cells, null on "all". */
    year: { type: Number, default: null },
    month: { type: Number, default: null },
    service: { type: String, default: null },
    respondents: { type: Number, default: 0 },
    complete: { type: Number, default: 0 },
    /** { [elementKey]: { s1, s2, s3, s4 } } */
    c: { type: Schema.Types.Mixed, default: {} },
    /** { [profileKey]: { [encoded value]: count } } */
    p: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);

surveyStatsSchema.index({ surveyId: 1, bucket: 1 }, { unique: true });

/** Score counts of one element, as stored. */
export interface StoredCounts {
  s1?: number;
  s2?: number;
  s3?: number;
  s4?: number;
}

/** A stats document as read (lean). */
export interface SurveyStatsDoc {
  _id: Types.ObjectId;
  surveyId: Types.ObjectId;
  bucket: string;
  year: number | null;
  month: number | null;
  service: string | null;
  respondents: number;
  complete: number;
  c: Record<string, StoredCounts>;
  p: Record<string, Record<string, number>>;
}

export const SurveyStats = model('SurveyStats', surveyStatsSchema, 'surveystats');
