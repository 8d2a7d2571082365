import zlib from 'node:zlib';
import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { Survey } from '../../models/survey';
import { RateLimit } from '../../models/rate-limit';
import { DeviceResponse } from '../../models/device-response';
import { signStartToken } from '../../server/features/survey-form/form-token';
import { countersIdle, periodFields, responseId } from '../../server/responses';
import { loadCounters } from '../../server/results';
import { CountingOutbox } from '../../models/counting-outbox';
import { qrSvg } from '../../server/features/survey-form/qr';
import { DatabaseRateLimitStore } from '../../server/features/survey-form/rate-limit.store';
import { SECRET, THIS_YEAR, formApp, hiddenFields, makeSurvey, validAnswers } from './survey-form.helpers';

useTestDatabase();

const app = formApp();

/** GET the form, then POST `answers` with its hidden fields. */
async function submit(
  slug: string,
  answers: Record<string, string>,
  opts: { app?: typeof app; agent?: ReturnType<typeof request.agent>; query?: string } = {},
) {
  const client = opts.agent ?? request(opts.app ?? app);
  const page = await client.get(`/s/${slug}${opts.query ?? ''}`);
  expect(page.status).toBe(200);
  const hidden = hiddenFields(page.text);
  const res = await client
    .post(`/s/${slug}`)
    .type('form')
    .send({ ...hidden, ...answers });
  return { res, hidden };
}

const countFor = (surveyId: unknown) => Response.countDocuments({ surveyId });

/** The survey's counters once this process has counted everything it stored. */
async function countersOf(surveyId: mongoose.Types.ObjectId) {
  await countersIdle();
  const [all] = await loadCounters(surveyId, { bucket: 'all' });
  return all ?? { responses: 0, respondents: 0, complete: 0, c: {} as Record<string, Record<string, number>> };
}

