/**
 * Time zones of units (WIB, WITA, WIT) and the audit log's times: a new unit gets the configured
 * DEFAULT_TIME_ZONE unless the form chooses one; an admin changes a unit's zone (audited field by
 * field); the audit log writes each entry's time in the zone of the unit it concerns, with the
 * zone named, and entries without a unit in the configured default.
 */
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { AuditLog } from '../../models/audit-log';
import { Unit } from '../../models/unit';
import { createSurvey, createUnit, postForm } from './admin-helpers';

useTestDatabase();
// The default zone comes from the configuration: WIT here, so it is not mistaken for the schema's WIB.
const app = testApp({ DEFAULT_TIME_ZONE: 'Asia/Jayapura', LOG_LEVEL: 'error' });

let asAdmin: LoggedInAgent;

beforeAll(async () => {
  asAdmin = await loginAs(app, (await createUser('admin')).email);
});

/** The audit log row (a <tr>) that names `label`. */
function rowOf(html: string, label: string): string {
  const at = html.indexOf(label);
  if (at < 0) throw new Error(`no row for ${label}`);
  return html.slice(html.lastIndexOf('<tr>', at), html.indexOf('</tr>', at));
}

describe('a unit’s time zone', () => {
  test('created without a choice: the configured default (WIT); with WITA chosen: WITA', async () => {
    const slugA = `tz-a-${Date.now()}`;
    const slugB = `tz-b-${Date.now()}`;

    const a = await postForm(asAdmin, '/admin/units', { name: 'Balai Jayapura', slug: slugA });
    const b = await postForm(asAdmin, '/admin/units', { name: 'Balai Makassar', slug: slugB, timeZone: 'Asia/Makassar' });

    expect(a.status).toBe(303);
    expect(b.status).toBe(303);
    expect((await Unit.findOne({ slug: slugA }).lean())!.timeZone).toBe('Asia/Jayapura');
    expect((await Unit.findOne({ slug: slugB }).lean())!.timeZone).toBe('Asia/Makassar');
  });

  test('the units page offers WIB, WITA and WIT, the new-unit form preselecting the default', async () => {
    const page = await asAdmin.agent.get('/admin/units');

    expect(page.text).toContain('WITA (Waktu Indonesia Tengah, UTC+8)');
    expect(page.text).toMatch(/<select id="f-timeZone" name="timeZone"[^>]*>[\s\S]*?<option value="Asia\/Jayapura" selected>/);
  });

  test('changing it: stored, audited as a unit change with the zone before and after', async () => {
    const unit = await createUnit('Dinas Sosial Ambon');

    const res = await postForm(asAdmin, `/admin/units/${unit._id}`, { name: 'Dinas Sosial Ambon', timeZone: 'Asia/Jayapura' });

    expect(res.status).toBe(303);
    expect((await Unit.findById(unit._id).lean())!.timeZone).toBe('Asia/Jayapura');
    const entry = await AuditLog.findOne({ 'target.id': String(unit._id) }).lean();
    expect(entry).toMatchObject({ action: 'unit.update', before: { timeZone: 'Asia/Jakarta' }, after: { timeZone: 'Asia/Jayapura' } });
  });

  test('a zone outside Indonesia’s three: refused in words, nothing changed', async () => {
    const unit = await createUnit('Dinas Uji Zona');

    const res = await postForm(asAdmin, `/admin/units/${unit._id}`, { name: 'Dinas Uji Zona', timeZone: 'Europe/Paris' });

    expect(res.status).toBe(422);
    expect(res.text).toContain('Pilih WIB, WITA, atau WIT.');
    expect((await Unit.findById(unit._id).lean())!.timeZone).toBe('Asia/Jakarta');
  });
});

describe('the audit log’s times', () => {
  test('each entry in its unit’s zone (WIB, WITA), a unit-less one in the default (WIT); the zone named', async () => {
    const wib = await createUnit('Unit Barat');
    const wita = await createUnit('Unit Tengah');
    await Unit.updateOne({ _id: wita._id }, { $set: { timeZone: 'Asia/Makassar' } });
    const surveyWib = await createSurvey(wib, { title: 'Survei Barat' });
    const surveyWita = await createSurvey(wita, { title: 'Survei Tengah' });
    const at = new Date('2026-11-29T12:02:00Z');
    const base = { at, actorEmail: 'a@example.go.id', action: 'survey.settings', before: { title: 'x' }, after: { title: 'y' } };
    await AuditLog.create({ ...base, target: { kind: 'survey', id: String(surveyWib._id), label: 'Survei Barat' } });
    await AuditLog.create({ ...base, target: { kind: 'survey', id: String(surveyWita._id), label: 'Survei Tengah' } });
    await AuditLog.create({ ...base, action: 'token.create', target: { kind: 'apiToken', id: 'abc', label: 'Token Tanpa Unit' } });
    await AuditLog.create({ ...base, action: 'unit.rename', target: { kind: 'unit', id: String(wita._id), label: 'Unit Tengah Baru' } });

    const page = await asAdmin.agent.get('/admin/audit?from=2026-11-29&to=2026-11-29');

    expect(page.status).toBe(200);
    expect(rowOf(page.text, 'Survei Barat')).toContain('29 Nov 2026, 19.02 WIB<');
    expect(rowOf(page.text, 'Survei Tengah')).toContain('29 Nov 2026, 20.02 WITA<');
    expect(rowOf(page.text, 'Unit Tengah Baru')).toContain('29 Nov 2026, 20.02 WITA<');
    expect(rowOf(page.text, 'Token Tanpa Unit')).toContain('29 Nov 2026, 21.02 WIT<');
  });

  test('the date filter’s days are days in the default zone (WIT): 23:30 UTC is the next day there', async () => {
    const unit = await createUnit('Unit Malam');
    const survey = await createSurvey(unit, { title: 'Survei Malam' });
    await AuditLog.create({
      at: new Date('2026-10-05T23:30:00Z'),
      actorEmail: 'a@example.go.id',
      action: 'survey.settings',
      target: { kind: 'survey', id: String(survey._id), label: 'Survei Malam' },
    });

    const sixth = await asAdmin.agent.get('/admin/audit?from=2026-10-06&to=2026-10-06&lang=en');
    const fifth = await asAdmin.agent.get('/admin/audit?from=2026-10-05&to=2026-10-05');

    expect(rowOf(sixth.text, 'Survei Malam')).toContain('6 Oct 2026, 06:30 WIB');
    expect(fifth.text).not.toContain('Survei Malam');
  });
});

test('the audit log’s count is written the language’s way: 1.200 catatan / 1,200 entries', async () => {
  const at = new Date('2019-06-01T03:00:00Z');
  await AuditLog.insertMany(
    Array.from({ length: 1200 }, (_, i) => ({ at, actorEmail: 'bulk@example.go.id', action: 'survey.settings', target: { kind: 'survey', id: `bulk-${i}` } })),
  );

  const id = await asAdmin.agent.get('/admin/audit?from=2019-06-01&to=2019-06-01&lang=id');
  const en = await asAdmin.agent.get('/admin/audit?from=2019-06-01&to=2019-06-01&lang=en');
  await asAdmin.agent.get('/admin/audit?lang=id');

  expect(id.text).toContain('1.200 catatan, terbaru di atas.');
  expect(en.text).toContain('1,200 entries, newest first.');
});
