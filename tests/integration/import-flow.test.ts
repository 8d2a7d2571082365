/**
 * Import over HTTP on the real app and database: upload → dry-run preview (row errors, nothing
 * stored) → explicit skip → import; a Google Forms export mapped from its question texts.
 */
import { responseCount } from '../../server/features/surveys/surveys.service';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs } from '../support/auth';
import { Response } from '../../models/response';
import { ImportBatch } from '../../models/import-batch';
import { AuditLog } from '../../models/audit-log';
import { computeFromAnswers, type Answer } from '../../server/ikm';
import { computeSurveyResults, elementSetOf, elementsFromTemplate, verifyStats } from '../../server/results';
import { makeSurvey, makeUnit } from './dashboard-fixtures';

useTestDatabase();
const app = testApp();

async function setup() {
  const unit = await makeUnit();
  const survey = await makeSurvey(unit);
  const manager = await createUser('unit-manager', unit._id);
  const session = await loginAs(app, manager.email);
  return { unit, survey, manager, ...session };
}

async function upload(agent: ReturnType<typeof request.agent>, surveyId: unknown, csv: string, name = 'jawaban.csv') {
  const page = await agent.get(`/admin/surveys/${String(surveyId)}/import`);
  return agent
    .post(`/admin/surveys/${String(surveyId)}/import`)
    .field('_csrf', csrfFrom(page.text))
    .attach('file', Buffer.from(csv, 'utf8'), name);
}

const SCORES_CSV = [
  'U1,U2,U3,U4,U5,U6,U7,U8,U9,layanan',
  '4,4,3,4,3,4,4,3,3,a', // row 2: valid
  '3,3,3,2,3,4,4,3,,b', // row 3: valid, U9 blank
  '4,5,3,4,3,4,4,3,3,a', // row 4: U2 = 5
  ',,,,,,,,,a', // row 5: no answer at all
  '4,4,4,4,4,4,4,4,4,z', // row 6: unknown service
].join('\n');