describe('survey form: GET /s/:slug renders an accessible form', () => {
  test('an open survey: every element is a fieldset with a legend and four labelled radios, in Bahasa Indonesia', async () => {
    const survey = await makeSurvey();
    const res = await request(app).get(`/s/${survey.slug}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="id">');
    expect(res.text).toContain(survey.elements[0]!.question!.id);
    expect(res.text.match(/<fieldset class="sf-q/g)).toHaveLength(survey.elements.length);
    expect(res.text.match(/<legend>/g)).toHaveLength(survey.elements.length);
    const first = survey.elements[0]!;
    for (let v = 1; v <= 4; v++) {
      expect(res.text).toContain(
        `<label class="sf-choice" for="a_${first.key}-${v}"><input type="radio" id="a_${first.key}-${v}" name="a_${first.key}" value="${v}"`,
      );
    }
    expect(res.text).toContain('Tidak sesuai');
    expect(res.text).toContain('<option value="konsultasi">Konsultasi teknis</option>');
    for (const name of ['p_gender', 'p_age', 'p_education', 'p_occupation', 'suggestion']) expect(res.text).toContain(`name="${name}"`);
    expect(res.text).not.toMatch(/<script(?![^>]*src=)/);
    expect(res.text).not.toMatch(/ style=/);
    expect(res.headers['cache-control']).toBe('private, no-cache');
  });

  test('the form page weighs at most 30 KB compressed, HTML and CSS together', async () => {
    const survey = await makeSurvey({
      profileQuestions: [{ key: 'instansi', label: { id: 'Asal instansi', en: 'Organisation' }, kind: 'text' }],
    });
    const page = await request(app).get(`/s/${survey.slug}`);
    const css = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
    expect(css.length).toBeGreaterThanOrEqual(1);
    let bytes = zlib.gzipSync(page.text).length;
    for (const href of css) {
      const res = await request(app).get(href);
      expect(res.status).toBe(200);
      bytes += zlib.gzipSync(res.text).length;
    }
    expect(bytes).toBeLessThanOrEqual(30 * 1024);
    expect(page.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no third-party requests
  });

  test('?lang=en: the questions, labels and services come from the survey in English', async () => {
    const survey = await makeSurvey();
    const res = await request(app).get(`/s/${survey.slug}?lang=en`);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(survey.elements[0]!.question!.en);
    expect(res.text).toContain('Not appropriate');
    expect(res.text).toContain('Technical consultation');
    expect(res.text).toContain('Send answers');
  });

  test('custom profile questions and no suggestion field when the survey disables it', async () => {
    const survey = await makeSurvey({
      suggestionEnabled: false,
      services: [],
      profileQuestions: [{ key: 'instansi', label: { id: 'Asal instansi', en: 'Organisation' }, kind: 'text', required: true }],
    });
    const res = await request(app).get(`/s/${survey.slug}`);
    expect(res.text).toContain('Asal instansi');
    expect(res.text).toContain('name="p_instansi"');
    expect(res.text).not.toContain('name="suggestion"');
    expect(res.text).not.toContain('name="service"');
  });

  test('an unknown slug: a friendly 404', async () => {
    const res = await request(app).get('/s/tidak-ada-survei');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Survei yang Anda cari tidak ditemukan');
  });

  test('a draft survey is not public: 404', async () => {
    const survey = await makeSurvey({ status: 'draft' });
    expect((await request(app).get(`/s/${survey.slug}`)).status).toBe(404);
  });

  test('a closed survey shows a notice instead of the form', async () => {
    const survey = await makeSurvey({ status: 'closed' });
    const res = await request(app).get(`/s/${survey.slug}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Survei sudah ditutup');
    expect(res.text).not.toContain('<form');
  });

  test('a survey past its closing date shows the closed notice with the date', async () => {
    const survey = await makeSurvey({ closesAt: new Date('2026-01-31T10:00:00Z') });
    const res = await request(app).get(`/s/${survey.slug}`);
    expect(res.text).toContain('Survei sudah ditutup');
    expect(res.text).toContain('31 Januari 2026');
    expect(res.text).not.toContain('<form');
  });

  test('a survey that is not yet open shows when it opens', async () => {
    const opensAt = new Date(Date.now() + 7 * 24 * 3600 * 1000);
    const survey = await makeSurvey({ opensAt });
    const res = await request(app).get(`/s/${survey.slug}?lang=en`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('This survey is not open yet');
    expect(res.text).toContain(String(opensAt.getUTCFullYear()));
    expect(res.text).not.toContain('<form');
  });
});

describe('survey form: POST /s/:slug stores a valid response exactly once', () => {
  test('a valid submission: 303 to the thank-you page, one stored document with answers, period and no IP', async () => {
    const survey = await makeSurvey({ period: { year: THIS_YEAR } });
    const answers = validAnswers(survey);
    const { res, hidden } = await submit(survey.slug, answers);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${survey.slug}/terima-kasih`);
    const docs = await mongoose.connection.db!.collection('responses').find({ surveyId: survey._id }).toArray();
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(doc.answers).toEqual(survey.elements.map((e) => ({ k: e.key, v: Number(answers[`a_${e.key}`]) })));
    expect(doc).toMatchObject({
      unitId: survey.unitId,
      year: THIS_YEAR,
      service: 'konsultasi',
      profile: { gender: 'p', age: '30-39', education: 's1', occupation: 'pns' },
      suggestion: 'Pertahankan.',
      source: 'web',
      idempotencyKey: hidden._key,
    });
    expect(doc.month).toBeGreaterThanOrEqual(1);
    expect(doc.quarter).toBe(Math.ceil(doc.month / 3));
    expect(doc.semester).toBe(Math.ceil(doc.month / 6));
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/127\.0\.0\.1|::1|::ffff/);
    expect(Object.keys(doc).sort()).toEqual(
      [
        '_id',
        'surveyId',
        'unitId',
        'year',
        'semester',
        'quarter',
        'month',
        'service',
        'answers',
        'profile',
        'suggestion',
        'suggestionKey',
        'suggestionHidden',
        'submittedAt',
        'source',
        'idempotencyKey',
        'contentHash',
        'batch',
      ].sort(),
    );
    // Idempotency by primary key: the _id is derived from (survey, "form", key).
    expect(String(doc._id)).toBe(String(responseId(survey._id, 'form', hidden._key!)));
    // The submission path never writes the survey document (an admin's close cannot be overwritten).
    const after = await Survey.findById(survey._id).lean();
    expect(after!.responseCount).toBe(0);
    expect(after!.updatedAt).toEqual(survey.updatedAt);
    // The counters: counted right after the thank-you, and the outbox entry is cleared.
    const stats = await countersOf(survey._id);
    expect(stats).toMatchObject({ responses: 1, respondents: 1, complete: 1 });
    expect(await CountingOutbox.countDocuments({})).toBe(0);
    const firstKey = survey.elements[0]!.key;
    expect((stats!.c as Record<string, Record<string, number>>)[firstKey]![`s${answers[`a_${firstKey}`]}`]).toBe(1);
    const thanks = await request(app).get(res.headers.location!);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain('Terima kasih!');
    expect(thanks.headers.refresh).toBeUndefined();
  });

  test('optional profile fields may be left blank: stored without them', async () => {
    const survey = await makeSurvey();
    const answers = { ...validAnswers(survey), p_gender: '', p_age: '', suggestion: '' };
    delete (answers as Record<string, string>).p_education;
    const { res } = await submit(survey.slug, answers);
    expect(res.status).toBe(303);
    const doc = await Response.findOne({ surveyId: survey._id }).lean();
    expect(Object.fromEntries(Object.entries(doc!.profile as object))).toEqual({ occupation: 'pns' });
  });

  test('the same idempotency key twice (double click, refresh, retry): one response, both thanked', async () => {
    const survey = await makeSurvey();
    const answers = validAnswers(survey);
    const { res, hidden } = await submit(survey.slug, answers);
    expect(res.status).toBe(303);
    const again = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...answers });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/s/${survey.slug}/terima-kasih`);
    expect(await countFor(survey._id)).toBe(1);
    expect(await countersOf(survey._id)).toMatchObject({ responses: 1, respondents: 1 });
  });

  test('concurrent double submit with one key: exactly one stored', async () => {
    const survey = await makeSurvey();
    const answers = validAnswers(survey);
    const page = await request(app).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(app)
          .post(`/s/${survey.slug}`)
          .type('form')
          .send({ ...hidden, ...answers }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([303, 303, 303, 303, 303]);
    expect(await countFor(survey._id)).toBe(1);
  });

  test('the same key with different answers is refused with 409 and nothing changes', async () => {
    const survey = await makeSurvey();
    const answers = validAnswers(survey, 4);
    const { res, hidden } = await submit(survey.slug, answers);
    expect(res.status).toBe(303);
    const before = await Response.findOne({ surveyId: survey._id }).lean();
    const other = { ...answers, [`a_${survey.elements[0]!.key}`]: '1', suggestion: 'Lain' };
    const again = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...other });
    expect(again.status).toBe(409);
    expect(again.text).toContain('sudah pernah dikirim dengan jawaban yang berbeda');
    expect(again.text).toContain('>Lain</textarea>');
    const after = await Response.find({ surveyId: survey._id }).lean();
    expect(after).toHaveLength(1);
    expect(after[0]).toEqual(before);
  });

  test('two forms (two keys) are two responses', async () => {
    const survey = await makeSurvey();
    await submit(survey.slug, validAnswers(survey, 1));
    await submit(survey.slug, validAnswers(survey, 2));
    expect(await countFor(survey._id)).toBe(2);
    expect((await countersOf(survey._id)).responses).toBe(2);
  });

  test('a JSON client gets 201 and then 200 for the retry', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const body = { ...hiddenFields(page.text), ...validAnswers(survey) };
    const first = await request(app).post(`/s/${survey.slug}`).set('Accept', 'application/json').send(body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ status: 'stored' });
    const second = await request(app).post(`/s/${survey.slug}`).set('Accept', 'application/json').send(body);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ status: 'already-stored' });
    expect(await countFor(survey._id)).toBe(1);
  });
});

