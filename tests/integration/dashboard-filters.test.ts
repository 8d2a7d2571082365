/**
 * The survey dashboard's month filter over HTTP: a part of the period is not compared with the
 * whole period's minimum sample (the page says why and shows the whole survey's standing), and a
 * reversed range (Sep → Mar) says it is reversed, in the user's language, with a link that swaps it.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs } from '../support/auth';
import { krejcieMorgan } from '../../server/ikm';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

async function world() {
  const unit = await makeUnit('Direktorat Filter');
  const survey = await makeSurvey(unit, { population: 1200 });
  for (const month of [1, 2, 3, 9, 10]) await storeResponse(survey, { scores: [4, 3, 3, 4, 3, 4, 4, 3, 3], month, service: 'a' });
  const admin = await createUser('admin');
  const { agent } = await loginAs(app, admin.email);
  return { survey, agent };
}

const required = krejcieMorgan(1200);

describe('survey dashboard: month range', () => {
  test('whole survey: respondents compared with the minimum sample and the shortfall shown', async () => {
    const { survey, agent } = await world();

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard`);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`5 dari minimal ${required} responden`);
    expect(res.text).toContain(`Masih kurang ${required - 5} responden.`);
    expect(res.text).not.toContain('data-testid="sample-partial"');
  });

  test('Jan–Jun: no annual shortfall for the part; the page says why and gives the whole survey’s standing', async () => {
    const { survey, agent } = await world();

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard?from=2022-01&to=2022-06`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="sample-partial"');
    expect(res.text).toContain('3 responden');
    expect(res.text).not.toContain(`Masih kurang ${required - 3} responden.`);
    expect(res.text).toContain('berlaku untuk seluruh periode survei');
    expect(res.text).toContain(`Seluruh survei: 5 responden, masih kurang ${required - 5}.`);
  });

  test('a service filter is a part too: the annual sample is not compared', async () => {
    const { survey, agent } = await world();

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard?service=a&lang=en`);

    expect(res.text).toContain('data-testid="sample-partial"');
    expect(res.text).toContain('applies to the whole survey period');
    expect(res.text).not.toContain(`${required - 5} more respondents needed.`);
  });

  test('Sep → Mar: says the range is reversed (Indonesian), marks the field, and links to Mar → Sep', async () => {
    const { survey, agent } = await world();

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard?from=2022-09&to=2022-03`);

    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="range-reversed"');
    expect(res.text).toContain('Rentang bulan terbalik: &#34;Dari bulan&#34; (Sep 2022) jatuh setelah &#34;Sampai bulan&#34; (Mar 2022)');
    expect(res.text).toMatch(/<select id="f-from" name="from" aria-invalid="true"/);
    expect(res.text).toContain('href="?from=2022-03&amp;to=2022-09"');
    expect(res.text).not.toContain('Belum ada jawaban untuk pilihan ini.');
  });

  test('Sep → Mar in English: the same message in English; the swapped link shows the answers', async () => {
    const { survey, agent } = await world();

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard?from=2022-09&to=2022-03&lang=en`);
    const swapped = await agent.get(`/admin/surveys/${survey._id}/dashboard?from=2022-03&to=2022-09`);

    expect(res.text).toContain('The month range is reversed: &#34;From month&#34; (Sep 2022) comes after &#34;To month&#34; (Mar 2022)');
    expect(swapped.text).not.toContain('data-testid="range-reversed"');
    expect(swapped.text).toContain('data-testid="ikm"');
  });
});

describe('unit dashboard: year range', () => {
  test('2026 → 2021: says the range is reversed instead of "no surveys", with a link to 2021 → 2026', async () => {
    const { agent } = await world();

    const res = await agent.get('/admin/dashboard?yearFrom=2026&yearTo=2021');
    const swapped = await agent.get('/admin/dashboard?yearFrom=2021&yearTo=2026');

    expect(res.status).toBe(200);
    expect(res.text).toContain('Rentang tahun terbalik: &#34;Dari tahun&#34; (2026) jatuh setelah &#34;Sampai tahun&#34; (2021)');
    expect(res.text).toContain('href="?yearFrom=2021&amp;yearTo=2026"');
    expect(swapped.text).not.toContain('data-testid="range-reversed"');
  });
});
