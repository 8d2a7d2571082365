/**
 * The SKM/IKM method (PermenPANRB 14/2017 and KEP/25/2004) as pure functions.
 *
 * This module imports nothing outside server/ikm: no Express, no database, no file system.
 * Every part of the platform (survey pages, dashboards, reports, the `skm` command) computes
 * scores, grades, achievements and sample sizes through this API, so the figures agree
 * everywhere. See docs/method.md for the method and a worked example.
 *
 * @packageDocumentation
 */
export { roundDecimal, roundHalfUp, truncate, toFixedDecimal, type RoundingMode } from './rounding';
export {
  customElementSet,
  elementCode,
  ElementSetError,
  genericElementSet,
  getTemplate,
  GENERIC_LABELS,
  isTemplateId,
  TEMPLATE_IDS,
  type AnswerLabels,
  type CustomElementInput,
  type ElementDefinition,
  type ElementSet,
  type Lang,
  type LocalizedText,
  type TemplateId,
} from './templates';
export {
  classifyIkm,
  classifyScore,
  getGradeTable,
  PERFORMANCE_LABELS,
  performanceLabel,
  type Classification,
  type Grade,
  type GradeBand,
  type GradeTable,
  type GradeTableId,
  type Performance,
} from './grades';
export { looksNumeric, readScore, type ScoreReading } from './score-text';
export { IkmAccumulator, isScore, respondentKind, type Answer, type Score, type ScoreCounts, type Tally } from './accumulator';
export {
  computeFromAnswers,
  computeFromCounts,
  computeFromTally,
  scoreFromNrrs,
  type ComputeOptions,
  type CountsMeta,
  type ElementResult,
  type IkmResult,
} from './compute';
export { achievement, type Achievement, type AchievementCap, type AchievementOptions, type Polarity } from './achievement';
export { krejcieMorgan, krejcieMorganExact, sampleAdequacy, type SampleAdequacy } from './sample';
export { IkmError, type IkmErrorCode } from './errors';