describe('survey form: each invalid field is refused with its message, the answers kept and nothing stored', () => {
  async function expectRefused(
    mutate: (a: Record<string, string>, s: Awaited<ReturnType<typeof makeSurvey>>) => void,
    field: string,
    message: string,
    surveyOverrides = {},
  ) {
    const survey = await makeSurvey(surveyOverrides);
    const answers = validAnswers(survey);
    mutate(answers, survey);
    const { res } = await submit(survey.slug, answers);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Ada isian yang perlu diperbaiki');
    expect(res.text).toContain(message);
    expect(res.text).toContain(`id="err-${field}"`);
    // Answers intact: the suggestion and another element's choice come back.
    expect(res.text).toContain('>Pertahankan.</textarea>');
    const other = survey.elements[survey.elements.length - 1]!.key;
    if (answers[`a_${other}`])
      expect(res.text).toMatch(new RegExp(`id="a_${other}-${answers[`a_${other}`]}" name="a_${other}" value="${answers[`a_${other}`]}" required checked`));
    expect(await countFor(survey._id)).toBe(0);
    expect((await countersOf(survey._id)).responses).toBe(0);
    return res;
  }

  test('an unanswered element: "pilih salah satu jawaban", linked from the summary, aria-invalid', async () => {
    let key = '';
    const res = await expectRefused(
      (a, s) => {
        key = s.elements[0]!.key;
        delete a[`a_${key}`];
      },
      'a_persyaratan',
      'Pilih salah satu jawaban untuk pertanyaan ini.',
    );
    expect(res.text).toContain(`href="#q-a_${key}"`); // the question's fieldset, so its text is in view
    expect(res.text).toContain(`aria-describedby="err-a_${key}"`);
    expect(res.text).toMatch(new RegExp(`id="a_${key}-1" name="a_${key}" value="1" required aria-invalid="true"`));
  });

  test('an element answered outside 1–4', async () => {
    await expectRefused((a, s) => (a[`a_${s.elements[1]!.key}`] = '5'), 'a_prosedur', 'Jawaban ini tidak dikenal.');
  });

  test('no service chosen', async () => {
    const res = await expectRefused((a) => delete a.service, 'service', 'Pilih layanan yang Anda terima.');
    expect(res.text).toContain('href="#service"');
  });

  test('a service that is not on the list', async () => {
    await expectRefused((a) => (a.service = 'lainnya'), 'service', 'Layanan ini tidak ada dalam daftar.');
  });

  test('a profile choice that is not on the list', async () => {
    await expectRefused((a) => (a.p_education = 'phd'), 'p_education', 'Pilihan ini tidak dikenal.');
  });

  test('a required custom profile question left blank', async () => {
    await expectRefused((a) => (a.p_instansi = '  '), 'p_instansi', 'Mohon isi bagian ini.', {
      profileQuestions: [{ key: 'instansi', label: { id: 'Asal instansi', en: 'Organisation' }, kind: 'text', required: true }],
    });
  });

  test('a custom profile text over 200 characters', async () => {
    await expectRefused((a) => (a.p_instansi = 'x'.repeat(201)), 'p_instansi', 'terlalu panjang', {
      profileQuestions: [{ key: 'instansi', label: { id: 'Asal instansi', en: 'Organisation' }, kind: 'text' }],
    });
  });

  test('a suggestion over 2,000 characters', async () => {
    const survey = await makeSurvey();
    const answers = { ...validAnswers(survey), suggestion: 'a'.repeat(2001) };
    const { res } = await submit(survey.slug, answers);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Saran terlalu panjang');
    expect(res.text).toContain('id="err-suggestion"');
    expect(await countFor(survey._id)).toBe(0);
  });

  test('messages in English after ?lang=en', async () => {
    const survey = await makeSurvey();
    const agent = request.agent(app);
    await agent.get('/?lang=en');
    const answers = validAnswers(survey);
    delete answers.service;
    const { res } = await submit(survey.slug, answers, { agent });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose the service you received.');
  });
});

