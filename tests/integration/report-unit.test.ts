/**
 * The unit report: all surveys of a unit and its sub-units in a year, in the same report model
 * and renderers as the survey report. Its numbers are checked inside the files (pdftotext for
 * the PDF, the DOCX's XML, LibreOffice's conversion of the DOCX) against the method module's,
 * read the way the unit dashboard reads them: the combined index where the element sets match,
 * a plain statement where they do not, and the breakdowns per survey, sub-unit and service.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { binary, docxContent, libreOfficeConvert, pdfPages } from '../support/files';
import { computeSurveyResults, elementsFromTemplate } from '../../server/results';
import { unitDashboard } from '../../server/features/dashboard/dashboard.service';
import { formatNumber, formatPercent } from '../../server/i18n/format';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();
jest.setTimeout(180_000);

const n2 = (x: number) => formatNumber(x, 2, 'id');
const squash = (s: string) => s.replace(/\s+/g, ' ');

let admin: LoggedInAgent;
let adminUser: { id: string; email: string; name: string; role: 'admin'; unitId: null; mustChangePassword: false };

beforeAll(async () => {
  const u = await createUser('admin');
  adminUser = { id: String(u._id), email: u.email, name: u.name, role: 'admin', unitId: null, mustChangePassword: false };
  admin = await loginAs(app, u.email);
});

async function download(path: string) {
  return admin.agent
    .get(path)
    .buffer(true)
    .parse(binary as never);
}

/** A directorate and two sub-units, one 2022 survey each on the same 9 elements, linked to IKK 3.1. */
async function sameSets() {
  const parent = await makeUnit('Direktorat Gabungan');
  const east = await makeUnit('Balai Timur', parent);
  const west = await makeUnit('Balai Barat', parent);
  const a = await makeSurvey(east, { title: 'SKM Balai Timur 2022' });
  const b = await makeSurvey(west, { title: 'SKM Balai Barat 2022' });
  await storeResponse(a, { scores: [4, 4, 3, 4, 3, 4, 4, 3, 3], service: 'a' });
  await storeResponse(a, { scores: [4, 3, 4, 4, 4, 4, 3, 4, 4], service: 'b' });
  await storeResponse(b, { scores: [3, 3, 3, 2, 3, 4, 4, 3, 4], service: 'a' });
  await storeResponse(b, { scores: [2, 3, 2, 3, 3, 3, 2, 3, 3], service: 'a' });
  return { parent, east, west, a, b };
}

describe('GET /admin/units/:id/report.pdf|docx, surveys on one element set', () => {
  test('the PDF and DOCX carry the combined index, the official IKK 3.1 figure, and the breakdowns per sub-unit and per service, equal to the dashboard', async () => {
    const { parent, a, b } = await sameSets();
    const d = await unitDashboard(adminUser, { unit: String(parent._id), yearFrom: '2022', yearTo: '2022' });
    const combined = d.combined!.result!;
    const official = d.official[0]!;
    const ra = (await computeSurveyResults(a._id)).result!;
    const rb = (await computeSurveyResults(b._id)).result!;
    const serviceA = d.byService.find((s) => s.key === 'a')!.result!;
    expect(d.combinable).toBe(true);

    const pdf = await download(`/admin/units/${parent._id}/report.pdf?year=2022&lang=id`);
    const docx = await download(`/admin/units/${parent._id}/report.docx?year=2022&lang=id`);

    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`laporan-unit-${parent.slug}-2022.pdf`);
    const pages = pdfPages(pdf.body as Buffer);
    const text = squash(pages.join(' '));
    const docText = squash((await docxContent(docx.body as Buffer)).text);
    for (const t of [text, docText]) {
      expect(t).toContain('Seluruh survei unit dan sub-unit (2 survei)');
      expect(t).toContain(`IKM Direktorat Gabungan periode 2022 adalah ${n2(combined.ikm)} (skala`);
      expect(t).toContain(
        `IKK 3.1 Indeks kepuasan: target 80,00, realisasi ${n2(official.indicator!.realization)}, capaian ${formatPercent(official.indicator!.achievement.display, 2, 'id')}.`,
      );
      expect(t).toContain(`atau ${n2(combined.score)} setelah konversi, dengan mutu pelayanan ${combined.grade}`);
      expect(t).toContain('IKM per sub-unit');
      expect(t).toContain('Layanan A');
      expect(t).toContain(n2(serviceA.score));
      expect(t).toContain(n2(ra.score));
      expect(t).toContain(n2(rb.score));
      // The sub-units ranked in a sentence built from their scores.
      const [hi, lo] =
        ra.score > rb.score
          ? ([
              ['Balai Timur', ra],
              ['Balai Barat', rb],
            ] as const)
          : ([
              ['Balai Barat', rb],
              ['Balai Timur', ra],
            ] as const);
      expect(t).toContain(`Sub-unit dengan nilai tertinggi adalah ${hi[0]} (${n2(hi[1].score)}) dan yang terendah ${lo[0]} (${n2(lo[1].score)}).`);
    }
    // Every combined element score is in the element table.
    for (const e of combined.elements) expect(text).toContain(n2(e.score));
    expect(text).toContain('BAB III Hasil Pengolahan Data SKM');
    expect(text).not.toContain('set unsur yang berbeda');

    // LibreOffice opens the DOCX and its text carries the same figures.
    const lo = squash(libreOfficeConvert(docx.body as Buffer, 'unit.docx', 'txt:Text').toString('utf8'));
    expect(lo).toContain(`atau ${n2(combined.score)} setelah konversi`);
    expect(lo).toContain(formatPercent(official.indicator!.achievement.display, 2, 'id'));
  });

  test('the unit dashboard offers the "Laporan" action and the report page lists the years with surveys', async () => {
    const { parent } = await sameSets();

    const dash = await admin.agent.get(`/admin/dashboard?unit=${parent._id}`);
    const page = await admin.agent.get(`/admin/units/${parent._id}/report`);

    expect(dash.text).toContain(`href="/admin/units/${parent._id}/report"`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`formaction="/admin/units/${parent._id}/report.pdf"`);
    expect(page.text).toContain(`formaction="/admin/units/${parent._id}/report.docx"`);
    expect(page.text).toContain('<option selected>2022</option>');
  });
});

