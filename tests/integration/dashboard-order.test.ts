/**
 * The survey and unit dashboards' ordering and labels over HTTP: profile answers in the
 * questionnaire's order (in the filter selects and the tables), imported rows without a service
 * labelled "(tanpa layanan)", and the years without a survey named under the trend.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs } from '../support/auth';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

const SCORES = [4, 3, 3, 4, 3, 4, 4, 3, 3];

async function asAdmin() {
  return (await loginAs(app, (await createUser('admin')).email)).agent;
}

/** The text between two markers (the first after `from`). */
function between(html: string, from: string, to: string): string {
  const a = html.indexOf(from);
  if (a < 0) throw new Error(`missing ${from}`);
  return html.slice(a, html.indexOf(to, a));
}

describe('survey dashboard', () => {
  test('age and education in the questionnaire’s order, in the filter and in the table', async () => {
    const survey = await makeSurvey(await makeUnit('Direktorat Urutan'));
    for (const [age, education] of [
      ['60plus', 's3'],
      ['u20', 'sma'],
      ['30-39', 's1'],
    ])
      await storeResponse(survey, { scores: SCORES, service: 'a', profile: { age: age!, education: education! } });
    const agent = await asAdmin();

    const res = await agent.get(`/admin/surveys/${survey._id}/dashboard`);
    const select = between(res.text, '<select id="f-p_age"', '</select>');
    const table = between(res.text, 'id="p-age-title"', '</table>');
    const eduTable = between(res.text, 'id="p-education-title"', '</table>');

    expect(res.status).toBe(200);
    expect(select.indexOf('value="u20"')).toBeLessThan(select.indexOf('value="30-39"'));
    expect(select.indexOf('value="30-39"')).toBeLessThan(select.indexOf('value="60plus"'));
    expect(table.indexOf('Di bawah 20 tahun')).toBeGreaterThan(0);
    expect(table.indexOf('Di bawah 20 tahun')).toBeLessThan(table.indexOf('60 tahun ke atas'));
    expect(eduTable.indexOf('SMA')).toBeLessThan(eduTable.indexOf('S3'));
  });

  test('rows without a service: "(tanpa layanan)" in the service table and chart, "(no service)" in English', async () => {
    const survey = await makeSurvey(await makeUnit('Direktorat Impor'));
    await storeResponse(survey, { scores: SCORES, service: 'a' });
    await storeResponse(survey, { scores: SCORES, service: '' });
    const agent = await asAdmin();

    const id = await agent.get(`/admin/surveys/${survey._id}/dashboard`);
    const en = await agent.get(`/admin/surveys/${survey._id}/dashboard?lang=en`);

    expect(between(id.text, 'id="table-services"', '</table>')).toContain('<th scope="row">(tanpa layanan)</th>');
    expect(between(id.text, 'id="data-services"', '</script>')).toContain('"(tanpa layanan)"');
    expect(between(en.text, 'id="table-services"', '</table>')).toContain('<th scope="row">(no service)</th>');
    expect(between(id.text, 'id="table-services"', '</table>')).not.toContain('<th scope="row">–</th>');
  });

  test('trend over 2021, 2022 and 2026: the chart data carries the years as positions, and 2023–2025 is named as a gap', async () => {
    const unit = await makeUnit('Direktorat Tren');
    const surveys = [];
    for (const year of [2021, 2022, 2026]) surveys.push(await makeSurvey(unit, { period: { year }, title: `SKM ${year}` }));
    for (const s of surveys) await storeResponse(s, { scores: SCORES, service: 'a' });
    const agent = await asAdmin();

    const res = await agent.get(`/admin/surveys/${surveys[1]!._id}/dashboard`);
    const data = JSON.parse(between(res.text, 'id="data-periods">', '</script>').slice('id="data-periods">'.length)) as { x: number[]; ticks: { v: number }[] };

    expect(data.x).toEqual([2021, 2022, 2026]);
    expect(data.ticks.map((t) => t.v)).toEqual([2021, 2022, 2023, 2024, 2025, 2026]);
    expect(res.text).toContain('Tidak ada survei pada: 2023–2025.');
  });
});

describe('unit dashboard', () => {
  test('years 2021, 2022, 2026: the gap is named under the trend', async () => {
    const unit = await makeUnit('Direktorat Unit Tren');
    for (const year of [2021, 2022, 2026]) await storeResponse(await makeSurvey(unit, { period: { year } }), { scores: SCORES, service: 'a' });
    const manager = await createUser('unit-manager', unit._id);
    const { agent } = await loginAs(app, manager.email);

    const res = await agent.get(`/admin/dashboard?lang=en`);

    expect(res.text).toContain('No survey in: 2023–2025.');
  });
});
