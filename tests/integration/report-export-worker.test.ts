/**
 * The raw-answer exports (CSV, XLSX) are written on the renderer's worker thread
 * (report.export.ts → report.render.ts exportOnWorker): while a large one is written the main
 * thread keeps answering requests; the rows are read only as fast as the output takes them
 * (backpressure); a worker that dies or a writer that fails ends the export cleanly (an error
 * page before any byte, a failed background job with its retry); and on SIGTERM the process's
 * running background exports are shown failed at once, without waiting for the heartbeat to
 * go stale. Asserted on ordering and on the stored state, never on time.
 */
import http from 'node:http';
import type { Types } from 'mongoose';
import { Writable, PassThrough } from 'node:stream';
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp, testConfig } from '../support/app';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { createUser, csrfFrom, loginAs, TEST_PASSWORD } from '../support/auth';
import { csvRows, readXlsx } from '../support/files';
import { killAll, startApp } from '../support/faults';
import { makeSurvey, makeUnit, storeAll } from './dashboard-fixtures';
import { Response } from '../../models/response';
import { ExportJob } from '../../models/export-job';
import { buildSurveyReport, type ReportContext } from '../../server/features/reports/report.service';
import { writeCsv, writeXlsx } from '../../server/features/reports/report.export';
import { stopRenderer } from '../../server/features/reports/report.render';
import { createExportJob, jobSettled, jobState, stopExportJobs } from '../../server/features/reports/export-job.service';
import type { CurrentUser } from '../../server/access';

const { dbName } = useTestDatabase();
jest.setTimeout(240_000);
afterAll(async () => {
  killAll();
  await stopRenderer();
});

const ROWS = 2_000;
const app = testApp();
let ctx: ReportContext;
let surveyId: string;
let unitId: Types.ObjectId;

beforeAll(async () => {
  const unit = await makeUnit('Balai Ekspor Besar');
  unitId = unit._id;
  const survey = await makeSurvey(unit);
  surveyId = String(survey._id);
  await storeAll(
    survey,
    Array.from({ length: ROWS }, (_, i) => ({
      month: 1 + (i % 12),
      scores: survey.elements.map((_, j) => 1 + ((i + j) % 4)),
      profile: { gender: i % 2 ? 'l' : 'p' },
    })),
  );
  ctx = await buildSurveyReport(survey, {}, 'id', new Date(Date.UTC(survey.period.year + 1, 0, 1)));
}, 240_000);

/** A sink that holds every write until released (a client that stops reading). */
function heldSink() {
  const chunks: Buffer[] = [];
  let held: (() => void) | null = null;
  let holding = true;
  let firstWrite: () => void = () => undefined;
  const wrote = new Promise<void>((r) => (firstWrite = r));
  const out = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _e, cb) {
      chunks.push(chunk);
      firstWrite();
      if (holding) held = cb;
      else cb();
    },
  });
  return {
    out,
    wrote,
    bytes: () => Buffer.concat(chunks),
    release() {
      holding = false;
      const cb = held;
      held = null;
      cb?.();
    },
  };
}

test(`while a CSV of ${ROWS} responses is written to a client that stops reading, requests are answered and the rows stop short of the total; released, every row arrives`, async () => {
  const sink = heldSink();
  let rowsWritten = 0;
  let ended = false;
  const exporting = writeCsv(ctx, sink.out, { progress: (n) => (rowsWritten = n) }).then((n) => {
    ended = true;
    return n;
  });
  await sink.wrote;
  // Several requests while the client holds: each answered, the export waiting for the client.
  for (let i = 0; i < 5; i++) expect((await request(app).get('/healthz')).status).toBe(200);
  expect((await request(app).get('/admin/login')).status).toBe(200);
  expect(ended).toBe(false);
  expect(rowsWritten).toBeLessThan(ROWS);

  sink.release();
  expect(await exporting).toBe(ROWS);
  const bytes = sink.bytes();
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const rows = csvRows(bytes);
  expect(rows).toHaveLength(ROWS + 1);
  expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(ROWS);
});

test(`while an XLSX of ${ROWS} responses is written, GET /healthz sent after it started is answered before it ends; the workbook holds every row`, async () => {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  let ended = false;
  let started: () => void = () => undefined;
  const firstRows = new Promise<void>((r) => (started = r));
  const exporting = writeXlsx(ctx, out, { progress: () => started() }).then((w) => {
    ended = true;
    return w;
  });
  await firstRows;
  const probe = await request(app).get('/healthz');
  const answeredDuringExport = !ended;
  const written = await exporting;

  expect(probe.status).toBe(200);
  expect(answeredDuringExport).toBe(true);
  expect(written).toEqual({ rawRows: ROWS, rawSheets: ['Jawaban'] });
  const wb = await readXlsx(Buffer.concat(chunks));
  expect(wb.getWorksheet('Jawaban')!.rowCount).toBe(ROWS + 1);
});

test('a worker that dies during an export fails it; the next export gets a new worker', async () => {
  const sink = heldSink();
  const exporting = writeCsv(ctx, sink.out);
  await sink.wrote;
  await stopRenderer();
  await expect(exporting).rejects.toThrow(/report renderer stopped/);

  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  expect(await writeCsv(ctx, out)).toBe(ROWS);
  expect(csvRows(Buffer.concat(chunks))).toHaveLength(ROWS + 1);
});

