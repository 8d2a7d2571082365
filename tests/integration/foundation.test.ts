import mongoose from 'mongoose';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { Unit } from '../../models/unit';

const { dbName } = useTestDatabase();

describe('foundation: the app on a real database', () => {
  const app = testApp();

  test('a document round-trips through the database server over the wire', async () => {
    const created = await Unit.create({ name: 'Direktorat Uji', slug: 'dit-uji' });
    // Read it back with the raw driver in a fresh query, not from mongoose's memory.
    const raw = await mongoose.connection.db!.collection('units').findOne({ _id: created._id });
    expect(raw).toMatchObject({ name: 'Direktorat Uji', slug: 'dit-uji' });
    const admin = mongoose.connection.db!.admin();
    const { databases } = await admin.listDatabases();
    expect(databases.map((d: { name: string }) => d.name)).toContain(dbName);
  });

  test('the unique slug index is enforced by the server', async () => {
    await Unit.create({ name: 'A', slug: 'dup-slug' });
    await expect(Unit.create({ name: 'B', slug: 'dup-slug' })).rejects.toMatchObject({ code: 11000 });
  });

  test('GET /healthz answers 200 without touching the database', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  test('GET /readyz answers 200 when the database is reachable', async () => {
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', database: 'ok' });
  });

  test('the home page renders in Bahasa Indonesia by default and in English on request', async () => {
    const id = await request(app).get('/');
    expect(id.status).toBe(200);
    expect(id.text).toContain('<html lang="id">');
    expect(id.text).toContain('Survei Kepuasan Masyarakat');
    const en = await request(app).get('/?lang=en');
    expect(en.text).toContain('<html lang="en">');
    expect(en.headers['set-cookie']?.[0]).toMatch(/^lang=en/);
  });

  test('an unknown page gets a friendly 404 page, or JSON when JSON is asked for', async () => {
    const html = await request(app).get('/no-such-page');
    expect(html.status).toBe(404);
    expect(html.text).toContain('Halaman tidak ditemukan');
    const json = await request(app).get('/no-such-page').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toEqual({ error: { code: 'not_found', message: 'Halaman yang Anda cari tidak ditemukan.' } });
  });

  test('security headers: a strict CSP without inline script or style', async () => {
    const res = await request(app).get('/');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  test('fingerprinted static files are cached for a year, others briefly', async () => {
    const home = await request(app).get('/');
    const href = /href="(\/static\/css\/app\.css\?v=[0-9a-f]+)"/.exec(home.text)?.[1];
    expect(href).toBeDefined();
    const css = await request(app).get(href!);
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const stale = await request(app).get('/static/css/app.css?v=old');
    expect(stale.headers['cache-control']).toBe('public, max-age=300');
  });

  test('an oversized body is refused with 413, not turned into another error', async () => {
    const res = await request(app)
      .post('/no-such-form')
      .set('Accept', 'application/json')
      .type('form')
      .send(`x=${'a'.repeat(100_000)}`);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('a malformed JSON body is a 400 with a clear message and no stack trace', async () => {
    const res = await request(app).post('/api/anything').set('Content-Type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Data yang dikirim tidak dapat dibaca.');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });
});
