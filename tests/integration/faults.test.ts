/**
 * The fault suite (issue 14), sized for CI: a real embedded database of its own and the compiled
 * app as a real process, under load from a client that records every key it sent and every
 * acknowledgement. After each fault the database is read: no acknowledged response lost, no key
 * stored twice, the counters equal the raw responses (verify), and every 503 said Retry-After.
 * Longer runs: bench/faults.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../server/db/embedded';
import { connectDatabase } from '../../server/db/connection';
import { syncAllIndexes } from '../../server/db/indexes';
import '../../server/models';
import { Response } from '../../models/response';
import { Survey } from '../../models/survey';
import { CountingOutbox } from '../../models/counting-outbox';
import { responseId } from '../../server/responses';
import { loadCounters, verifyStats } from '../../server/results';
import { makeSurvey } from './survey-form.helpers';
import { killAll, newReport, runLoad, startApp, waitFor, type AppProcess, type LoadReport } from '../support/faults';

jest.setTimeout(300_000);

let db: EmbeddedDatabase;
let dataDir: string;
let uri: string;
const DB_NAME = 'skm_faults';

/**
 * As root the database's files live on a small tmpfs of their own, so a test can fill it (a full
 * disk) and free it again; otherwise the full-disk test says why it cannot run.
 */
let tmpfs: string | undefined;
const TMPFS_MB = 256;
/** The file that fills the disk (the full-disk test). */
const FILLER = 'filler';
/** The collection that takes up the database's own room on a full disk (`exhaustDatabaseRoom`). */
const BALLAST = 'ballast';

function mountTmpfs(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root (a tmpfs of its own needs mount)';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_MB}m`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `mount -t tmpfs failed: ${(r.stderr || r.error?.message || '').trim()}`;
}

let noTmpfs: string | undefined;
/** What the database's supervisor said (started, restarted, failed to start). */
const dbLog: string[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-faults-'));
  noTmpfs = mountTmpfs(dataDir);
  if (!noTmpfs) tmpfs = dataDir;
  db = await startEmbeddedDatabase({
    dataDir,
    engine: (process.env.EMBEDDED_DB as 'auto' | 'mongod' | 'ferretdb' | undefined) ?? 'auto',
    log: (line) => dbLog.push(line),
  });
  uri = `${db.uri}${DB_NAME}`;
  await connectDatabase({ uri: db.uri, dbName: DB_NAME });
  await syncAllIndexes();
});

afterEach(() => {
  killAll();
  // A failed disk test must not fail the next ones: its space is freed and its directory writable again.
  if (tmpfs) {
    fs.rmSync(path.join(tmpfs, FILLER), { force: true });
    spawnSync('mount', ['-o', 'remount,rw', tmpfs]);
  }
});

