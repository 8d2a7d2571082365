/**
 * Everything that follows a stored response, in one place: the survey's response counter (which
 * freezes its element set), and — when the dashboard's counters exist — their update. Awaited
 * before the respondent is thanked. Concurrent responses to one survey share one $inc write.
 */
import { Survey } from '../../../models/survey';
import { GroupedIncrement } from './grouped-increment';
import type { StoredResponse } from './survey-form.service';

const responseCounts = new GroupedIncrement(async (surveyId, n) => {
  await Survey.updateOne({ _id: surveyId }, { $inc: { responseCount: n } });
  return 0;
});

export async function afterResponseStored(response: StoredResponse): Promise<void> {
  await responseCounts.add(String(response.surveyId));
  // The dashboard's per-element counters: `await recordResponseStats(response);` belongs here.
}
