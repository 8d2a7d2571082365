/**
 * The dashboard, as other features use it: a survey the user may read or manage (reports,
 * import) and the view helpers the result pages share.
 */
export { manageableSurvey, readableSurvey } from './dashboard.service';
export { viewHelpers } from './dashboard.view';