afterAll(async () => {
  await mongoose.disconnect();
  await db?.stop();
  if (tmpfs) spawnSync('umount', [tmpfs]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const KEYS = 240;
const CONCURRENCY = 20;

function keysFor(tag: string): string[] {
  return Array.from({ length: KEYS }, (_, i) => `${tag}${String(i).padStart(4, '0')}${'k'.repeat(20)}`);
}

/** What the database says after a run: lost acknowledged responses, duplicates, counter drift. */
async function audit(survey: { _id: mongoose.Types.ObjectId }, keys: readonly string[], report: LoadReport) {
  const stored = await Response.collection.find({ surveyId: survey._id }, { projection: { idempotencyKey: 1 } }).toArray();
  const ids = new Set(stored.map((d) => String(d._id)));
  const lost = [...report.acked.keys()].filter((k) => !ids.has(String(responseId(survey._id, 'form', k))));
  const duplicates = stored.length - new Set(stored.map((d) => String(d.idempotencyKey))).size;
  const verify = await verifyStats(survey._id).catch((e: Error) => ({ ok: false, differences: [{ field: e.message }] }));
  const [all] = await loadCounters(survey._id, { bucket: 'all' });
  const drift = 'differences' in verify ? verify.differences.length : 0;
  // The figures of the README's reliability table.
  process.stdout.write(
    `${expect.getState().currentTestName}\n  sent ${keys.length}, requests ${report.sent}, acknowledged ${report.acked.size}, stored ${stored.length}, lost ${lost.length}, duplicates ${duplicates}, counted ${all?.responses ?? 0}, drifted counters ${drift}; outcomes ${JSON.stringify(Object.fromEntries(report.outcomes))}\n`,
  );
  return {
    sent: keys.length,
    acknowledged: report.acked.size,
    stored: stored.length,
    lost: lost.length,
    duplicates,
    counted: all?.responses ?? 0,
    countersOk: verify.ok,
  };
}

/**
 * After a fault: every key sent was acknowledged, stored once and counted, and the counters equal
 * a recount. An answer 500 is a defect (issue 14, item 6): it fails here with the app's log lines
 * that say which error it was.
 */
async function expectAllStoredOnce(survey: { _id: mongoose.Types.ObjectId }, keys: readonly string[], report: LoadReport, app: AppProcess): Promise<void> {
  const a = await audit(survey, keys, report);
  expect(a).toEqual({ sent: KEYS, acknowledged: KEYS, stored: KEYS, lost: 0, duplicates: 0, counted: KEYS, countersOk: true });
  expect(
    report.outcomes.get('500')
      ? app
          .output()
          .split('\n')
          .filter((l) => l.includes('unhandled error'))
      : [],
  ).toEqual([]);
}

/** The load of one scenario; `fault` runs once, after the 80th acknowledgement. */
function loadWithFault(
  survey: { slug: string; elements: { key: string }[] },
  keys: string[],
  port: () => number,
  fault: () => void,
  report = newReport(),
  ms = 90_000,
) {
  let done = false;
  return runLoad({
    report,
    port,
    slug: survey.slug,
    elements: survey.elements.map((e) => e.key),
    keys,
    concurrency: CONCURRENCY,
    deadline: Date.now() + ms,
    onAck: (n) => {
      if (n === 80 && !done) {
        done = true;
        fault();
      }
    },
  });
}

async function stop(app: AppProcess): Promise<number | null> {
  app.child.kill('SIGTERM');
  return app.exited;
}

test('SIGTERM during load: in-flight requests finish (no stored response is cut off), the restarted app takes the retries; nothing lost or doubled; counters exact', async () => {
  const survey = await makeSurvey();
  const keys = keysFor('term');
  let app = await startApp(uri);
  let stoppedAt: { acked: Set<string>; stored: Set<string> } | undefined;
  const first = app;
  const restarted = first.exited.then(async (code) => {
    // Snapshot as the old process is gone: what was stored, what was acknowledged.
    await new Promise((r) => setTimeout(r, 300));
    const stored = await Response.collection.find({ surveyId: survey._id }, { projection: { idempotencyKey: 1 } }).toArray();
    stoppedAt = { acked: new Set(report.acked.keys()), stored: new Set(stored.map((d) => String(d.idempotencyKey))) };
    expect(code).toBe(0);
    app = await startApp(uri);
  });
  const report = newReport();
  await loadWithFault(
    survey,
    keys,
    () => app.port,
    () => first.child.kill('SIGTERM'),
    report,
  );
  await restarted;
  expect(first.output()).toContain('SIGTERM: shutting down, draining');
  expect(first.output()).not.toContain('shutdown timeout');
  // Every response stored by the stopped process reached its client before the process ended.
  const cut = [...stoppedAt!.stored].filter((k) => !stoppedAt!.acked.has(k));
  expect(cut).toEqual([]);
  expect(await stop(app)).toBe(0);
  const a = await audit(survey, keys, report);
  expect(a).toEqual({ sent: KEYS, acknowledged: KEYS, stored: KEYS, lost: 0, duplicates: 0, counted: KEYS, countersOk: true });
  expect(report.outcomes.get('500')).toBeUndefined();
  expect(report.retryAfterMissing).toBe(0);
});

test("app killed (SIGKILL) during load, restarted, clients retry: nothing lost or doubled; the dead process's uncounted responses are counted by the new one", async () => {
  const survey = await makeSurvey();
  const keys = keysFor('kill');
  let app = await startApp(uri);
  const first = app;
  const restarted = first.exited.then(async () => {
    app = await startApp(uri); // the killed process's pid is gone: the one-instance check lets this start
  });
  const report = await loadWithFault(
    survey,
    keys,
    () => app.port,
    () => first.child.kill('SIGKILL'),
  );
  await restarted;
  // The new process resolves the dead one's outbox entries once its heartbeat is stale (COUNTER_RECOVERY_MS = 3 s).
  expect(await waitFor(async () => (await verifyStats(survey._id)).ok, 90_000)).toBe(true);
  expect(await stop(app)).toBe(0);
  const a = await audit(survey, keys, report);
  expect(a).toEqual({ sent: KEYS, acknowledged: KEYS, stored: KEYS, lost: 0, duplicates: 0, counted: KEYS, countersOk: true });
  expect(report.outcomes.get('500')).toBeUndefined();
});

test('database killed (SIGKILL) during load and restarted by its supervisor: 503 with Retry-After meanwhile, then every retry stored once; counters exact once counting settles, with no repair', async () => {
  const survey = await makeSurvey();
  const keys = keysFor('dbkl');
  const app = await startApp(uri);
  const report = await loadWithFault(
    survey,
    keys,
    () => app.port,
    () => process.kill(db.pid()!, 'SIGKILL'),
    newReport(),
    120_000,
  );
  // Counting settles (the outbox empties: batches of a fenced-off writer are resolved after
  // COUNTER_RECOVERY_MS) and is then exact at once: nothing waits for the reconcile to repair it.
  expect(await waitFor(async () => (await CountingOutbox.estimatedDocumentCount()) === 0, 90_000)).toBe(true);
  expect(await stop(app)).toBe(0);
  expect((await verifyStats(survey._id)).differences).toEqual([]);
  await expectAllStoredOnce(survey, keys, report, app);
  expect(report.outcomes.get('500')).toBeUndefined();
  expect(report.retryAfterMissing).toBe(0);
});

/** GET /readyz of an app: its status code. */
function readyz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

/**
 * Uses up the room SQLite still has inside its files once the disk is full: its WAL file keeps
 * the size it once grew to and is written again from its start after a checkpoint, so a full
 * disk alone refused nothing while the WAL had room for the rest of the load (seen beside a CPU
 * hog, where the earlier tests' WAL grew larger). Small documents, committed one by one until the
 * first is refused, so the room they take stays taken (a failed large write would leave its
 * space to the next writer). Dropped once the disk has room again.
 */
async function exhaustDatabaseRoom(): Promise<number> {
  const ballast = mongoose.connection.db!.collection<{ _id: number; pad: string }>(BALLAST);
  const pad = 'x'.repeat(32 * 1024);
  for (let i = 0; i < 20_000; i++) {
    try {
      await ballast.insertOne({ _id: i, pad });
    } catch {
      return i;
    }
  }
  throw new Error('the database took 640 MB on a full disk');
}

/** Fills the file system holding `dir` with one file until it is full. Returns the file. */
function fillDisk(dir: string): string {
  const file = path.join(dir, FILLER);
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(1 << 20, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

test('full disk during load: readiness turns 503 (write probe) and submissions get 503 with Retry-After; once space is freed, without a restart, every retry is stored once; counters exact', async () => {
  if (!tmpfs) {
    process.stdout.write(`full-disk test not run: ${noTmpfs}\n`);
    return;
  }
  const survey = await makeSurvey();
  const keys = keysFor('full');
  const app = await startApp(uri);
  let filler: string | undefined;
  let ballast: Promise<number> | undefined;
  const states: number[] = [];
  const report = newReport();
  const freed = (async () => {
    // Wait for the fault, for readiness to see it and for submissions to be refused; then free the space.
    expect(await waitFor(async () => filler !== undefined, 120_000, 50)).toBe(true);
    expect(await waitFor(async () => (await readyz(app.port)) === 503, 30_000)).toBe(true);
    states.push(503);
    // On failure the load's outcomes so far say whether the inserts went on on the full disk.
    const refused = await waitFor(async () => (report.outcomes.get('503') ?? 0) >= 5, 90_000);
    if (!refused)
      process.stdout.write(`full disk: not refused; acknowledged ${report.acked.size}, outcomes ${JSON.stringify(Object.fromEntries(report.outcomes))}\n`);
    expect(refused).toBe(true);
    process.stdout.write(`full disk: ${await ballast} ballast documents of 32 KB fitted after the disk was full\n`);
    fs.rmSync(filler!);
    expect(await waitFor(async () => (await readyz(app.port)) === 200, 30_000)).toBe(true);
    states.push(200);
  })();
  await loadWithFault(
    survey,
    keys,
    () => app.port,
    () => {
      filler = fillDisk(dataDir);
      ballast = exhaustDatabaseRoom();
    },
    report,
    150_000,
  );
  await freed;
  await mongoose.connection.db!.dropCollection(BALLAST);
  expect(states).toEqual([503, 200]);
  expect(await waitFor(async () => (await CountingOutbox.estimatedDocumentCount()) === 0, 90_000)).toBe(true);
  expect(await stop(app)).toBe(0);
  await expectAllStoredOnce(survey, keys, report, app);
  expect(report.retryAfterMissing).toBe(0);
});

/** Makes the database's tmpfs read-only: the server is killed (its files must be closed to remount) until the remount wins over its supervisor's restart. */
async function remountReadOnly(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pid = db.pid();
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await waitFor(
        async () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        10_000,
        20,
      );
    }
    if (spawnSync('mount', ['-o', 'remount,ro', dir]).status === 0) return;
  }
  throw new Error(`could not remount ${dir} read-only`);
}

test('read-only data directory during load (the database crashes and comes back on read-only files): 503 with Retry-After; once writable, its supervisor restarts it and every retry is stored once, without an app restart', async () => {
  if (!tmpfs) {
    process.stdout.write(`read-only test not run: ${noTmpfs}\n`);
    return;
  }
  const survey = await makeSurvey();
  const keys = keysFor('rdon');
  const app = await startApp(uri);
  const report = newReport();
  let readOnly: Promise<void> | undefined;
  let logMark = 0;
  const states: number[] = [];
  const writable = (async () => {
    expect(await waitFor(async () => readOnly !== undefined, 120_000, 50)).toBe(true);
    await readOnly;
    expect(await waitFor(async () => (await readyz(app.port)) === 503, 30_000)).toBe(true);
    states.push(503);
    expect(await waitFor(async () => (report.outcomes.get('503') ?? 0) >= 5, 30_000)).toBe(true);
    // The supervisor started the server again on the read-only files (it opens them read-only).
    expect(await waitFor(async () => dbLog.slice(logMark).some((l) => /is back/.test(l)), 60_000)).toBe(true);
    expect(await waitFor(async () => (await readyz(app.port)) === 503, 30_000)).toBe(true);
    expect(spawnSync('mount', ['-o', 'remount,rw', tmpfs!]).status).toBe(0);
    expect(await waitFor(async () => (await readyz(app.port)) === 200, 60_000)).toBe(true);
    states.push(200);
  })();
  await loadWithFault(
    survey,
    keys,
    () => app.port,
    () => {
      logMark = dbLog.length;
      readOnly = remountReadOnly(tmpfs!);
    },
    report,
    150_000,
  );
  await writable;
  expect(states).toEqual([503, 200]);
  expect(dbLog.slice(logMark).filter((l) => /writable/.test(l)).length).toBe(2); // not writable; writable again: restarted
  expect(await waitFor(async () => (await CountingOutbox.estimatedDocumentCount()) === 0, 90_000)).toBe(true);
  expect(await stop(app)).toBe(0);
  await expectAllStoredOnce(survey, keys, report, app);
  expect(report.retryAfterMissing).toBe(0);
});

test('a second app instance on the same FerretDB database is refused with a clear message', async () => {
  const app = await startApp(uri);
  try {
    const engine = (await mongoose.connection.db!.admin().command({ buildInfo: 1 })) as Record<string, unknown>;
    if (!('ferretdbVersion' in engine)) {
      // On MongoDB several instances are supported: the second one starts.
      const second = await startApp(uri);
      expect(await stop(second)).toBe(0);
      return;
    }
    await expect(startApp(uri)).rejects.toThrow(/another SKM instance \(pid \d+ on .*\) is using database "skm_faults"/);
  } finally {
    expect(await stop(app)).toBe(0);
  }
  // Stopped cleanly: a new instance may start at once.
  const next = await startApp(uri);
  expect(await stop(next)).toBe(0);
  expect(await Survey.estimatedDocumentCount()).toBeGreaterThan(0);
});
