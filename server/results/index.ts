/**
 * Results: the counters kept as responses are stored, and the figures read from them. Use it
 * through this file.
 *
 *   elements.ts    a stored survey's elements ↔ the method's element set (server/ikm)
 *   profile.ts     the standard profile (keys, age groups, ageGroup) and which keys are counted
 *   counters.ts    the counter documents (models/survey-stats.ts): recorded per response,
 *                  recounted, verified and rebuilt from the raw responses
 *   read-model.ts  a survey's results (server/ikm on the counters), filtered by period, service
 *                  and profile answers
 *
 * The response pipeline (server/responses) records and recovers counts through counters.ts.
 */
export { elementSetOf, elementsFromTemplate, toStoredElements, type StoredElement } from './elements';
export { AGE_GROUPS, ageGroup, countedProfileKeys, STANDARD_PROFILE_KEYS, STANDARD_PROFILE_OPTIONS, type ProfileQuestionKinds } from './profile';
export {
  ALL_BUCKET,
  CHANNELS,
  countedShards,
  loadCounters,
  rebuildStats,
  recordResponseStats,
  recordResponsesStats,
  responseCounts,
  shardWriter,
  verifyStats,
  writeRecoveredBatch,
  type StatsResponse,
  type StatsSurvey,
  type VerifyReport,
} from './counters';
export {
  addCounts,
  computeSurveyResults,
  indicatorOf,
  resultFromCounts,
  sumCounts,
  type Cell,
  type Counts,
  type ResultsFilter,
  type SurveyResults,
  type YearMonth,
} from './read-model';
