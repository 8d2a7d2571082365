/**
 * The survey page after a save and for a read-only reader, over HTTP without JavaScript:
 * a save redirects to the edited section's #fragment and its confirmation is rendered inside
 * that section (not at the top of the page, off-screen); a viewer's fields say "read-only" in
 * words beside each label and carry no save button; a number saved comes back written the
 * language's way (target 90,5 stays 90,5).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, csrfFrom, loginAs, TEST_PASSWORD, type LoggedInAgent } from '../support/auth';
import { Survey } from '../../models/survey';
import { createSurvey, createUnit, postForm } from './admin-helpers';

useTestDatabase();
const app = testApp();

let unit: Awaited<ReturnType<typeof createUnit>>;
let asManager: LoggedInAgent;
let asViewer: LoggedInAgent;

beforeAll(async () => {
  unit = await createUnit('Direktorat Umpan Balik');
  asManager = await loginAs(app, (await createUser('unit-manager', unit._id)).email);
  asViewer = await loginAs(app, (await createUser('viewer', unit._id)).email);
});

const INDICATOR = {
  code: 'IKK 3.1',
  name: 'Indeks kepuasan',
  target: '90',
  polarity: 'higher',
  cap: 'none',
  achievementDecimals: '2',
  achievementRounding: 'round',
};

/** The HTML of one <section id="…"> of the page. */
function sectionOf(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  if (start < 0) throw new Error(`no section ${id}`);
  return html.slice(start, html.indexOf('</section>', start));
}

describe('saving a section of the survey page', () => {
  test('indicator: redirect to #indicator; the confirmation is inside that section and nowhere else', async () => {
    const survey = await createSurvey(unit);

    const res = await postForm(asManager, `/admin/surveys/${survey._id}/indicator`, INDICATOR);
    const page = await asManager.agent.get(res.headers.location!.split('#')[0]!);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/surveys/${survey._id}#indicator`);
    expect(sectionOf(page.text, 'indicator')).toContain('data-flash-at="indicator">Perubahan disimpan.</p>');
    expect(page.text.split('Perubahan disimpan.')).toHaveLength(2);
    expect(sectionOf(page.text, 'settings')).not.toContain('data-flash-at');
  });

  test('an image the previous page was still loading (the QR) does not take the confirmation meant for the next page', async () => {
    const survey = await createSurvey(unit);

    const res = await postForm(asManager, `/admin/surveys/${survey._id}/indicator`, INDICATOR);
    const qr = await asManager.agent.get(`/admin/surveys/${survey._id}/qr.svg`);
    const page = await asManager.agent.get(res.headers.location!.split('#')[0]!);
    const again = await asManager.agent.get(res.headers.location!.split('#')[0]!);

    expect(qr.status).toBe(200);
    expect(sectionOf(page.text, 'indicator')).toContain('data-flash-at="indicator">Perubahan disimpan.</p>');
    expect(again.text).not.toContain('Perubahan disimpan.');
  });

  test('settings in English: the confirmation in English inside #settings, shown once only', async () => {
    const survey = await createSurvey(unit);
    await asManager.agent.get('/admin/surveys?lang=en');

    const res = await postForm(asManager, `/admin/surveys/${survey._id}/settings`, { title: 'SKM baru', year: '2024' });
    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    const again = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    await asManager.agent.get('/admin/surveys?lang=id');

    expect(res.headers.location).toBe(`/admin/surveys/${survey._id}#settings`);
    expect(sectionOf(page.text, 'settings')).toContain('Changes saved.');
    expect(again.text).not.toContain('Changes saved.');
  });

  test('a message without a section (user saved) still shows at the top', async () => {
    const admin = await loginAs(app, (await createUser('admin')).email);
    const other = await createUser('viewer', unit._id);

    const res = await postForm(admin, `/admin/users/${other._id}`, { name: 'Nama Baru', email: other.email, role: 'viewer', unitId: String(unit._id) });
    const page = await admin.agent.get(res.headers.location!);

    expect(res.status).toBe(303);
    expect(page.text).toMatch(/<div class="wrap"><p class="notice notice-ok" role="status">[^<]+<\/p><\/div>/);
  });
});

/**
 * One HTTP request as a browser sends it; resolves on the response's headers, as a browser acts
 * on a redirect without waiting for its body (`body` waits for the rest).
 */
