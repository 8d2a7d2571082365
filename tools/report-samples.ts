/**
 * The README's sample report files, generated from the demo data (never drawn by hand):
 * docs/samples/laporan-skm-dit-pkr-2022.{pdf,docx,xlsx}, and PNG images of two PDF pages
 * (pdftoppm, from poppler-utils) in docs/screenshots/.
 *
 *   npm run build && node dist/tools/report-samples.js
 *
 * Starts its own embedded database in a temporary directory, seeds the demo, and removes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from '../server/db/embedded';
import { connectDatabase } from '../server/db/connection';
import { syncAllIndexes } from '../server/db/indexes';
import '../server/models';
import { loadConfig } from '../server/config';
import { Survey, type SurveyDoc } from '../models/survey';
import { DEMO_SURVEY_SLUG, seedDemo } from '../server/features/demo/seed';
import { buildSurveyReport } from '../server/features/reports/report.service';
import { renderPdf } from '../server/features/reports/report.pdf';
import { renderDocx } from '../server/features/reports/report.docx';
import { writeXlsx } from '../server/features/reports/report.export';

const ROOT = path.join(__dirname, '..', '..');

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-samples-'));
  const db = await startEmbeddedDatabase({ dataDir, supervise: false });
  try {
    await connectDatabase({ uri: db.uri, dbName: 'samples' });
    await syncAllIndexes();
    await seedDemo({ config: loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent' }), log: () => undefined });
    const survey = (await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean<SurveyDoc>())!;
    // A fixed "compiled on" date keeps the samples identical between runs.
    const ctx = await buildSurveyReport(survey, {}, 'id', new Date(Date.UTC(2023, 0, 16, 2)));
    const samples = path.join(ROOT, 'docs', 'samples');
    const shots = path.join(ROOT, 'docs', 'screenshots');
    fs.mkdirSync(samples, { recursive: true });
    fs.mkdirSync(shots, { recursive: true });
    const base = path.join(samples, `laporan-${DEMO_SURVEY_SLUG}`);
    fs.writeFileSync(`${base}.pdf`, await renderPdf(ctx.report));
    fs.writeFileSync(`${base}.docx`, await renderDocx(ctx.report));
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeXlsx(ctx, out);
    fs.writeFileSync(`${base}.xlsx`, Buffer.concat(chunks));
    // The cover and the page with the per-element table and chart.
    for (const page of [1, 7]) {
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        String(page),
        '-l',
        String(page),
        '-singlefile',
        `${base}.pdf`,
        path.join(shots, `report-page-${page}`),
      ]);
    }
    process.stdout.write(`written: ${base}.{pdf,docx,xlsx}, docs/screenshots/report-page-{1,7}.png\n`);
  } finally {
    await mongoose.disconnect().catch(() => undefined);
    await db.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
