/**
 * Large exports prepared in the background (export-job.service.ts), on the real embedded
 * database through the app: past the threshold the download page offers a job, a POST starts it,
 * its page shows the progress and refreshes itself, then links the file, which equals the direct
 * export. Only the requester sees it; a job whose process died is shown failed and can be tried
 * again; a day later the sweep removes jobs and chunks in small batches. The clock is moved, never
 * waited for.
 */
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { useTestDatabase } from '../support/db';
import { testApp, testConfig } from '../support/app';
import { createUser, csrfFrom, loginAs, type LoggedInAgent } from '../support/auth';
import { binary, readXlsx } from '../support/files';
import { makeSurvey, makeUnit, storeResponse } from './dashboard-fixtures';
import { ExportChunk, ExportJob } from '../../models/export-job';
import { JOB_TTL_MS, STALE_MS, jobSettled, sweepExportJobs } from '../../server/features/reports/export-job.service';

useTestDatabase();
jest.setTimeout(120_000);

let now = new Date(Date.UTC(2023, 5, 10, 3));
const clock = () => now;
const ROWS = 5;
/** Background past 3 rows; the direct app streams everything (the default threshold). */
/** Chunks of 256 bytes: every file here is stored in several. */
const app: Express = createApp({ config: testConfig({ REPORT_BACKGROUND_ROWS: '3' }), logger: createLogger('silent'), now: clock, exportChunkBytes: 256 });
const direct = testApp();

async function surveyWithAnswers(name: string) {
  const unit = await makeUnit(name);
  const survey = await makeSurvey(unit);
  for (let i = 0; i < ROWS; i++)
    await storeResponse(survey, { month: 1 + (i % 3), scores: [4, 3, 4, 3, 4, 3, 4, 3, (i % 4) + 1], profile: { gender: i % 2 ? 'l' : 'p' } });
  return { unit, survey };
}

const download = (agent: LoggedInAgent['agent'], url: string) =>
  agent
    .get(url)
    .buffer(true)
    .parse(binary as never);