function browserRequest(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  cookies: Map<string, string>,
  form?: Record<string, string>,
): Promise<{ status: number; location: string; body: () => Promise<string> }> {
  const payload = form ? new URLSearchParams(form).toString() : undefined;
  const headers: Record<string, string> = { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  if (payload) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(payload)) });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      for (const c of res.headers['set-cookie'] ?? []) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const chunks: Buffer[] = [];
      const body = new Promise<string>((done, fail) =>
        res
          .on('data', (c: Buffer) => chunks.push(c))
          .on('end', () => done(Buffer.concat(chunks).toString()))
          .on('error', fail),
      );
      resolve({ status: res.statusCode!, location: res.headers.location ?? '', body: () => body });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('a browser follows a redirect on its headers', () => {
  test('the session a login or a save changed is stored before the redirect leaves: the next page is logged in and shows the confirmation, every time', async () => {
    const server = http.createServer(app);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const port = (server.address() as AddressInfo).port;
    try {
      const user = await createUser('unit-manager', unit._id);
      const survey = await createSurvey(unit);
      const cookies = new Map<string, string>();
      const loginPage = await browserRequest(port, 'GET', '/admin/login', cookies);
      const login = await browserRequest(port, 'POST', '/admin/login', cookies, {
        email: user.email,
        password: TEST_PASSWORD,
        _csrf: csrfFrom(await loginPage.body()),
      });
      const first = await browserRequest(port, 'GET', login.location, cookies);
      expect(login.status).toBe(303);
      expect(first.status).toBe(200);
      await Promise.all([login.body(), first.body()]);

      const page = await browserRequest(port, 'GET', `/admin/surveys/${survey._id}`, cookies);
      const csrf = csrfFrom(await page.body());
      // A write that lands after the next page's read is missed only some of the time: several saves.
      for (let i = 0; i < 8; i++) {
        const save = await browserRequest(port, 'POST', `/admin/surveys/${survey._id}/settings`, cookies, { title: `SKM ${i}`, year: '2024', _csrf: csrf });
        const next = await browserRequest(port, 'GET', save.location.split('#')[0]!, cookies);
        const html = await next.body();
        await save.body();
        expect(save.status).toBe(303);
        expect(sectionOf(html, 'settings')).toContain('data-flash-at="settings">Perubahan disimpan.</p>');
      }
    } finally {
      server.close();
    }
  });
});

describe('a viewer on the survey page', () => {
  test('every field says it is read-only in words; text stays selectable; no save button', async () => {
    const survey = await createSurvey(unit, { indicator: { code: 'IKK 3.1', name: 'Indeks', target: 90 } });

    const page = await asViewer.agent.get(`/admin/surveys/${survey._id}`);
    const settings = sectionOf(page.text, 'settings');
    const indicator = sectionOf(page.text, 'indicator');

    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="readonly-note"');
    expect(page.text).toContain('Hanya baca: sebagai Pembaca');
    expect(settings).toMatch(/<label for="f-title">[^<]+<span class="ro-tag">\(hanya baca\)<\/span><\/label>/);
    expect(settings).toMatch(/<input type="text" id="f-title" name="title" value="[^"]+" readonly>/);
    expect(indicator).toMatch(/<select id="f-polarity" name="polarity" disabled>/);
    expect(indicator).toContain('<span class="ro-tag">(hanya baca)</span>');
    expect(page.text).not.toContain('>Simpan</button>');
  });

  test('the manager of the unit sees neither the note nor the read-only marks', async () => {
    const survey = await createSurvey(unit);

    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);

    expect(page.text).not.toContain('data-testid="readonly-note"');
    expect(page.text).not.toContain('ro-tag');
    expect(page.text).toContain('>Simpan</button>');
  });
});

describe('numbers typed into the survey page', () => {
  const indicator = (target: string) => ({
    code: 'IKK 3.1',
    name: 'Indeks',
    target,
    polarity: 'higher',
    cap: 'none',
    achievementDecimals: '2',
    achievementRounding: 'round',
  });

  test('target "90,5": stored as 90.5, shown again as 90,5 (Indonesian) and 90.5 (English)', async () => {
    const survey = await createSurvey(unit);

    const res = await postForm(asManager, `/admin/surveys/${survey._id}/indicator`, indicator('90,5'));
    const id = await asManager.agent.get(`/admin/surveys/${survey._id}`);
    const en = await asManager.agent.get(`/admin/surveys/${survey._id}?lang=en`);
    await asManager.agent.get('/admin/surveys?lang=id');

    expect(res.status).toBe(303);
    expect((await Survey.findById(survey._id).lean())!.indicator!.target).toBe(90.5);
    expect(id.text).toContain('id="f-target" name="target" value="90,5"');
    expect(en.text).toContain('id="f-target" name="target" value="90.5"');
  });

  test('target "88.25" with a point is accepted too, and shown back as 88,25', async () => {
    const survey = await createSurvey(unit);

    await postForm(asManager, `/admin/surveys/${survey._id}/indicator`, indicator('88.25'));
    const page = await asManager.agent.get(`/admin/surveys/${survey._id}`);

    expect((await Survey.findById(survey._id).lean())!.indicator!.target).toBe(88.25);
    expect(page.text).toContain('value="88,25"');
  });
});
