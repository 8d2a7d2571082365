/**
 * The published results page /hasil/<unit>/<year>: only admin-published surveys, the method's
 * numbers, the follow-up plan, never a suggestion (hidden or not), link-preview meta tags, no
 * JavaScript; the embeddable card is the only page another site may frame.
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';
import { FollowUpPlan } from '../../models/follow-up-plan';
import { computeSurveyResults } from '../../server/results';
import { formatNumber } from '../../server/i18n/format';

useTestDatabase();
const app = testApp();
jest.setTimeout(120_000);

async function world() {
  const unit = await makeUnit('Balai Publik');
  const published = await makeSurvey(unit, { title: 'SKM Balai 2022', published: true, period: { year: 2022 } });
  const draft = await makeSurvey(unit, { title: 'Survei internal belum terbit', published: false, period: { year: 2022 } });
  for (const scores of [
    [4, 4, 3, 4, 3, 4, 4, 3, 3],
    [3, 4, 3, 4, 4, 4, 4, 3, 2],
  ]) {
    await storeResponse(published, { scores, suggestion: 'SARAN-TERLIHAT antrean terlalu lama' });
    await storeResponse(draft, { scores });
  }
  const hidden = await storeResponse(published, { scores: [4, 4, 4, 4, 4, 4, 4, 4, 4], suggestion: 'SARAN-TERSEMBUNYI' });
  hidden.suggestionHidden = true;
  await hidden.save();
  await FollowUpPlan.create({
    surveyId: published._id,
    unitPath: unit.path,
    elementKey: 'pengaduan',
    problem: 'Lambat',
    action: 'Layanan pengaduan satu pintu',
    responsible: 'Kepala Balai',
    year: 2023,
    quarter: 1,
    status: 'planned',
  });
  return { unit, published, draft };
}

test('GET /hasil/:unit/:year: the published survey with the method’s numbers and its plan; no draft survey, no suggestion, no script', async () => {
  const { unit, published } = await world();
  const expected = (await computeSurveyResults(published._id)).result!;

  const res = await request(app).get(`/hasil/${unit.slug}/2022?lang=id`);

  expect(res.status).toBe(200);
  expect(res.text).toContain('SKM Balai 2022');
  expect(res.text).not.toContain('Survei internal belum terbit');
  expect(res.text).toContain(formatNumber(expected.score, 2, 'id'));
  for (const e of expected.elements) expect(res.text).toContain(`<td class="num">${formatNumber(e.score, 2, 'id')}</td>`);
  expect(res.text).toContain('Layanan pengaduan satu pintu');
  expect(res.text).not.toContain('SARAN-TERLIHAT');
  expect(res.text).not.toContain('SARAN-TERSEMBUNYI');
  expect(res.text).not.toMatch(/<script/);
  expect(res.text).toContain(`<meta property="og:title" content="Hasil Survei Kepuasan Masyarakat Balai Publik 2022">`);
  expect(res.text).toContain(`IKM ${formatNumber(expected.score, 2, 'id')} (${expected.grade}`);
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('the per-element chart is a PNG drawn on the server; an unknown chart is 404', async () => {
  const { unit, published } = await world();

  const png = await request(app).get(`/hasil/${unit.slug}/2022/${published.slug}/elements.png`);
  const missing = await request(app).get(`/hasil/${unit.slug}/2022/${published.slug}/distribution.png`);

  expect(png.status).toBe(200);
  expect(png.headers['content-type']).toBe('image/png');
  expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
  expect(missing.status).toBe(404);
});

test('the card may be framed by any site; the page itself may not', async () => {
  const { unit } = await world();

  const card = await request(app).get(`/hasil/${unit.slug}/2022/kartu?lang=id`);

  expect(card.status).toBe(200);
  expect(card.headers['x-frame-options']).toBeUndefined();
  expect(card.headers['content-security-policy']).toContain('frame-ancestors *');
  expect(card.text).toContain('Balai Publik · 2022');
  expect(card.text).not.toContain('SARAN');
});

test('nothing published for that unit and year, an unknown unit or a malformed year: 404 with a plain message', async () => {
  const { unit } = await world();

  for (const path of [`/hasil/${unit.slug}/2021`, '/hasil/tidak-ada/2022', `/hasil/${unit.slug}/20x2`]) {
    const res = await request(app).get(`${path}?lang=id`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('Belum ada hasil survei yang dipublikasikan');
  }
});
