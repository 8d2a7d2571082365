/**
 * Everything that follows a stored response, in one place: the survey's response counter (which
 * freezes its element set) and the dashboard's per-element counters. Awaited before the
 * respondent is thanked. Concurrent responses to one survey share their counter writes.
 */
import { Survey } from '../../../models/survey';
import { recordResponseStats } from '../dashboard/stats.service';
import { GroupedIncrement } from './grouped-increment';
import type { StoredResponse } from './survey-form.service';
import type { FormSurvey } from './survey-form.types';

const responseCounts = new GroupedIncrement(async (surveyId, n) => {
  await Survey.updateOne({ _id: surveyId }, { $inc: { responseCount: n } });
  return 0;
});

export async function afterResponseStored(response: StoredResponse, survey: FormSurvey): Promise<void> {
  await Promise.all([responseCounts.add(String(response.surveyId)), recordResponseStats(response, survey)]);
}
