/**
 * The response pipeline: how every response is stored and counted (see pipeline.ts), and the
 * machinery that keeps the counters right across crashes (outbox.ts). Use it through this file.
 *
 *   storeResponse(survey, scope, response)    → { outcome, counted }  (the form: wait for outcome only)
 *   storeResponses(survey, scope, responses)  → outcomes, once all are stored and counted (import, demo)
 *   responseId(surveyId, scope, key)          the _id a key maps to (lookups, tests)
 *   contentHash(surveyId, response)           what a retry must match
 *   periodFields / periodOfMonth              the period fields copied onto a response
 *   dayKey / dayKeysDescending                the WIB day a suggestion is filed under
 *   countersIdle()                            wait until this process's counting is done
 *   startCounting(options)                    heartbeat, orphan resolution, reconcile (main.ts)
 */
export { contentHash, countersIdle, responseId, storeResponse, storeResponses, toResponseDocument } from './pipeline';
export type { KeyScope, NewResponse, PipelineSurvey, StoreOutcome, StoreResult } from './pipeline';
export {
  dayKey,
  dayKeysDescending,
  suggestionKey,
  periodBounds,
  periodFields,
  periodOfMonth,
  periodPosition,
  type PeriodFields,
  type SurveyPeriod,
} from './period';
export { COUNTING_DEFAULTS, otherLiveInstance, reconcile, reconcileGapMs, resolveOrphans, startCounting, takeLease } from './outbox';
export type { Counting, CountingOptions, ReconcileReport } from './outbox';