describe('GET /admin/units/:id/report.pdf, surveys on different element sets', () => {
  test('no combined index is printed; the report says why, and gives each survey its own index and analysis', async () => {
    const parent = await makeUnit('Direktorat Campuran');
    const child = await makeUnit('Subdirektorat Pemangku', parent);
    const official = await makeSurvey(parent, { title: 'SKM Layanan 2022' });
    const stakeholder = await makeSurvey(child, {
      title: 'Survei Pemangku 2022',
      template: 'stakeholder',
      elements: elementsFromTemplate('stakeholder'),
      indicator: null,
    });
    await storeResponse(official, { scores: [4, 4, 3, 4, 3, 4, 4, 3, 3], service: 'a' });
    await storeResponse(stakeholder, { scores: [2, 3, 3, 3, 3, 3, 3, 3, 4], service: 'a' });
    const r1 = (await computeSurveyResults(official._id)).result!;
    const r2 = (await computeSurveyResults(stakeholder._id)).result!;

    const pdf = await download(`/admin/units/${parent._id}/report.pdf?year=2022`);

    expect(pdf.status).toBe(200);
    const text = squash(pdfPages(pdf.body as Buffer).join(' '));
    expect(text).toContain('Survei dalam laporan ini memakai set unsur yang berbeda');
    expect(text).toContain('tidak dihitung (set unsur berbeda)');
    expect(text).not.toContain('IKM Direktorat Campuran periode 2022 adalah');
    expect(text).toContain(n2(r1.score));
    expect(text).toContain(n2(r2.score));
    expect(text).toContain('SKM Layanan 2022 (Direktorat Campuran): Unsur dengan nilai tertinggi adalah');
    expect(text).toContain('Survei Pemangku 2022 (Subdirektorat Pemangku): Unsur dengan nilai tertinggi adalah');
    // The official index counts only the survey linked to IKK 3.1.
    expect(text).toContain(`realisasi ${n2(r1.score)}`);
  });

  test('a year without surveys: the report says so in words, no zero score', async () => {
    const parent = await makeUnit('Direktorat Kosong');

    const pdf = await download(`/admin/units/${parent._id}/report.pdf?year=2019`);

    expect(pdf.status).toBe(200);
    const text = squash(pdfPages(pdf.body as Buffer).join(' '));
    expect(text).toContain('Belum ada survei Direktorat Kosong atau sub-unitnya pada periode 2019.');
    expect(text).not.toMatch(/IKM Direktorat Kosong periode 2019 adalah/);
  });
});

describe('unit report access', () => {
  test('a unit manager of another unit: 403; of the parent unit: allowed; unknown unit: 404; a bad year: 400; XLSX is not a unit format: 404', async () => {
    const { parent, east, west } = await sameSets();
    const outsider = await loginAs(app, (await createUser('unit-manager', west._id)).email);
    const manager = await loginAs(app, (await createUser('unit-manager', parent._id)).email);

    expect((await outsider.agent.get(`/admin/units/${east._id}/report.pdf`)).status).toBe(403);
    expect((await outsider.agent.get(`/admin/units/${parent._id}/report`)).status).toBe(403);
    expect((await manager.agent.get(`/admin/units/${east._id}/report`)).status).toBe(200);
    expect((await admin.agent.get('/admin/units/64b000000000000000000000/report.pdf')).status).toBe(404);
    expect((await admin.agent.get(`/admin/units/${parent._id}/report.pdf?year=20x2`)).status).toBe(400);
    expect((await admin.agent.get(`/admin/units/${parent._id}/report.xlsx`)).status).toBe(404);
  });
});
