/**
 * The dashboard, as other features use it: a survey the user may read or manage (reports,
 * import), a unit's surveys compared (the unit report) and the view helpers the result pages
 * share.
 */
export { compareSurveys, manageableSurvey, readableSurvey, type UnitSurveyRow } from './dashboard.service';
export { viewHelpers } from './dashboard.view';