describe('survey form: injection attempts are refused or harmless', () => {
  test('an operator object in a JSON body is refused and nothing is stored', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const body = { ...hiddenFields(page.text), ...validAnswers(survey), service: { $ne: 'x' }, [`a_${survey.elements[0]!.key}`]: { $gt: '' } };
    const res = await request(app).post(`/s/${survey.slug}`).set('Accept', 'application/json').send(body);
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.fields)).toEqual(expect.arrayContaining(['service', `a_${survey.elements[0]!.key}`]));
    expect(await countFor(survey._id)).toBe(0);
  });

  test('$-prefixed and dotted keys are refused as unknown fields', async () => {
    const survey = await makeSurvey();
    for (const extra of [{ $where: '1' }, { 'profile.admin': 'x' }, { 'p_gender.$ne': 'x' }]) {
      const page = await request(app).get(`/s/${survey.slug}`);
      const res = await request(app)
        .post(`/s/${survey.slug}`)
        .type('form')
        .send({ ...hiddenFields(page.text), ...validAnswers(survey), ...extra });
      expect(res.status).toBe(422);
      expect(res.text).toContain('Formulir berisi data yang tidak dikenal');
    }
    expect(await countFor(survey._id)).toBe(0);
  });

  test('an idempotency key given as an operator cannot match another response', async () => {
    const survey = await makeSurvey();
    await submit(survey.slug, validAnswers(survey));
    const page = await request(app).get(`/s/${survey.slug}`);
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .set('Accept', 'application/json')
      .send({ ...hiddenFields(page.text), ...validAnswers(survey, 2), _key: { $ne: '' } });
    expect(res.status).toBe(422);
    expect(await countFor(survey._id)).toBe(1);
  });

  test('a repeated form field (array) is refused', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const answers = validAnswers(survey);
    const parts = Object.entries({ ...hidden, ...answers }).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
    parts.push('service=data');
    const res = await request(app).post(`/s/${survey.slug}`).type('form').send(parts.join('&'));
    expect(res.status).toBe(422);
    expect(await countFor(survey._id)).toBe(0);
  });
});

