/**
 * Over HTTP: a survey whose period has ended shows a notice instead of the form and refuses a
 * submission with 409 and the same notice; nothing is stored (issue 13, item 2).
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { signStartToken } from '../../server/features/survey-form/form-token';
import { SECRET, formApp, makeSurvey, validAnswers } from './survey-form.helpers';

useTestDatabase();
const app = formApp();
// Years relative to the real clock the routes read, so the test holds in any year.
const thisYear = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();

describe('survey form: answers only within the survey period', () => {
  test('GET an open survey of an earlier year: the ended-period notice, no form', async () => {
    const survey = await makeSurvey({ period: { year: thisYear - 4 } });

    const res = await request(app).get(`/s/${survey.slug}`);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`periode ${thisYear - 4}, yang sudah berakhir`);
    expect(res.text).not.toContain('<form');
  });

  test('POST to an open survey of an earlier year: 409 with the notice, nothing stored', async () => {
    const survey = await makeSurvey({ period: { year: thisYear - 4 } });
    const key = 'p'.repeat(22);

    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ _key: key, _t: signStartToken(SECRET, survey.slug, key, Date.now() - 60_000), ...validAnswers(survey) });

    expect(res.status).toBe(409);
    expect(res.text).toContain('Survei sudah ditutup');
    expect(res.text).toContain(`periode ${thisYear - 4}`);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);
  });

  test('GET a survey of a later year: not open yet, with the period’s first day', async () => {
    const survey = await makeSurvey({ period: { year: thisYear + 1 } });

    const res = await request(app).get(`/s/${survey.slug}?lang=en`);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`This survey opens on 1 January ${thisYear + 1}`);
  });
});
