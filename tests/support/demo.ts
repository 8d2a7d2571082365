/**
 * The demo, seeded once per test run. `seedDemo` stores 2,250 responses through the response
 * pipeline (≈ 13 s of CPU between node and the database); the files that test something *on* the
 * demo (the report exports, the browser journeys) need its data, not another run of the seed.
 *
 * - The first file to ask seeds the demo into its own database for real (`seedDemo`) and writes
 *   every collection, as stored, to a BSON file in the run's directory (global-setup's
 *   SKM_TEST_RUN_DIR).
 * - Every other file inserts those documents, as they are (same ids, counters and outbox state),
 *   into its own database: ≈ 2 s instead of 13. Each file still has a database of its own, so
 *   what one file writes (users, responses, edits) no other file sees.
 * - `tests/integration/demo-seed.test.ts` always seeds for real (it tests the seed itself) and
 *   publishes its result when it is first; `tests/support/sequencer.js` starts it first. It takes
 *   the lock before it seeds, so a file started beside it waits for its dump instead of seeding
 *   a second time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BSON, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { seedDemo } from '../../server/features/demo/seed';
import { testConfig } from './app';

function runDir(): string {
  const dir = process.env.SKM_TEST_RUN_DIR;
  if (!dir) throw new Error('no test run directory: run tests through jest (global-setup makes one)');
  return dir;
}

const files = () => {
  const dir = runDir();
  return { dump: path.join(dir, 'demo.bson'), lock: path.join(dir, 'demo.lock'), failed: path.join(dir, 'demo.failed') };
};

/** True when this file is the one to publish the demo (first to ask). */
function takeLock(): boolean {
  try {
    fs.closeSync(fs.openSync(files().lock, 'wx'));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

function db() {
  const d = mongoose.connection.db;
  if (!d) throw new Error('not connected: call useTestDatabase() first');
  return d;
}

/** Writes this file's database, as the seed left it, for the run's other files. */
async function publish(): Promise<void> {
  const { dump, failed } = files();
  try {
    const names = (await db().listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const collections: Record<string, Document[]> = {};
    await Promise.all(
      names.map(async (name) => {
        const docs = await db().collection(name).find({}).toArray();
        if (docs.length > 0) collections[name] = docs;
      }),
    );
    const tmp = `${dump}.${process.pid}`;
    fs.writeFileSync(tmp, BSON.serialize({ collections }));
    fs.renameSync(tmp, dump); // readers never see half a file
  } catch (e) {
    fs.writeFileSync(failed, String((e as Error).stack ?? e));
    throw e;
  }
}

/** Waits for the publishing file (another jest worker) to write the dump; a failed seed fails here too. */
async function waitForDump(timeoutMs = 240_000): Promise<Buffer> {
  const { dump, failed } = files();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (fs.existsSync(dump)) return fs.readFileSync(dump);
    if (fs.existsSync(failed)) throw new Error(`the demo seed failed in another test file:\n${fs.readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`no demo dump after ${timeoutMs} ms (${dump})`);
    // Another process's progress, not a timing assumption: poll for the file it renames into place.
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `seedDemo` for real in this file's database; `publishing`: this file holds the lock, so it writes the dump (or says it failed). */
async function seedHere(publishing: boolean, log: (line: string) => void): Promise<boolean> {
  let created: boolean;
  try {
    created = await seedDemo({ config: testConfig(), log });
  } catch (e) {
    if (publishing) fs.writeFileSync(files().failed, String((e as Error).stack ?? e));
    throw e;
  }
  if (publishing) await publish();
  return created;
}

/**
 * `seedDemo` for real in this file's database (returns what it returns); when no other file of
 * the run publishes the demo, this one does, and the others wait for it.
 */
export function seedAndPublishDemo(log: (line: string) => void = () => undefined): Promise<boolean> {
  return seedHere(takeLock(), log);
}

/** Puts the demo into this file's (empty) database: seeded here when first, else copied from the run's dump. */
export async function loadDemo(): Promise<void> {
  if (takeLock()) {
    if (!(await seedHere(true, () => undefined))) throw new Error('loadDemo needs an empty database');
    return;
  }
  const { collections } = BSON.deserialize(await waitForDump()) as { collections: Record<string, Document[]> };
  await Promise.all(Object.entries(collections).map(([name, docs]) => db().collection(name).insertMany(docs, { ordered: false })));
}