describe('survey form: closed and not-yet-open surveys accept nothing', () => {
  test('a survey closed after the form was served refuses the POST with 409 and a notice', async () => {
    const survey = await makeSurvey();
    const closedApp = formApp({ definitionFreshMs: 0 });
    const page = await request(closedApp).get(`/s/${survey.slug}`);
    await Survey.updateOne({ _id: survey._id }, { status: 'closed' });
    const res = await request(closedApp)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(page.text), ...validAnswers(survey) });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Survei sudah ditutup');
    expect(await countFor(survey._id)).toBe(0);
  });

  test('with the default definition cache, a survey closed by an admin refuses submissions within about a second', async () => {
    const survey = await makeSurvey();
    let clock = Date.now();
    const cachedApp = formApp({}, {}, () => new Date(clock)); // pages cache the definition for 15 s
    const page = await request(cachedApp).get(`/s/${survey.slug}`);
    await Survey.updateOne({ _id: survey._id }, { status: 'closed' });
    clock += 1_100;
    const res = await request(cachedApp)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(page.text), ...validAnswers(survey) });
    expect(res.status).toBe(409);
    expect(await countFor(survey._id)).toBe(0);
  });

  test('a survey not yet open refuses the POST with 409', async () => {
    const survey = await makeSurvey({ opensAt: new Date(Date.now() + 3600_000) });
    const key = 'k'.repeat(22);
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ _key: key, _t: signStartToken(SECRET, survey.slug, key, Date.now() - 60_000), ...validAnswers(survey) });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Survei belum dibuka');
    expect(await countFor(survey._id)).toBe(0);
  });

  test('POST to an unknown slug: 404', async () => {
    const res = await request(app).post('/s/tidak-ada').type('form').send({ a: '1' });
    expect(res.status).toBe(404);
  });
});

