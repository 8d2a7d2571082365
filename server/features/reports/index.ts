/** Reports, as other features use them: the last period's follow-up plan (dashboard). */
export { lastPeriodPlan } from './follow-up.service';
