/**
 * The report's collection channels (online, kiosk, import) come from the counters' cells and
 * equal a grouping of the raw responses, blank questionnaires included, for the whole survey
 * and for a range of months; counters that predate channel counts fall back to that grouping.
 */
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { SurveyStats } from '../../models/survey-stats';
import { channelCounts } from '../../server/features/reports/report.service';
import { periodOfMonth, storeResponses, type NewResponse } from '../../server/responses';
import { makeSurvey, makeUnit } from './dashboard-fixtures';

useTestDatabase();

test('channels from the counters equal the raw responses grouped, for the survey and for a range of months', async () => {
  const survey = await makeSurvey(await makeUnit());
  const sources = ['web', 'kiosk', 'import', 'web', 'web', 'kiosk'] as const;
  const rs: NewResponse[] = sources.flatMap((source, i) =>
    [1, 5, 9].map((month, j) => ({
      key: `c-${i}-${j}`,
      submittedAt: new Date(Date.UTC(2022, month - 1, 10)),
      period: periodOfMonth(2022, month),
      service: i % 2 ? 'a' : 'b',
      // the sixth is a blank questionnaire: no respondent, but a stored response of its channel
      answers: i === 5 ? [] : survey.elements.map((e) => ({ k: e.key, v: 3 })),
      profile: {},
      suggestion: '',
      source,
    })),
  );
  await storeResponses(survey, 'form', rs);

  const whole = await channelCounts(survey, {});
  const spring = await channelCounts(survey, { from: { year: 2022, month: 2 }, to: { year: 2022, month: 6 } });

  expect(whole).toEqual([
    { source: 'web', n: 9 },
    { source: 'kiosk', n: 6 },
    { source: 'import', n: 3 },
  ]);
  expect(spring).toEqual([
    { source: 'web', n: 3 },
    { source: 'kiosk', n: 2 },
    { source: 'import', n: 1 },
  ]);
  expect(await Response.countDocuments({ surveyId: survey._id })).toBe(18);

  // Read from the counters, not the responses: a response removed behind them is still counted…
  await Response.collection.deleteOne({ surveyId: survey._id, source: 'web' });
  expect(await channelCounts(survey, {})).toEqual(whole);
  // …until counters written before channels were counted (the cells carry none): the raw responses are grouped.
  await SurveyStats.collection.updateMany({ surveyId: survey._id }, { $unset: { ch: '' } });
  expect(await channelCounts(survey, {})).toEqual([{ source: 'web', n: 8 }, ...whole.slice(1)]);
});