describe('import: U1…Uk layout', () => {
  test('dry run lists row errors (row + column + reason) and stores nothing; without skip nothing is imported', async () => {
    const { survey, agent, csrf } = await setup();

    const up = await upload(agent, survey._id, SCORES_CSV);
    expect(up.status).toBe(303);
    const preview = await agent.get(up.headers.location!);

    expect(preview.status).toBe(200);
    expect(preview.text).toContain('data-testid="valid">2<');
    expect(preview.text).toContain('data-testid="invalid">3<');
    expect(preview.text).toMatch(/<td class="num">4<\/td><td>U2<\/td><td>skor &#34;5&#34; bukan angka 1–4<\/td>/);
    expect(preview.text).toMatch(/<td class="num">5<\/td><td><\/td><td>tidak ada jawaban unsur sama sekali<\/td>/);
    expect(preview.text).toMatch(/<td class="num">6<\/td><td>layanan<\/td><td>layanan &#34;z&#34; tidak ada pada survei ini<\/td>/);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);

    const refused = await agent
      .post(`${up.headers.location}/commit`)
      .type('form')
      .send({ _csrf: await csrf() });

    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Masih ada 3 baris tidak valid');
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);
  });

  test('explicit skip imports only the valid rows; counters, response count and audit follow', async () => {
    const { survey, agent, csrf, manager } = await setup();
    const up = await upload(agent, survey._id, SCORES_CSV);

    const res = await agent
      .post(`${up.headers.location}/commit`)
      .type('form')
      .send({ _csrf: await csrf(), skipInvalid: '1' });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/surveys/${survey._id}/dashboard`);
    const stored = await Response.find({ surveyId: survey._id }).sort({ idempotencyKey: 1 }).lean();
    expect(stored).toHaveLength(2);
    expect(stored.map((r) => r.service).sort()).toEqual(['a', 'b']);
    expect(stored.every((r) => r.source === 'import' && r.year === 2022 && r.month === 1)).toBe(true);
    const set = elementSetOf(survey as never);
    const expected = computeFromAnswers(set, [
      [4, 4, 3, 4, 3, 4, 4, 3, 3],
      [3, 3, 3, 2, 3, 4, 4, 3, null],
    ] as Answer[][]);
    expect((await computeSurveyResults(survey._id)).result).toEqual(expected);
    expect((await verifyStats(survey._id)).ok).toBe(true);
    expect(await responseCount(survey._id)).toBe(2);
    const audit = await AuditLog.findOne({ action: 'survey.import', 'target.id': String(survey._id) }).lean();
    expect(audit!.actorEmail).toBe(manager.email);
    expect(audit!.after).toMatchObject({ imported: 2, skipped: 3 });

    const again = await agent
      .post(`${up.headers.location}/commit`)
      .type('form')
      .send({ _csrf: await csrf(), skipInvalid: '1' });
    expect(again.status).toBe(409);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(2);
    // The upload page counts what is stored (the counters), not a field on the survey.
    expect((await agent.get(`/admin/surveys/${survey._id}/import`)).text).toContain('Survei ini sudah memiliki 2 jawaban');
  });
});

/** A Google Forms export (Indonesian locale) as the tool writes it. */
function googleFormsCsv(): string {
  const q = elementsFromTemplate('permenpanrb-14-2017').map((e, i) => `"${i + 1}. ${e.question.id}"`);
  const head = ['"Cap waktu"', '"Jenis kelamin"', '"Usia"', '"Pendidikan terakhir"', '"Jenis layanan yang Anda terima"', ...q, '"Saran dan masukan"'].join(',');
  const ok = (ts: string, gender: string, age: string, svc: string, u1: string, saran: string) =>
    [ts, gender, age, 'S1/D4', svc, u1, 'Mudah', 'Cepat', 'Gratis', 'Sesuai', 'Kompeten', 'Sangat sopan dan ramah', 'Baik', 'Dikelola dengan baik', saran]
      .map((c) => `"${c.replace(/"/g, '""')}"`)
      .join(',');
  return [
    head,
    ok('15/03/2022 10:23:45', 'Perempuan', '34', 'Layanan A', 'Sangat sesuai', 'Mantap'), // row 2
    ok('02/04/2022 08:00:00', 'Laki-laki', '51', 'Layanan B', 'Sangat setuju', ''), // row 3: unknown label
    ok('20/12/2021 09:00:00', 'Laki-laki', '22', 'Layanan B', 'Sesuai', ''), // row 4: outside 2022
    ok('05/05/2022 13:10:00', 'Pria', '45', 'Layanan A', 'Sangat setuju', 'Antrean "lama" <b>sekali</b>'), // row 5: unknown label
  ].join('\r\n');
}

describe('import: Google Forms export', () => {
  test('columns suggested from question texts, labels mapped, unknown labels listed, timestamps set the period', async () => {
    const { survey, agent, csrf } = await setup();

    const up = await upload(agent, survey._id, googleFormsCsv(), 'SKM 2022 (Jawaban).csv');
    expect(up.status).toBe(303);
    const batch = await ImportBatch.findOne({ surveyId: survey._id }).lean();
    expect(batch!.layout).toBe('forms');
    expect(batch!.dateOrder).toBe('dmy');
    expect(batch!.mapping).toEqual(['timestamp', 'pf:gender', 'pf:age', 'pf:education', 'service', ...survey.elements.map((e) => `el:${e.key}`), 'suggestion']);

    const preview = await agent.get(up.headers.location!);
    expect(preview.text).toContain('data-testid="valid">1<');
    expect(preview.text).toContain('data-testid="invalid">3<');
    expect(preview.text).toMatch(/<label for="f-u0">Sangat setuju<\/label><\/th><td class="num">2<\/td>/);
    expect(preview.text).toContain('tanggal 2021-12-20 di luar periode survei');

    // The admin decides: "Sangat setuju" on U1 means 4.
    const hex = Buffer.from('sangat setuju').toString('hex');
    const saved = await agent
      .post(`${up.headers.location}/mapping`)
      .type('form')
      .send({ _csrf: await csrf(), [`d_5_${hex}`]: '4' });
    expect(saved.status).toBe(303);
    const after = await agent.get(up.headers.location!);
    expect(after.text).toContain('data-testid="valid">3<');
    expect(after.text).toContain('data-testid="invalid">1<');

    const res = await agent
      .post(`${up.headers.location}/commit`)
      .type('form')
      .send({ _csrf: await csrf(), skipInvalid: '1' });

    expect(res.status).toBe(303);
    const stored = await Response.find({ surveyId: survey._id }).sort({ submittedAt: 1 }).lean();
    expect(stored.map((r) => [r.year, r.month, r.quarter, r.semester])).toEqual([
      [2022, 3, 1, 1],
      [2022, 4, 2, 1],
      [2022, 5, 2, 1],
    ]);
    expect(stored[0]!.submittedAt.toISOString()).toBe('2022-03-15T03:23:45.000Z');
    expect(stored.map((r) => r.service)).toEqual(['a', 'b', 'a']);
    expect(stored.map((r) => ({ ...(r.profile as unknown as Record<string, string>) }))).toEqual([
      { gender: 'p', age: '30-39', education: 's1' },
      { gender: 'l', age: '50-59', education: 's1' },
      { gender: 'l', age: '40-49', education: 's1' },
    ]);
    expect(stored.map((r) => r.answers.find((a) => a.k === 'persyaratan')!.v)).toEqual([4, 4, 4]);
    expect(stored[0]!.answers.map((a) => a.v)).toEqual([4, 3, 3, 4, 3, 3, 4, 3, 4]);
    expect(stored[2]!.suggestion).toBe('Antrean "lama" <b>sekali</b>');
    expect((await verifyStats(survey._id)).ok).toBe(true);
  });
});

describe('import: access', () => {
  test('a viewer gets 403; anonymous upload is refused before any parsing; no CSRF token → 403, nothing stored', async () => {
    const unit = await makeUnit();
    const survey = await makeSurvey(unit);
    const viewer = await createUser('viewer', unit._id);
    const { agent } = await loginAs(app, viewer.email);
    const manager = await createUser('unit-manager', unit._id);
    const asManager = await loginAs(app, manager.email);

    expect((await agent.get(`/admin/surveys/${survey._id}/import`)).status).toBe(403);
    const anon = await request(app).post(`/admin/surveys/${survey._id}/import`).attach('file', Buffer.from(SCORES_CSV), 'a.csv');
    expect(anon.status).toBe(401);
    const noToken = await asManager.agent.post(`/admin/surveys/${survey._id}/import`).attach('file', Buffer.from(SCORES_CSV), 'a.csv');
    expect(noToken.status).toBe(403);
    expect(await ImportBatch.countDocuments({ surveyId: survey._id })).toBe(0);
    expect(await Response.countDocuments({ surveyId: survey._id })).toBe(0);
  });

  test('an unreadable file comes back as a 422 form error', async () => {
    const { survey, agent } = await setup();

    const res = await upload(agent, survey._id, 'U1\n', 'leer.csv');

    expect(res.status).toBe(422);
    expect(res.text).toContain('Berkas tidak memiliki baris judul dan baris data.');
    expect(await ImportBatch.countDocuments({ surveyId: survey._id })).toBe(0);
  });
});
