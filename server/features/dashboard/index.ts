/**
 * The dashboard, as other features use it: a survey the user may read or manage (reports,
 * import), a unit's surveys compared (the unit report), a survey's suggestions by day (the XLSX
 * export) and the view helpers the result pages share.
 */
export { compareSurveys, type UnitSurveyRow } from './dashboard.service';
export { viewHelpers } from './dashboard.view';
export { suggestionWindows, suggestionsEnd } from './suggestions.service';