test('a file that cannot be made: the download answers 503 with a clear message (Bahasa Indonesia, English), nothing half-written; a background job shows failed with its retry', async () => {
  const unit = await makeUnit('Balai Rusak');
  const survey = await makeSurvey(unit);
  await storeAll(survey, [{ scores: survey.elements.map(() => 4) }, { scores: survey.elements.map(() => 3) }]);
  // A stored document the writer cannot read (answers not a list): the writer fails on the worker.
  await Response.collection.updateOne({ surveyId: survey._id }, { $set: { answers: 5 } });
  const user = await createUser('unit-manager', unit._id);
  const manager = await loginAs(app, user.email);

  const id = await manager.agent.get(`/admin/surveys/${survey._id}/report.csv?lang=id`);
  expect(id.status).toBe(503);
  expect(id.headers['content-disposition']).toBeUndefined();
  expect(id.headers['content-type']).toMatch(/text\/html/);
  expect(id.text).toContain('Berkas laporan tidak dapat dibuat saat ini');
  const en = await manager.agent.get(`/admin/surveys/${survey._id}/report.csv?lang=en`);
  expect(en.status).toBe(503);
  expect(en.text).toContain('The report file could not be made just now');

  const jobs = createApp({ config: testConfig({ REPORT_BACKGROUND_ROWS: '1' }), logger: createLogger('silent') });
  const jobManager = await loginAs(jobs, user.email);
  const page = await jobManager.agent.get(`/admin/surveys/${survey._id}/report.xlsx?lang=id`);
  const started = await jobManager.agent
    .post(`/admin/surveys/${survey._id}/report-jobs`)
    .type('form')
    .send({ format: 'xlsx', lang: 'id', _csrf: csrfFrom(page.text) });
  expect(started.status).toBe(303);
  const jobId = /\/admin\/report-jobs\/([\w-]+)$/.exec(started.headers.location ?? '')![1]!;
  await jobSettled(jobId);
  const jobPage = await jobManager.agent.get(`/admin/report-jobs/${jobId}`);
  expect(jobPage.text).toContain('data-state="failed"');
  expect(jobPage.text).toContain(`action="/admin/report-jobs/${jobId}/retry"`);
});

test('stopExportJobs (the drain): a running background export is written failed at once by its own run, its page offers the retry without the clock moving', async () => {
  const user = await createUser('unit-manager', unitId);
  const current: CurrentUser = { id: String(user._id), email: user.email, name: 'Pengelola', role: 'unit-manager', unitId, mustChangePassword: false };
  const now = new Date(Date.UTC(2030, 0, 1));
  const clock = () => now;
  const id = await createExportJob(current, surveyId, {}, 'id', 'csv', clock);
  expect(await stopExportJobs()).toBe(1);
  const job = await ExportJob.findById(id).lean();
  expect(job!.status).toBe('failed');
  expect(job!.error).toContain('shutting down');
  expect(jobState(job!, now)).toBe('failed');
  const manager = await loginAs(createApp({ config: testConfig(), logger: createLogger('silent'), now: clock }), user.email);
  const page = await manager.agent.get(`/admin/report-jobs/${id}?lang=id`);
  expect(page.text).toContain('data-state="failed"');
  expect(page.text).toContain(`action="/admin/report-jobs/${id}/retry"`);
  expect(await stopExportJobs()).toBe(0);
});

/** One request to the child app, with the session cookie kept in `jar`. */
function call(port: number, jar: string[], method: string, path: string, body?: string): Promise<{ status: number; text: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          cookie: jar.join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        for (const c of res.headers['set-cookie'] ?? []) {
          const pair = c.split(';')[0]!;
          const name = pair.split('=')[0]!;
          const at = jar.findIndex((x) => x.startsWith(`${name}=`));
          if (at >= 0) jar[at] = pair;
          else jar.push(pair);
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, location: res.headers.location }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('SIGTERM to the real process while a background export runs: the drain writes it failed before the process exits (retry offered at once), exit 0', async () => {
  const user = await createUser('unit-manager', unitId);
  const child = await startApp(`${process.env.SKM_TEST_MONGODB_URI}${dbName}`, { REPORT_BACKGROUND_ROWS: '1', SINGLE_INSTANCE: 'off' });
  const jar: string[] = [];
  const login = await call(child.port, jar, 'GET', '/admin/login');
  const loggedIn = await call(
    child.port,
    jar,
    'POST',
    '/admin/login',
    new URLSearchParams({ email: user.email, password: TEST_PASSWORD, _csrf: csrfFrom(login.text) }).toString(),
  );
  expect(loggedIn.status).toBe(303);
  const offer = await call(child.port, jar, 'GET', `/admin/surveys/${surveyId}/report.csv`);
  expect(offer.status).toBe(200);
  const started = await call(
    child.port,
    jar,
    'POST',
    `/admin/surveys/${surveyId}/report-jobs`,
    new URLSearchParams({ format: 'csv', lang: 'id', from: '', to: '', _csrf: csrfFrom(offer.text) }).toString(),
  );
  expect(started.status).toBe(303);
  const jobId = /\/admin\/report-jobs\/([\w-]+)$/.exec(started.location ?? '')![1]!;
  expect((await ExportJob.findById(jobId).lean())!.status).toBe('running');

  child.child.kill('SIGTERM');
  expect(await child.exited).toBe(0);
  expect(child.output()).toContain('1 background export(s) stopped');
  const job = await ExportJob.findById(jobId).lean();
  expect(job!.status).toBe('failed');
  expect(jobState(job!, new Date(job!.heartbeatAt))).toBe('failed');
  expect(job!.done).toBeLessThan(ROWS);
});
