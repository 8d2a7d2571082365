/**
 * Screenshots of the public survey form for the README: 360 px wide (a cheap phone) and a
 * desktop width, into docs/screenshots/form-360.png and form-desktop.png (plus the error state
 * at 360 px, form-360-errors.png).
 *
 *   npm run build && node dist/tools/screenshot-form.js
 *
 * Uses the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core;
 * it never downloads a browser. Starts its own embedded database in a temporary directory.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { chromium } from 'playwright-core';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { connectDatabase } from '../server/db/connection';
import { startEmbeddedDatabase } from '../server/db/embedded';
import { syncAllIndexes } from '../server/db/indexes';
import { DEMO_FORM_SLUG, seedDemo } from '../server/features/demo/seed';
import { ROOT } from '../server/paths';
import '../server/models';

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-shot-'));
  const db = await startEmbeddedDatabase({ dataDir, supervise: false });
  await connectDatabase({ uri: db.uri, dbName: 'skm_screenshots' });
  await syncAllIndexes();
  const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', SEED_DEMO: 'true' });
  await seedDemo({ config, log: () => undefined });
  const server = http.createServer(createApp({ config, logger: createLogger('silent') }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const out = path.join(ROOT, 'docs', 'screenshots');
  fs.mkdirSync(out, { recursive: true });

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    for (const [name, width, height] of [
      ['form-360', 360, 740],
      ['form-desktop', 1280, 900],
    ] as const) {
      const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
      await page.goto(`${base}/s/${DEMO_FORM_SLUG}`);
      // A respondent half-way through: a service chosen, the first answers given.
      await page.selectOption('#service', 'konsultasi');
      await page.check('#a_persyaratan-3');
      await page.check('#a_prosedur-4');
      await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
      if (width === 360) {
        await page.click('button[type=submit]');
        await page.waitForLoadState();
        await page.screenshot({ path: path.join(out, 'form-360-errors.png'), fullPage: false });
      }
      await page.close();
    }
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await mongoose.disconnect();
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`screenshots written to ${path.relative(ROOT, out)}/\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`screenshot failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
