/** Survey management, as other features use it: the open surveys (home) and a survey's response count (import). */
export { openSurveys, responseCount } from './surveys.service';
