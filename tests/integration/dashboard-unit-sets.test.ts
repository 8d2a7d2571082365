/**
 * The unit dashboard with surveys on different element sets (issue 13, item 1): only the
 * combined figure across different sets is undefined; every group that shares one set (a year
 * with one survey, a unit, a service) keeps its figure, and the page says which surveys count
 * toward the unit's official index (the surveys linked to the indicator, per year).
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs } from '../support/auth';
import { computeSurveyResults, elementsFromTemplate } from '../../server/results';
import { unitDashboard } from '../../server/features/dashboard/dashboard.service';
import { formatNumber } from '../../server/i18n/format';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

async function world() {
  const parent = await makeUnit('Direktorat Campuran');
  const child = await makeUnit('Subdirektorat Pemangku', parent);
  const official = await makeSurvey(parent, { title: 'SKM 2021', period: { year: 2021 } });
  const stakeholder = await makeSurvey(child, {
    title: 'Survei Pemangku 2022',
    period: { year: 2022 },
    template: 'stakeholder',
    elements: elementsFromTemplate('stakeholder'),
    indicator: null,
  });
  await storeResponse(official, { scores: [4, 4, 3, 4, 3, 4, 4, 3, 3], service: 'a' });
  await storeResponse(official, { scores: [3, 3, 3, 2, 3, 4, 4, 3, 4], service: 'b' });
  await storeResponse(stakeholder, { scores: [2, 3, 3, 3, 3, 3, 3, 3, 3], service: 'a' });
  return { parent, child, official, stakeholder };
}

describe('unit dashboard, surveys on different element sets', () => {
  test('view model: no combined figure over all, but each year, unit and single-set service keeps its figure', async () => {
    const { parent, official, stakeholder } = await world();
    const admin = await createUser('admin');
    const user = { id: String(admin._id), email: admin.email, name: admin.name, role: admin.role, unitId: null, mustChangePassword: false };

    const d = await unitDashboard(user, { unit: String(parent._id) });

    const r2021 = (await computeSurveyResults(official._id)).result!;
    const r2022 = (await computeSurveyResults(stakeholder._id)).result!;
    expect(d.combinable).toBe(false);
    expect(d.combined!.result).toBeNull();
    expect(d.byYear.map((y) => [y.year, y.result?.score])).toEqual([
      [2021, r2021.score],
      [2022, r2022.score],
    ]);
    expect(d.byUnit.every((u) => u.result !== null)).toBe(true);
    // Service b is only in the 2021 survey: defined. Service a mixes both sets: undefined, said so.
    expect(d.byService.find((s) => s.key === 'b')!.result).not.toBeNull();
    const a = d.byService.find((s) => s.key === 'a')!;
    expect([a.result, a.combinable, a.respondents]).toEqual([null, false, 2]);
    // Only the survey linked to IKK 3.1 counts toward the official index.
    expect(d.official.map((o) => [o.code, o.year, o.surveys.map((s) => s.title), o.result?.score])).toEqual([['IKK 3.1', 2021, ['SKM 2021'], r2021.score]]);
  });

  test('page: the year rows and chart data keep their figures, and the official index is explained', async () => {
    const { parent, official, stakeholder } = await world();
    const admin = await createUser('admin');
    const { agent } = await loginAs(app, admin.email);
    const r2021 = (await computeSurveyResults(official._id)).result!;
    const r2022 = (await computeSurveyResults(stakeholder._id)).result!;

    const res = await agent.get(`/admin/dashboard?unit=${parent._id}`);

    expect(res.status).toBe(200);
    const years = res.text.slice(res.text.indexOf('id="table-years"'), res.text.indexOf('</table>', res.text.indexOf('id="table-years"')));
    expect(years).toContain(`<th scope="row">2021</th><td class="num">2</td><td class="num">${formatNumber(r2021.score, 2, 'id')}</td>`);
    expect(years).toContain(`<th scope="row">2022</th><td class="num">1</td><td class="num">${formatNumber(r2022.score, 2, 'id')}</td>`);
    expect(res.text).toContain('Indeks resmi unit');
    expect(res.text).toContain('ditautkan ke indikator tersebut');
    expect(res.text).toContain(`data-testid="official-ikm">${formatNumber(r2021.score, 2, 'id')}<`);
    expect(res.text).toContain('set unsur berbeda');
  });
});