/** Starts a job as the download page's form does; returns its id. */
async function startJob(user: LoggedInAgent, surveyId: string, format: 'csv' | 'xlsx', query = ''): Promise<string> {
  const offer = await user.agent.get(`/admin/surveys/${surveyId}/report.${format}${query}`);
  expect(offer.status).toBe(200);
  const fields = Object.fromEntries([...offer.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
  const res = await user.agent
    .post(`/admin/surveys/${surveyId}/report-jobs`)
    .type('form')
    .send({ ...fields, _csrf: csrfFrom(offer.text) });
  expect(res.status).toBe(303);
  const id = /^\/admin\/report-jobs\/([\w-]+)$/.exec(res.headers.location ?? '')?.[1];
  expect(id).toBeDefined();
  return id!;
}

test('past the threshold: the CSV and XLSX downloads offer a background job; its page links the file, which equals the direct export', async () => {
  const { unit, survey } = await surveyWithAnswers('Balai Latar');
  const email = (await createUser('unit-manager', unit._id)).email;
  const manager = await loginAs(app, email);
  const directManager = await loginAs(direct, email);

  const form = await manager.agent.get(`/admin/surveys/${survey._id}/report?lang=id`);
  expect(form.text).toContain('Ekspor lebih dari 3 baris jawaban disiapkan di latar belakang');
  const offer = await manager.agent.get(`/admin/surveys/${survey._id}/report.csv?from=&to=&lang=id`);
  expect(offer.text).toContain(`berisi ${ROWS} baris jawaban`);
  expect(offer.text).toContain(`action="/admin/surveys/${survey._id}/report-jobs"`);

  for (const format of ['csv', 'xlsx'] as const) {
    const id = await startJob(manager, String(survey._id), format, '?lang=id');
    await jobSettled(id);
    const page = await manager.agent.get(`/admin/report-jobs/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-state="done"');
    expect(page.text).toContain(`Berkas siap: ${ROWS} baris jawaban.`);
    expect(page.headers.refresh).toBeUndefined();
    expect(page.text).toContain(`href="/admin/report-jobs/${id}/download"`);

    const stored = await ExportJob.findById(id).lean();
    expect(stored!.chunks).toBeGreaterThan(1);
    const file = await download(manager.agent, `/admin/report-jobs/${id}/download`);
    expect(file.headers['content-length']).toBe(String(stored!.bytes));
    const reference = await download(directManager.agent, `/admin/surveys/${survey._id}/report.${format}?lang=id`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe(reference.headers['content-type']);
    expect(file.headers['content-disposition']).toBe(reference.headers['content-disposition']);
    if (format === 'csv') expect(file.body).toEqual(reference.body);
    else {
      // The zip's timestamps differ; every cell of every sheet is the same.
      const cells = async (b: Buffer) =>
        (await readXlsx(b)).worksheets.map((w) => {
          const rows: unknown[] = [w.name];
          w.eachRow((r) => rows.push(r.values));
          return rows;
        });
      expect(await cells(file.body as Buffer)).toEqual(await cells(reference.body as Buffer));
    }
  }
  // Below the threshold (one month: 2 rows) the file streams at once.
  const small = await download(manager.agent, `/admin/surveys/${survey._id}/report.csv?from=${survey.period.year}-01&to=${survey.period.year}-01`);
  expect(small.headers['content-type']).toBe('text/csv; charset=utf-8');
});

test('a running job shows rows done of the total and refreshes itself; one whose process died (no heartbeat for a minute) is shown failed and is prepared again on retry', async () => {
  const { unit, survey } = await surveyWithAnswers('Balai Mati');
  const user = await createUser('unit-manager', unit._id);
  const manager = await loginAs(app, user.email);
  // A job left behind by a process killed after 2 of 5 rows: running, its last heartbeat now.
  const dead = await ExportJob.create({
    surveyId: survey._id,
    userId: user._id,
    format: 'csv',
    lang: 'en',
    fileName: 'laporan-mati.csv',
    total: ROWS,
    done: 2,
    heartbeatAt: now,
    expiresAt: new Date(now.getTime() + JOB_TTL_MS),
  });

  now = new Date(now.getTime() + 10_000);
  const running = await manager.agent.get(`/admin/report-jobs/${dead._id}`);
  expect(running.text).toContain('data-state="running"');
  expect(running.text).toContain(`Sedang disiapkan: 2 dari ${ROWS} baris jawaban.`);
  expect(running.headers.refresh).toBe('3');
  expect((await manager.agent.get(`/admin/report-jobs/${dead._id}?lang=en`)).text).toContain(`Being prepared: 2 of ${ROWS} rows of answers.`);

  now = new Date(now.getTime() + STALE_MS);
  const failed = await manager.agent.get(`/admin/report-jobs/${dead._id}?lang=id`);
  expect(failed.text).toContain('data-state="failed"');
  expect(failed.text).toContain(`setelah 2 dari ${ROWS} baris jawaban`);
  expect(failed.text).toContain(`action="/admin/report-jobs/${dead._id}/retry"`);
  expect(failed.headers.refresh).toBeUndefined();
  expect((await manager.agent.get(`/admin/report-jobs/${dead._id}/download`)).status).toBe(404);

  const retry = await manager.agent
    .post(`/admin/report-jobs/${dead._id}/retry`)
    .type('form')
    .send({ _csrf: csrfFrom(failed.text) });
  expect(retry.status).toBe(303);
  const id = /\/admin\/report-jobs\/([\w-]+)$/.exec(retry.headers.location ?? '')![1]!;
  expect(id).not.toBe(dead._id);
  await jobSettled(id);
  expect((await manager.agent.get(`/admin/report-jobs/${dead._id}`)).status).toBe(404);
  const file = await download(manager.agent, `/admin/report-jobs/${id}/download`);
  expect(file.headers['content-disposition']).toContain('filename="laporan-');
  expect(file.headers['content-disposition']).toContain('-en.csv"');
  const text = (file.body as Buffer).toString('utf8');
  expect(text.split('\r\n').filter((l) => l !== '')).toHaveLength(ROWS + 1);
});

test('only the requester sees a job: another unit’s user 403, another user of the same unit 404, an unknown job 404', async () => {
  const { unit, survey } = await surveyWithAnswers('Balai Milik');
  const owner = await loginAs(app, (await createUser('unit-manager', unit._id)).email);
  const colleague = await loginAs(app, (await createUser('viewer', unit._id)).email);
  const stranger = await loginAs(app, (await createUser('unit-manager', (await makeUnit('Balai Lain'))._id)).email);
  const id = await startJob(owner, String(survey._id), 'csv');
  await jobSettled(id);

  for (const path of [`/admin/report-jobs/${id}`, `/admin/report-jobs/${id}/download`]) {
    expect((await owner.agent.get(path)).status).toBe(200);
    expect((await colleague.agent.get(path)).status).toBe(404);
    expect((await stranger.agent.get(path)).status).toBe(403);
  }
  const page = await stranger.agent.get('/admin/account');
  expect(
    (
      await stranger.agent
        .post(`/admin/report-jobs/${id}/retry`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text) })
    ).status,
  ).toBe(403);
  expect(
    (
      await stranger.agent
        .post(`/admin/surveys/${survey._id}/report-jobs`)
        .type('form')
        .send({ format: 'csv', _csrf: csrfFrom(page.text) })
    ).status,
  ).toBe(403);
  expect((await owner.agent.get('/admin/report-jobs/no-such-job')).status).toBe(404);
});

test('a day after it was asked for, a job is gone: its page 404 at once, and the sweep deletes it with its chunks, 20 jobs per call', async () => {
  const { unit, survey } = await surveyWithAnswers('Balai Kedaluwarsa');
  const user = await createUser('unit-manager', unit._id);
  const id = await startJob(await loginAs(app, user.email), String(survey._id), 'xlsx');
  await jobSettled(id);
  const job = await ExportJob.findById(id).lean();
  expect(job!.chunks).toBeGreaterThan(0);
  expect(await ExportChunk.findById(`${id}:0`).lean()).not.toBeNull();
  // 24 more left behind by others: 25 expired in all.
  await ExportJob.insertMany(
    Array.from({ length: 24 }, (_, i) => ({
      surveyId: survey._id,
      userId: user._id,
      format: 'csv',
      lang: 'id',
      fileName: `x${i}.csv`,
      status: 'done',
      heartbeatAt: now,
      expiresAt: new Date(now.getTime() + JOB_TTL_MS),
    })),
  );

  expect(await sweepExportJobs(now)).toBe(0);
  now = new Date(now.getTime() + JOB_TTL_MS + 1000);
  const manager = await loginAs(app, user.email);
  expect((await manager.agent.get(`/admin/report-jobs/${id}`)).status).toBe(404);

  // Every job of this file is a day old now: 25 of this test's and the earlier tests' few.
  const expired = await ExportJob.countDocuments();
  expect(expired).toBeGreaterThanOrEqual(25);
  expect(expired).toBeLessThanOrEqual(40);
  const first = await sweepExportJobs(now);
  const second = await sweepExportJobs(now);
  expect([first, second]).toEqual([20, expired - 20]);
  expect(await ExportJob.countDocuments()).toBe(0);
  expect(await ExportJob.countDocuments({ surveyId: survey._id })).toBe(0);
  expect(await ExportChunk.findById(`${id}:0`).lean()).toBeNull();
});