describe('survey form: abuse resistance that explains itself', () => {
  test('the honeypot filled in: 422, polite message, answers kept, honeypot cleared, nothing stored', async () => {
    const survey = await makeSurvey();
    const { res } = await submit(survey.slug, { ...validAnswers(survey), website: 'http://spam.example' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('harus dibiarkan kosong');
    expect(res.text).toContain('>Pertahankan.</textarea>');
    expect(res.text).not.toContain('spam.example');
    expect(await countFor(survey._id)).toBe(0);
  });

  test('sent faster than the minimum fill time: 422 asks to take a moment, keeps answers; the same form later is accepted', async () => {
    const survey = await makeSurvey();
    let clock = Date.now();
    const slowApp = formApp({ minFillMs: 1500 }, {}, () => new Date(clock));
    const { res, hidden } = await submit(survey.slug, validAnswers(survey), { app: slowApp });
    expect(res.status).toBe(422);
    expect(res.text).toContain('terlalu cepat');
    expect(res.text).toContain('>Pertahankan.</textarea>');
    expect(hiddenFields(res.text)).toEqual(expect.objectContaining({ _key: hidden._key, _t: hidden._t }));
    expect(await countFor(survey._id)).toBe(0);
    clock += 1_600;
    const later = await request(slowApp)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, ...validAnswers(survey) });
    expect(later.status).toBe(303);
    expect(await countFor(survey._id)).toBe(1);
  });

  test('a forged or missing start token: 422 with a fresh token, nothing stored', async () => {
    const survey = await makeSurvey();
    const page = await request(app).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const forged = signStartToken('y'.repeat(40), survey.slug, hidden._key, Date.now() - 60_000);
    const res = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hidden, _t: forged, ...validAnswers(survey) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('perlu dimuat ulang');
    expect(hiddenFields(res.text)._t).not.toBe(forged);
    const missing = await request(app)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ _key: hidden._key, ...validAnswers(survey) });
    expect(missing.status).toBe(422);
    expect(await countFor(survey._id)).toBe(0);
  });

  test('the rate limit triggers with a polite 429 that keeps the answers, and recovers in the next window', async () => {
    const survey = await makeSurvey();
    // The windows run on the app's clock, which the test moves: three requests in one window, one in
    // the next. A window length no other test of the file uses: counter documents of its own.
    const windowMs = 30_000;
    let clock = Math.floor(Date.now() / windowMs) * windowMs + 1_000;
    const limited = formApp({ rateLimit: { limit: 2, windowMs } }, {}, () => new Date(clock));
    const page = await request(limited).get(`/s/${survey.slug}`);
    const hidden = hiddenFields(page.text);
    const send = (extra: Record<string, string>) =>
      request(limited)
        .post(`/s/${survey.slug}`)
        .type('form')
        .send({ ...hidden, ...validAnswers(survey), ...extra });
    expect((await send({})).status).toBe(303);
    expect((await send({})).status).toBe(303); // the retry of the same form also counts
    clock += windowMs - 1_000 - 1; // the last millisecond of the window
    const third = await send({ suggestion: 'Jawaban ketiga' });
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('1');
    expect(third.text).toContain('Mohon tunggu sekitar');
    expect(third.text).toContain('>Jawaban ketiga</textarea>');
    expect(await countFor(survey._id)).toBe(1);
    // The hits reach the shared database counter within the store's sync delay.
    let windows = await RateLimit.find({}).lean();
    for (let i = 0; i < 20 && !windows.some((w) => w.hits === 3); i++) {
      await new Promise((r) => setTimeout(r, 100));
      windows = await RateLimit.find({}).lean();
    }
    expect(windows.some((w) => w.hits === 3)).toBe(true);
    expect(JSON.stringify(windows)).not.toMatch(/127\.0\.0\.1|::1/);
    clock += 1; // the next window
    const next = await request(limited).get(`/s/${survey.slug}`);
    const after = await request(limited)
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...hiddenFields(next.text), ...validAnswers(survey, 2) });
    expect(after.status).toBe(303);
    expect(await countFor(survey._id)).toBe(2);
  });

  test('one response per device: a second form from the same browser is refused, another browser is accepted', async () => {
    const survey = await makeSurvey({ oneResponsePerDevice: true });
    const phone = request.agent(app);
    const first = await submit(survey.slug, validAnswers(survey, 3), { agent: phone });
    expect(first.res.status).toBe(303);
    // The same form again (a retry) is still fine.
    const retry = await phone
      .post(`/s/${survey.slug}`)
      .type('form')
      .send({ ...first.hidden, ...validAnswers(survey, 3) });
    expect(retry.status).toBe(303);
    const second = await submit(survey.slug, validAnswers(survey, 1), { agent: phone });
    expect(second.res.status).toBe(409);
    expect(second.res.text).toContain('Perangkat ini sudah mengirim jawaban');
    const laptop = await submit(survey.slug, validAnswers(survey, 1), { agent: request.agent(app) });
    expect(laptop.res.status).toBe(303);
    expect(await countFor(survey._id)).toBe(2);
    const claims = await DeviceResponse.find({ surveyId: survey._id }).lean();
    expect(claims).toHaveLength(2);
    expect(claims.every((c) => /^[A-Za-z0-9_-]{32}$/.test(c.deviceHash))).toBe(true);
  });
});

