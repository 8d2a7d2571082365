/**
 * User management by admins: accounts with a role and a unit, one-time passwords shown once
 * and changed at first login, disabling (sessions end), no self-lockout, all audited.
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs, type LoggedInAgent } from '../support/auth';
import { User } from '../../models/user';
import { Unit } from '../../models/unit';
import { AuditLog } from '../../models/audit-log';
import { createUnit, postForm } from './admin-helpers';

useTestDatabase();
const app = testApp();

let admin: Awaited<ReturnType<typeof createUser>>;
let asAdmin: LoggedInAgent;
let unit: Awaited<ReturnType<typeof createUnit>>;

beforeAll(async () => {
  unit = await createUnit('Direktorat Uji');
  admin = await createUser('admin');
  asAdmin = await loginAs(app, admin.email);
});

function shownPassword(html: string): string {
  const m = /<code class="secret">([^<]+)<\/code>/.exec(html);
  if (!m) throw new Error('no one-time password on the page');
  return m[1]!;
}

describe('users', () => {
  test('create a unit manager: one-time password shown once, argon2id stored, must change at first login', async () => {
    const res = await postForm(asAdmin, '/admin/users', {
      email: 'Pengelola@Example.go.id',
      name: 'Bu Pengelola',
      role: 'unit-manager',
      unitId: String(unit._id),
    });
    expect(res.status).toBe(201);
    const password = shownPassword(res.text);
    const stored = await User.findOne({ email: 'pengelola@example.go.id' }).lean();
    expect(stored).toMatchObject({ name: 'Bu Pengelola', role: 'unit-manager', mustChangePassword: true });
    expect(String(stored!.unitId)).toBe(String(unit._id));
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    const entry = await AuditLog.findOne({ action: 'user.create', 'target.id': String(stored!._id) }).lean();
    expect(entry).toMatchObject({ actorEmail: admin.email, after: { email: 'pengelola@example.go.id', role: 'unit-manager' } });
    expect(JSON.stringify(entry)).not.toContain(password);

    const agent = request.agent(app);
    const page = await agent.get('/admin/login');
    const login = await agent
      .post('/admin/login')
      .type('form')
      .send({ email: 'pengelola@example.go.id', password, _csrf: csrfFrom(page.text) });
    expect(login.headers.location).toBe('/admin/account');
    expect((await agent.get('/admin/surveys')).headers.location).toBe('/admin/account');
    expect(
      (
        await agent
          .post('/admin/surveys')
          .type('form')
          .send({ _csrf: csrfFrom((await agent.get('/admin/account')).text) })
      ).status,
    ).toBe(403);
  });

  test('a unit manager without a unit, a bad e-mail and a taken e-mail: 422 beside the fields, nothing stored', async () => {
    const before = await User.countDocuments({});
    const res = await postForm(asAdmin, '/admin/users', { email: 'bukan-email', name: 'Nama Tetap', role: 'unit-manager', unitId: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="e-email"');
    expect(res.text).toContain('id="e-unitId"');
    expect(res.text).toContain('value="Nama Tetap"');
    const taken = await postForm(asAdmin, '/admin/users', { email: admin.email, name: 'X', role: 'admin' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('Email ini sudah dipakai pengguna lain.');
    expect(await User.countDocuments({})).toBe(before);
  });

  test('disabling a user ends their sessions at once; audited with before and after', async () => {
    const viewer = await createUser('viewer', unit._id);
    const asViewer = await loginAs(app, viewer.email);
    expect((await asViewer.agent.get('/admin')).status).toBe(200);
    const res = await postForm(asAdmin, `/admin/users/${viewer._id}`, { name: viewer.name, role: 'viewer', unitId: String(unit._id), disabled: 'on' });
    expect(res.status).toBe(303);
    expect((await asViewer.agent.get('/admin')).status).toBe(303);
    const entry = await AuditLog.findOne({ action: 'user.disable', 'target.id': String(viewer._id) }).lean();
    expect(entry).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
  });

  test('changing the role ends the sessions, so the new role applies at once', async () => {
    const manager = await createUser('unit-manager', unit._id);
    const asManager = await loginAs(app, manager.email);
    expect((await asManager.agent.get('/admin/surveys/new')).status).toBe(200);
    await postForm(asAdmin, `/admin/users/${manager._id}`, { name: manager.name, role: 'viewer', unitId: String(unit._id) });
    expect((await asManager.agent.get('/admin/surveys/new')).status).toBe(303);
    const again = await loginAs(app, manager.email);
    expect((await again.agent.get('/admin/surveys/new')).status).toBe(403);
  });

  test('an admin cannot demote or disable themselves', async () => {
    const res = await postForm(asAdmin, `/admin/users/${admin._id}`, { name: admin.name, role: 'viewer', unitId: String(unit._id) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Anda tidak dapat menurunkan peran');
    expect((await User.findById(admin._id).lean())!.role).toBe('admin');
  });

  test('reset password: a new one-time password, the old password stops working', async () => {
    const viewer = await createUser('viewer', unit._id);
    const res = await postForm(asAdmin, `/admin/users/${viewer._id}/reset-password`);
    expect(res.status).toBe(200);
    const password = shownPassword(res.text);
    expect((await User.findById(viewer._id).lean())!.mustChangePassword).toBe(true);
    await expect(loginAs(app, viewer.email)).rejects.toThrow(/HTTP 401/);
    await expect(loginAs(app, viewer.email, password)).resolves.toBeDefined();
  });

  test('the list shows users with role and unit, in English on request', async () => {
    const res = await asAdmin.agent.get('/admin/users?lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain(admin.email);
    expect(res.text).toContain('Unit manager');
  });
});

describe('units', () => {
  beforeAll(async () => {
    // The English list test above left the language cookie on this agent.
    await asAdmin.agent.get('/admin?lang=id');
  });

  test('create a sub-unit: its path is the parent path plus itself; audited', async () => {
    const res = await postForm(asAdmin, '/admin/units', { name: 'Subdirektorat Data', slug: 'subdit-data', parentId: String(unit._id) });
    expect(res.status).toBe(303);
    const sub = await Unit.findOne({ slug: 'subdit-data' }).lean();
    expect(sub!.path.map(String)).toEqual([String(unit._id), String(sub!._id)]);
    expect(String(sub!.parentId)).toBe(String(unit._id));
    expect(await AuditLog.countDocuments({ action: 'unit.create', 'target.id': String(sub!._id) })).toBe(1);
    const list = await asAdmin.agent.get('/admin/units');
    expect(list.text).toContain('— Subdirektorat Data');
  });

  test('a code already in use and a bad code: 422 beside the field, nothing stored', async () => {
    const before = await Unit.countDocuments({});
    const taken = await postForm(asAdmin, '/admin/units', { name: 'Dobel', slug: unit.slug });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('Kode ini sudah dipakai unit lain.');
    expect(taken.text).toContain('value="Dobel"');
    const bad = await postForm(asAdmin, '/admin/units', { name: 'X', slug: 'Bad Code!' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="e-slug"');
    expect(await Unit.countDocuments({})).toBe(before);
  });

  test('rename: saved with before and after in the audit trail', async () => {
    const u = await createUnit('Nama Lama');
    expect((await postForm(asAdmin, `/admin/units/${u._id}`, { name: 'Nama Baru' })).status).toBe(303);
    expect((await Unit.findById(u._id).lean())!.name).toBe('Nama Baru');
    const entry = await AuditLog.findOne({ action: 'unit.rename', 'target.id': String(u._id) }).lean();
    expect(entry).toMatchObject({ before: { name: 'Nama Lama' }, after: { name: 'Nama Baru' } });
  });
});
