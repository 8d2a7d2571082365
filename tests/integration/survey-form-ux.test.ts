/**
 * The respondent's form (issue 13): the language switch posts the answers and keeps them (14),
 * English title and description with Indonesian fallback (15), summary links land on the
 * question (16), progress as plain text (17), and kiosk mode without navigation (18).
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { formApp, hiddenFields, makeSurvey, validAnswers } from './survey-form.helpers';

useTestDatabase();
const app = formApp();

describe('survey form: switching language mid-form', () => {
  test('the in-form switch posts the answers: the English form comes back with every answer, nothing stored, language remembered', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const answers = validAnswers(survey);
    const first = survey.elements[0]!.key;

    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...answers, _lang: 'en' });

    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(survey.elements[0]!.question!.en);
    expect(res.text).toMatch(new RegExp(`id="a_${first}-${answers[`a_${first}`]}" name="a_${first}" value="${answers[`a_${first}`]}" required checked`));
    expect(res.text).toContain('<option value="konsultasi" selected>');
    expect(res.text).toContain('Pertahankan.</textarea>');
    expect(res.text).toContain(`name="_key" value="${hidden._key}"`);
    expect(res.text).toContain('name="_lang" value="id" lang="id"');
    expect(String(res.headers['set-cookie'])).toMatch(/lang=en/);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);
  });

  test('the form page offers the switch inside the form (a submit button), not as a link that would drop the answers', async () => {
    const survey = await makeSurvey();
    const res = await request(app).get(`/s/${survey.slug}`);
    const form = res.text.slice(res.text.indexOf('<form'), res.text.indexOf('</form>'));
    expect(form).toContain('<button type="submit" name="_lang" value="en" lang="en"');
    expect(res.text).not.toContain('class="lang-switch"');
    // Enter sends the answers: the first submit button of the form is the real one.
    expect(/<button type="submit"([^>]*)>/.exec(form)![1]).not.toContain('_lang');
  });
});

describe('survey form: English title and description', () => {
  test('English fields are shown in English; blank ones fall back to the Indonesian text', async () => {
    const both = await makeSurvey({ title: 'Survei Layanan Data', titleEn: 'Data Service Survey', description: 'Deskripsi', descriptionEn: 'Description' });
    const onlyId = await makeSurvey({ title: 'Survei Tanpa Terjemahan', description: 'Hanya bahasa Indonesia' });

    const en = await request(app).get(`/s/${both.slug}?lang=en`);
    const id = await request(app).get(`/s/${both.slug}?lang=id`);
    const fallback = await request(app).get(`/s/${onlyId.slug}?lang=en`);

    expect(en.text).toContain('<h1>Data Service Survey</h1>');
    expect(en.text).toContain('<p class="lead">Description</p>');
    expect(id.text).toContain('<h1>Survei Layanan Data</h1>');
    expect(fallback.text).toContain('<h1>Survei Tanpa Terjemahan</h1>');
    expect(fallback.text).toContain('<p class="lead">Hanya bahasa Indonesia</p>');
  });
});

describe('survey form: progress and error summary', () => {
  test('progress is plain text: 0 of k on a fresh form, the answered count after a refused submit', async () => {
    const survey = await makeSurvey();
    const k = survey.elements.length;
    const page = await request(app).get(`/s/${survey.slug}`);
    expect(page.text).toContain(`>0 dari ${k} terjawab</p>`);

    const partial: Record<string, string> = { service: 'konsultasi' };
    survey.elements.slice(0, 5).forEach((e) => (partial[`a_${e.key}`] = '3'));
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(page.text), ...partial });

    expect(res.status).toBe(422);
    expect(res.text).toContain(`>5 dari ${k} terjawab</p>`);
  });

  test('each summary link targets the question’s fieldset (focusable), so its text is in view', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(page.text), service: 'konsultasi' });
    const key = survey.elements[0]!.key;
    expect(res.text).toContain(`<a href="#q-a_${key}">`);
    expect(res.text).toMatch(new RegExp(`<fieldset class="sf-q has-error" id="q-a_${key}" tabindex="-1"`));
  });
});

describe('survey form: kiosk mode', () => {
  test('no navigation away: no home link, no language link, no staff links, no badge; the form itself is complete', async () => {
    const survey = await makeSurvey();
    const res = await request(app).get(`/s/${survey.slug}?kiosk=1`);
    expect(res.status).toBe(200);
    const header = res.text.slice(res.text.indexOf('<header'), res.text.indexOf('</header>'));
    expect(header).not.toContain('<a ');
    expect(res.text).not.toContain('href="/"');
    expect(res.text).not.toContain('href="/admin');
    expect(res.text).not.toContain('Mode kios');
    expect(res.text).toContain('name="kiosk" value="1"');
  });

  test('the kiosk thank-you page has no way off the survey either', async () => {
    const survey = await makeSurvey();
    const res = await request(app).get(`/s/${survey.slug}/terima-kasih?kiosk=1`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('href="/"');
    expect(res.text).toContain(`href="/s/${survey.slug}?kiosk=1"`);
  });
});
