/**
 * Submitting a response: load survey → validate → check abuse rules → store exactly once → count.
 * No Express here: the route hands in the body and what it knows about the client, and maps the
 * outcome (or the AppError thrown) to a page.
 */
import { DeviceResponse } from '../../../models/device-response';
import { isDuplicateKey } from '../../errors';
import { periodPosition, storeResponse, type NewResponse } from '../../responses';
import { KEY_PATTERN, verifyStartToken } from './form-token';
import { field, parseSubmission } from './survey-form.schema';
import { FormExpired, HoneypotFilled, SurveyNotAccepting, TooFast, alreadyAnswered, keyReused } from './survey-form.errors';
import type { FormSurvey } from './survey-form.types';

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
}

/**
 * 'stored': a new response; 'already-stored': the same answers under the same key were stored
 * before (a retry). Resolves once the response is durably stored; counting follows on its own
 * (server/responses), so the respondent waits for one write.
 */
export async function submitResponse(input: SubmitInput): Promise<'stored' | 'already-stored'> {
  const { survey, now } = input;
  if (availability(survey, now) !== 'open') throw new SurveyNotAccepting();
  const submission = parseSubmission(survey, input.body);
  const key = checkAbuseRules(input);
  const response: NewResponse = { key, submittedAt: now, source: input.source, ...submission };
  const claimed = survey.oneResponsePerDevice && input.deviceHash ? await claimDevice(survey, input.deviceHash, key, now) : false;
  let outcome;
  try {
    ({ outcome } = await storeResponse(survey, 'form', response));
  } catch (e) {
    if (claimed) await releaseDevice(survey, input.deviceHash!, key);
    throw e;
  }
  if (outcome === 'key-reused') throw keyReused();
  return outcome;
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

const deviceClaimId = (survey: FormSurvey, deviceHash: string) => `${String(survey._id)}:${deviceHash}`;

/** One response per device: claim (survey, device) for this key; a retry with the same key passes. True when claimed now. */
async function claimDevice(survey: FormSurvey, deviceHash: string, key: string, now: Date): Promise<boolean> {
  const _id = deviceClaimId(survey, deviceHash);
  try {
    await DeviceResponse.create({ _id, surveyId: survey._id, deviceHash, idempotencyKey: key, createdAt: now });
    return true;
  } catch (e) {
    if (!isDuplicateKey(e)) throw e;
    const claim = await DeviceResponse.findById(_id, { idempotencyKey: 1 }).lean();
    if (claim?.idempotencyKey !== key) throw alreadyAnswered();
    return false;
  }
}

/** The response was not stored after all: free the device for the next attempt (best effort). */
async function releaseDevice(survey: FormSurvey, deviceHash: string, key: string): Promise<void> {
  await DeviceResponse.deleteOne({ _id: deviceClaimId(survey, deviceHash), idempotencyKey: key }).catch(() => undefined);
}