describe('survey form: kiosk mode and QR codes', () => {
  test('kiosk: the form carries kiosk=1 and thanks returns to a fresh form (stored as kiosk only from a kiosk session: security-web)', async () => {
    const survey = await makeSurvey();
    const { res, hidden } = await submit(survey.slug, validAnswers(survey), { query: '?kiosk=1' });
    expect(hidden.kiosk).toBe('1');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/s/${survey.slug}/terima-kasih?kiosk=1`);
    expect((await Response.findOne({ surveyId: survey._id }).lean())!.source).toBe('web');
    const thanks = await request(app).get(res.headers.location!);
    expect(thanks.status).toBe(200);
    expect(thanks.headers.refresh).toBe(`8; url=/s/${survey.slug}?kiosk=1`);
    expect(thanks.text).toContain(`href="/s/${survey.slug}?kiosk=1"`);
    expect(thanks.text).toContain('Formulir baru akan terbuka dalam 8 detik');
  });

  test('QR code as SVG and PNG of the survey link, built from PUBLIC_URL when set', async () => {
    const survey = await makeSurvey();
    const asText = (r: request.Request) =>
      r.buffer(true).parse((res, cb) => {
        let d = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (d += c));
        res.on('end', () => cb(null, d));
      });
    const svg = await asText(request(app).get(`/s/${survey.slug}/qr.svg`));
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.body).toBe(await qrSvg(`http://127.0.0.1/s/${survey.slug}`.replace('127.0.0.1', svg.request.url.split('/')[2]!)));
    const official = formApp({}, { PUBLIC_URL: 'https://skm.example.go.id' });
    const svgPublic = await asText(request(official).get(`/s/${survey.slug}/qr.svg`));
    expect(svgPublic.body).toBe(await qrSvg(`https://skm.example.go.id/s/${survey.slug}`));
    const png = await request(app).get(`/s/${survey.slug}/qr.png`).buffer(true);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    expect((await request(app).get('/s/tidak-ada/qr.svg')).status).toBe(404);
  });
});

describe('survey form: period fields', () => {
  test('the month is taken in WIB and kept inside the survey period', () => {
    // 2026-03-31 20:00 UTC is 1 April 03:00 WIB.
    expect(periodFields({ year: 2026 }, new Date('2026-03-31T20:00:00Z'))).toEqual({ year: 2026, semester: 1, quarter: 2, month: 4 });
    expect(periodFields({ year: 2022 }, new Date('2026-05-01T00:00:00Z'))).toEqual({ year: 2022, semester: 2, quarter: 4, month: 12 });
    expect(periodFields({ year: 2026, quarter: 3 }, new Date('2026-01-10T00:00:00Z'))).toEqual({ year: 2026, semester: 2, quarter: 3, month: 7 });
    expect(periodFields({ year: 2026, semester: 1 }, new Date('2026-02-10T00:00:00Z'))).toMatchObject({ month: 2, quarter: 1, semester: 1 });
  });
});

describe('rate-limit store: counters in the database', () => {
  test('hits are counted at once, merged into one shared database counter, and ended windows are swept', async () => {
    const store = new DatabaseRateLimitStore({ prefix: `t${Date.now()}` });
    store.windowMs = 60_000;
    const totals = await Promise.all(Array.from({ length: 20 }, () => store.increment('client-a')));
    expect(totals.map((t) => t.totalHits).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await store.sync();
    const [doc] = await RateLimit.find({ _id: new RegExp(`^${store.prefix}:`) }).lean();
    expect(doc!.hits).toBe(20);
    expect(doc!.expiresAt.getTime()).toBe(totals[0]!.resetTime!.getTime());
    // A second instance (another app server) adds to the same counter and learns the total.
    const other = new DatabaseRateLimitStore({ prefix: store.prefix });
    other.windowMs = 60_000;
    expect((await other.increment('client-a')).totalHits).toBe(1);
    await other.sync();
    expect((await other.get('client-a'))!.totalHits).toBe(21);
    expect((await store.increment('client-a')).totalHits).toBe(21); // as of its last sync (20) plus its own new hit
    await store.sync();
    expect((await store.get('client-a'))!.totalHits).toBe(22);
    await RateLimit.create({ _id: `${store.prefix}:old`, hits: 5, expiresAt: new Date(Date.now() - 1000) });
    expect(await store.sweep()).toBeGreaterThanOrEqual(1);
    expect(await RateLimit.findById(`${store.prefix}:old`)).toBeNull();
    expect((await RateLimit.findById(doc!._id).lean())!.hits).toBe(22);
    store.shutdown();
    other.shutdown();
  });
});
