/**
 * The survey page's "Bagikan" (share) section (issue 13, item 6): the public link, a QR preview
 * with SVG/PNG downloads of exactly that link, a printable A4 poster, the kiosk link, and a
 * warning when PUBLIC_URL is not set. Also the favicon (item 13).
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs } from '../support/auth';
import { qrSvg } from '../../server/features/survey-form/qr';
import { createSurvey, createUnit } from './admin-helpers';

useTestDatabase();

describe('survey page: share section', () => {
  test('without PUBLIC_URL: links on the browsed host, a visible warning naming it, QR preview of that link', async () => {
    const app = testApp();
    const unit = await createUnit('Direktorat Bagikan');
    const survey = await createSurvey(unit, { status: 'open' });
    const viewer = await createUser('viewer', unit._id);
    const { agent } = await loginAs(app, viewer.email);

    const res = await agent.get(`/admin/surveys/${survey._id}`).set('Host', '127.0.0.1:3000');

    expect(res.status).toBe(200);
    const link = `http://127.0.0.1:3000/s/${survey.slug}`;
    expect(res.text).toContain('id="share"');
    expect(res.text).toContain(`value="${link}"`);
    expect(res.text).toContain(`value="${link}?kiosk=1"`);
    expect(res.text).toContain('PUBLIC_URL belum diatur');
    expect(res.text).toContain('(127.0.0.1:3000)');
    expect(res.text).toContain(await qrSvg(link));
    expect(res.text).toContain(`href="/admin/surveys/${survey._id}/qr.svg" download`);
    expect(res.text).toContain(`href="/admin/surveys/${survey._id}/qr.png" download`);
    expect(res.text).toContain(`href="/admin/surveys/${survey._id}/poster"`);
  });

  test('with PUBLIC_URL: links, downloads and poster use it whatever the Host header; no warning', async () => {
    const app = testApp({ PUBLIC_URL: 'http://skm.example.go.id/' });
    const unit = await createUnit('Direktorat Publik');
    const survey = await createSurvey(unit, { title: 'SKM Loket Terpadu 2024' });
    const admin = await createUser('admin');
    const { agent } = await loginAs(app, admin.email);
    const link = `http://skm.example.go.id/s/${survey.slug}`;

    const page = await agent.get(`/admin/surveys/${survey._id}`).set('Host', 'evil.example');
    const svg = await agent.get(`/admin/surveys/${survey._id}/qr.svg`).set('Host', 'evil.example');
    const png = await agent.get(`/admin/surveys/${survey._id}/qr.png`).buffer(true);
    const poster = await agent.get(`/admin/surveys/${survey._id}/poster`);

    expect(page.text).toContain(`value="${link}"`);
    expect(page.text).not.toContain('PUBLIC_URL belum diatur');
    expect(page.text).toContain('Survei ini belum dibuka atau sudah ditutup');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?qr-${survey.slug}\\.svg"?$`));
    expect(String(svg.body ?? svg.text)).toBe(await qrSvg(link));
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(poster.status).toBe(200);
    expect(poster.text).toContain('SKM Loket Terpadu 2024');
    expect(poster.text).toContain('Direktorat Publik');
    expect(poster.text).toContain(`skm.example.go.id/s/${survey.slug}</p>`);
    expect(poster.text).toContain(await qrSvg(link));
    expect(poster.text).toContain('/css/poster.css');
  });

  test('QR downloads and poster: anonymous users go to the login page; another unit gets 403', async () => {
    const app = testApp();
    const unit = await createUnit('Direktorat Satu');
    const other = await createUnit('Direktorat Dua');
    const survey = await createSurvey(unit);
    const outsider = await createUser('unit-manager', other._id);
    const { agent } = await loginAs(app, outsider.email);

    expect((await request(app).get(`/admin/surveys/${survey._id}/poster`)).status).toBe(303);
    expect((await agent.get(`/admin/surveys/${survey._id}/qr.png`)).status).toBe(403);
    expect((await agent.get(`/admin/surveys/${survey._id}/poster`)).status).toBe(403);
  });
});

describe('favicon', () => {
  test('GET /favicon.ico answers an icon, and pages link the SVG icon', async () => {
    const app = testApp();
    const ico = await request(app).get('/favicon.ico').buffer(true);
    const home = await request(app).get('/');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
    expect((ico.body as Buffer).readUInt16LE(2)).toBe(1); // ICO type 1 = icon
    expect(home.text).toMatch(/<link rel="icon" href="\/static\/favicon\.svg\?v=[0-9a-f]+" type="image\/svg\+xml">/);
  });
});
