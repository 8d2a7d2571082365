/**
 * The database goes away between serving the form and submitting it: the respondent gets a 503
 * "please try again" page with every answer still filled in, and the retry after the database
 * is back stores exactly one response. A real outage: mongoose is disconnected, no mocks.
 */
import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { connectDatabase } from '../../server/db/connection';
import { Response } from '../../models/response';
import { formApp, hiddenFields, makeSurvey, validAnswers } from './survey-form.helpers';
import { field } from '../../server/features/survey-form/survey-form.schema';

const { uri, dbName } = useTestDatabase();

describe('survey form: database outage during submit', () => {
  test('POST while the database is unreachable: 503, the form re-rendered with the answers; the retry stores one response', async () => {
    const app = formApp();
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const answers: Record<string, string> = { ...validAnswers(survey, 2), p_education: 'diploma', suggestion: 'Antrean terlalu panjang' };

    await mongoose.disconnect();
    expect(mongoose.connection.readyState).toBe(0);
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...answers });

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).toContain('Jawaban Anda belum tersimpan');
    expect(res.text).toContain('>Antrean terlalu panjang</textarea>');
    expect(res.text).toContain('<option value="diploma" selected>');
    expect(res.text).toContain('<option value="konsultasi" selected>');
    for (const e of survey.elements) {
      const v = answers[`a_${e.key}`];
      expect(res.text).toContain(`id="a_${e.key}-${v}" name="a_${e.key}" value="${v}" required checked`);
    }
    // The same idempotency key comes back, so the retry cannot store a second response.
    expect(hiddenFields(res.text)._key).toBe(hidden._key);

    await connectDatabase({ uri, dbName });
    const retry = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(res.text), ...answers });
    expect(retry.status).toBe(303);
    const again = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(res.text), ...answers });
    expect(again.status).toBe(303);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(1);
  });

  test('POST to an app that cannot load the survey (database down, nothing cached): 503 with Retry-After and a page that sends the same answers again', async () => {
    const survey = await makeSurvey();
    const page = await request(formApp()).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const answers: Record<string, string> = { ...validAnswers(survey, 3), suggestion: 'Ruang tunggu <panas> & sempit', website: '' };
    const fresh = formApp(); // another instance: it never loaded this survey
    await mongoose.disconnect();
    const res = await request(fresh)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...answers });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).toContain('Jawaban Anda belum tersimpan');
    expect(res.text).toContain(`<form method="post" action="/s/${survey.slug}">`);
    expect(res.text).toContain('name="suggestion" value="Ruang tunggu &lt;panas&gt; &amp; sempit"');
    const resend = Object.fromEntries(
      [...res.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
      ]),
    );
    const { website, ...kept } = answers;
    expect(resend).toMatchObject({ ...kept, _key: hidden._key });
    expect(resend).not.toHaveProperty(field.honeypot, website); // the honeypot is never echoed
    await connectDatabase({ uri, dbName });
    const retry = await request(fresh).post(`/s/${survey.slug}`).type('form').send(resend);
    expect(retry.status).toBe(303);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(1);
  });

  test('GET of a survey never seen while the database is down: a 503 page, not a 500', async () => {
    const app = formApp();
    await mongoose.disconnect();
    const res = await request(app).get('/s/belum-pernah-dimuat');
    expect(res.status).toBe(503);
    expect(res.text).toContain('Layanan sementara tidak tersedia');
    await connectDatabase({ uri, dbName });
  });
});
