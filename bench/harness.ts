/**
 * What the app-level benchmarks share: an embedded database of their own in a temporary
 * directory (removed afterwards), a survey of the current year (answers are taken only within
 * the survey's period), and how a benchmark's process ends.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../server/db/embedded';
import { connectDatabase } from '../server/db/connection';
import { syncAllIndexes } from '../server/db/indexes';
import '../server/models';
import { Unit } from '../models/unit';
import { Survey } from '../models/survey';
import { elementsFromTemplate } from '../server/results';

/** Runs `body` connected (mongoose, indexes synced) to a fresh embedded database; stops and removes it afterwards. */
export async function withBenchDatabase(name: string, body: (db: EmbeddedDatabase) => Promise<void>): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `skm-bench-${name}-`));
  let embedded: EmbeddedDatabase | undefined;
  try {
    embedded = await startEmbeddedDatabase({ dataDir, engine: 'auto', supervise: false });
    await connectDatabase({ uri: embedded.uri, dbName: `skm_bench_${crypto.randomBytes(4).toString('hex')}` });
    await syncAllIndexes();
    process.stdout.write(`database: ${embedded.description}\n`);
    await body(embedded);
  } finally {
    await mongoose.disconnect().catch(() => undefined);
    await embedded?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A unit and an open survey of the current year (WIB) on the stakeholder template. */
export async function benchSurvey(services: { key: string; name: { id: string; en: string } }[]) {
  const unit = await Unit.create({ name: 'Direktorat Bench', slug: 'dit-bench' });
  return Survey.create({
    unitId: unit._id,
    unitPath: [unit._id],
    title: 'Survei Bench',
    slug: 'survei-bench',
    period: { year: new Date(Date.now() + 7 * 3600_000).getUTCFullYear() },
    template: 'stakeholder',
    elements: elementsFromTemplate('stakeholder'),
    services,
    status: 'open',
  });
}

/** Runs a benchmark's main and ends the process (open handles such as timers must not keep it). */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
