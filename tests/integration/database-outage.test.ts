/**
 * The embedded database dies while the app runs: readiness and pages answer 503 (friendly),
 * and once the supervisor has restarted the server the app recovers by itself.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import request from 'supertest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded';
import { connectDatabase } from '../../server/db/connection';
import { testApp } from '../support/app';
import { Unit } from '../../models/unit';

jest.setTimeout(120_000);

let db: EmbeddedDatabase;
let dataDir: string;
/** The supervisor's pending restart, held by the test. */
let restartNow: (() => void) | undefined;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-outage-'));
  db = await startEmbeddedDatabase({
    dataDir,
    engine: (process.env.SKM_TEST_DB_KIND as 'mongod' | 'ferretdb' | undefined) ?? 'auto',
    // The database stays down until the test has seen the outage, then the supervisor restarts it.
    restartTimer: (restart) => {
      restartNow = restart;
    },
  });
  await connectDatabase({ uri: db.uri, dbName: 'skm_outage' });
});

afterAll(async () => {
  await mongoose.disconnect();
  await db.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

test('killing the database gives 503s, and the app recovers when it is back', async () => {
  const app = testApp();
  await Unit.create({ name: 'Sebelum', slug: 'sebelum' });
  expect((await request(app).get('/readyz')).status).toBe(200);

  const pid = db.pid()!;
  process.kill(pid, 'SIGKILL');

  // Readiness notices within a few seconds.
  expect(await waitFor(async () => (await request(app).get('/readyz')).status === 503, 15_000)).toBe(true);
  const ready = await request(app).get('/readyz');
  expect(ready.body).toMatchObject({ status: 'unavailable', database: 'unreachable' });

  // A page that needs the database answers a friendly 503 page, not a 500 or a stack trace.
  const page = await request(app).get('/');
  expect(page.status).toBe(503);
  expect(page.text).toContain('Layanan sementara tidak tersedia');
  expect(page.text).not.toMatch(/at .*\.(js|ts):\d+/);
  // Liveness is unaffected.
  expect((await request(app).get('/healthz')).status).toBe(200);

  // The supervisor restarts the server on the same port; the driver reconnects by itself.
  expect(restartNow).toBeDefined();
  restartNow!();
  expect(await waitFor(async () => (await request(app).get('/readyz')).status === 200, 60_000)).toBe(true);
  expect(db.pid()).not.toBe(pid);
  expect((await request(app).get('/')).status).toBe(200);
  expect(await Unit.countDocuments({ slug: 'sebelum' })).toBe(1);
});
