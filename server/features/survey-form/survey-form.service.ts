/**
 * Submitting a response: load survey → validate → check abuse rules → store exactly once → count.
 * No Express here: the route hands in the body and what it knows about the client, and maps the
 * outcome (or the AppError thrown) to a page.
 */
import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { Response } from '../../../models/response';
import { DeviceResponse } from '../../../models/device-response';
import { isDuplicateKey } from '../../errors';
import type { Collection } from 'mongodb';
import { afterResponseStored } from './after-store';
import { GroupedInsert } from './grouped-insert';
import { KEY_PATTERN, verifyStartToken } from './form-token';
import { periodFields, periodPosition } from './period';
import { field, parseSubmission } from './survey-form.schema';
import { FormExpired, HoneypotFilled, SurveyNotAccepting, TooFast, alreadyAnswered, keyReused } from './survey-form.errors';
import type { FormSurvey, Submission } from './survey-form.types';

export type Availability = 'open' | 'closed' | 'not-yet' | 'draft';

/** Whether the survey takes answers now: its status, its opening dates, and its period (see period.ts). */
export function availability(survey: Pick<FormSurvey, 'status' | 'opensAt' | 'closesAt' | 'period'>, now: Date): Availability {
  if (survey.status === 'draft') return 'draft';
  const inPeriod = periodPosition(survey.period, now);
  if (survey.status === 'closed' || (survey.closesAt && survey.closesAt <= now) || inPeriod === 'after') return 'closed';
  if ((survey.opensAt && survey.opensAt > now) || inPeriod === 'before') return 'not-yet';
  return 'open';
}

export interface SubmitInput {
  survey: FormSurvey;
  body: unknown;
  now: Date;
  source: 'web' | 'kiosk';
  /** Keyed hash of the device cookie, when the survey allows one response per device. */
  deviceHash?: string;
  secret: string;
  minFillMs: number;
  /**
   * The response is stored but a counter update failed: the respondent is still thanked (their
   * answers are safe; counters can be rebuilt from the responses), and the caller logs this.
   */
  onCounterError?: (err: unknown) => void;
}

export interface StoredResponse {
  surveyId: Types.ObjectId;
  unitId: Types.ObjectId;
  year: number;
  semester: number;
  quarter: number;
  month: number;
  service: string;
  answers: { k: string; v: number }[];
  profile: Record<string, string>;
  suggestion: string;
  submittedAt: Date;
  source: 'web' | 'kiosk';
  idempotencyKey: string;
  contentHash: string;
}

/** 'stored': a new response; 'already-stored': the same answers under the same key were stored before (a retry). */
export async function submitResponse(input: SubmitInput): Promise<'stored' | 'already-stored'> {
  const { survey, now } = input;
  if (availability(survey, now) !== 'open') throw new SurveyNotAccepting();
  const submission = parseSubmission(survey, input.body);
  const key = checkAbuseRules(input);
  const response = toResponse(survey, submission, key, input);
  const claimed = survey.oneResponsePerDevice && input.deviceHash ? await claimDevice(survey, input.deviceHash, key, now) : false;
  let stored: boolean;
  try {
    stored = await storeOnce(response);
  } catch (e) {
    if (claimed) await releaseDevice(survey, input.deviceHash!, key);
    throw e;
  }
  if (stored) await afterResponseStored(response, survey).catch((e: unknown) => input.onCounterError?.(e));
  return stored ? 'stored' : 'already-stored';
}

/** Honeypot, then the signed start token and the minimum fill time. Returns the idempotency key. */
function checkAbuseRules(input: SubmitInput): string {
  const body = input.body as Record<string, string | undefined>;
  if ((body[field.honeypot] ?? '') !== '') throw new HoneypotFilled();
  const key = body[field.key] ?? '';
  if (!KEY_PATTERN.test(key)) throw new FormExpired();
  const issuedAt = verifyStartToken(input.secret, input.survey.slug, key, body[field.startToken], input.now.getTime());
  if (issuedAt === undefined) throw new FormExpired();
  if (input.now.getTime() - issuedAt < input.minFillMs) throw new TooFast();
  return key;
}

function toResponse(survey: FormSurvey, s: Submission, key: string, input: SubmitInput): StoredResponse {
  return {
    surveyId: survey._id,
    unitId: survey.unitId,
    ...periodFields(survey.period, input.now),
    service: s.service,
    answers: s.answers,
    profile: s.profile,
    suggestion: s.suggestion,
    submittedAt: input.now,
    source: input.source,
    idempotencyKey: key,
    contentHash: contentHash(survey, s),
  };
}

/** What the respondent said (not when or how): a retry has the same hash, other answers another. */
export function contentHash(survey: Pick<FormSurvey, '_id'>, s: Submission): string {
  const profile = Object.entries(s.profile).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([String(survey._id), s.service, s.answers.map((a) => [a.k, a.v]), profile, s.suggestion]);
  return crypto.createHash('sha256').update(canonical).digest('base64url');
}

/** Concurrent submissions are written together (group commit); each waits for its own acknowledgement. */
const responses = new GroupedInsert(() => Response.collection as unknown as Collection);

/** Insert under the unique idempotency key. False when this exact response is already stored. */
async function storeOnce(response: StoredResponse): Promise<boolean> {
  // Written through the driver: the form schema has checked every value, and the test of a stored
  // document pins its shape to models/response.ts (no mongoose document per response on the hot path).
  const doc = { _id: new Types.ObjectId(), ...response, suggestionHidden: false };
  try {
    await responses.insert(doc);
    return true;
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    const existing = await Response.findOne({ idempotencyKey: response.idempotencyKey }, { contentHash: 1 }).lean();
    if (existing?.contentHash === response.contentHash) return false;
    throw keyReused();
  }
}

/** One response per device: claim (survey, device) for this key; a retry with the same key passes. True when claimed now. */
async function claimDevice(survey: FormSurvey, deviceHash: string, key: string, now: Date): Promise<boolean> {
  try {
    await DeviceResponse.create({ surveyId: survey._id, deviceHash, idempotencyKey: key, createdAt: now });
    return true;
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    const claim = await DeviceResponse.findOne({ surveyId: survey._id, deviceHash }, { idempotencyKey: 1 }).lean();
    if (claim?.idempotencyKey !== key) throw alreadyAnswered();
    return false;
  }
}

/** The response was not stored after all: free the device for the next attempt (best effort). */
async function releaseDevice(survey: FormSurvey, deviceHash: string, key: string): Promise<void> {
  await DeviceResponse.deleteOne({ surveyId: survey._id, deviceHash, idempotencyKey: key }).catch(() => undefined);
}
