/**
 * Starts one real database server for the whole test run (unless MONGODB_URI is given):
 * the embedded mongod or FerretDB in a temporary data directory, removed afterwards.
 * Each test file then works in a database of its own (tests/support/db.ts). SKM_TEST_RUN_DIR is
 * a directory the run's files share (the demo's dump: tests/support/demo.ts), removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../server/db/embedded';

export default async function globalSetup(): Promise<void> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-test-run-'));
  process.env.SKM_TEST_RUN_DIR = runDir;
  (globalThis as { __SKM_TEST_RUN_DIR__?: string }).__SKM_TEST_RUN_DIR__ = runDir;
  if (process.env.MONGODB_URI) {
    process.env.SKM_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-test-db-'));
  const db = await startEmbeddedDatabase({
    dataDir,
    engine: (process.env.EMBEDDED_DB as 'auto' | 'mongod' | 'ferretdb' | undefined) ?? 'auto',
    mongodBin: process.env.MONGOD_BIN,
    log: (line) => process.stderr.write(`test database: ${line}\n`),
  });
  process.stderr.write(`\ntest database: ${db.description}\n`);
  process.env.SKM_TEST_MONGODB_URI = db.uri;
  process.env.SKM_TEST_DB_KIND = db.kind;
  (globalThis as { __SKM_TEST_DB__?: unknown }).__SKM_TEST_DB__ = { db, dataDir };
}
