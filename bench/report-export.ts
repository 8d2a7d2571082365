/**
 * Report export benchmark (issue 9): the CSV and XLSX exports of one survey's raw answers
 * against a plain cursor scan of the same responses (the baseline, measured in the same run),
 * with the process's peak RSS in each phase and the event loop's longest stall while exporting
 * (how long another request — e.g. a form submission — could be kept waiting). The PDF and DOCX
 * read only the counters; each is rendered on the main thread (as before report.render.ts) and
 * on the renderer's worker thread (as the app does), to compare the form submissions beside them.
 * The database server's RSS (the embedded engine's process) is sampled beside the app's.
 *
 * During every phase a form submission is POSTed to the real app (createApp on loopback) every
 * 250 ms, and its latency is recorded: "a form submission made during an export is answered as
 * usual" is measured against the same submissions made while nothing else runs.
 *
 * Runs on a database of its own (bench/harness.ts), inserts the responses in bulk and feeds the
 * counters through the live code path.
 * Prints RATIOS, not pass/fail (the table; `--out FILE` also writes it there); the figures are
 * recorded in bench/README-report.md by hand.
 *
 * `--phases scan,csv,xlsx` measures only those, in that order (after the idle baseline); the phases are
 * scan, csv-main, csv, xlsx-main, xlsx, pdf, docx. `*-main` writes the file on the main thread
 * (as before the renderer's worker wrote the raw exports), beside the worker's for a before/after.
 *
 *   npm run bench:report                          # 50,000 responses
 *   node dist/bench/report-export.js --size 100000
 *   BENCH_DATA_DIR=/var/tmp/skm-1m node dist/bench/report-export.js --size 1000000 --seed-only   # seed once, keep
 *   BENCH_DATA_DIR=/var/tmp/skm-1m node dist/bench/report-export.js --size 1000000               # measure on it
 *   … --phases xlsx,scan     # only these phases, in this order (default scan,csv-main,csv,xlsx-main,xlsx,pdf,docx)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { Writable } from 'node:stream';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { Survey, type SurveyDoc } from '../models/survey';
import { elementsFromTemplate, responseCounts } from '../server/results';
import { buildSurveyReport } from '../server/features/reports/report.service';
import { Response } from '../models/response';
import { writeCsv, writeXlsx } from '../server/features/reports/report.export';
import * as mainThread from '../server/features/reports/report.pdf';
import * as mainThreadDocx from '../server/features/reports/report.docx';
import { renderDocx, renderPdf } from '../server/features/reports/report.render';
import { prng } from '../server/lib/prng';
import { benchResponse, benchSurvey, runBench, storeBenchResponses, withBenchDatabase } from './harness';

import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import type { SurveyFormDeps } from '../server/features/survey-form/survey-form.routes';
import { newIdempotencyKey, signStartToken } from '../server/features/survey-form/form-token';

const SECRET = crypto.randomBytes(32).toString('hex');

/** A form submission to the running app; resolves with its status and latency. */
function submit(port: number, slug: string, elements: readonly string[], i: number): Promise<{ status: number; ms: number }> {
  const key = newIdempotencyKey();
  const fields: Record<string, string> = { _key: key, _t: signStartToken(SECRET, slug, key, Date.now() - 60_000), service: 'konsultasi' };
  elements.forEach((k, j) => (fields[`a_${k}`] = String(((i + j) % 4) + 1)));
  const body = new URLSearchParams(fields).toString();
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/s/${slug}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Submits a form every `everyMs` until stopped; the latencies of the accepted ones (303). */
function submissions(port: number, slug: string, elements: readonly string[], everyMs = 250) {
  const latencies: number[] = [];
  let failed = 0;
  let stopped = false;
  let i = 0;
  const loop = (async () => {
    while (!stopped) {
      const r = await submit(port, slug, elements, i++);
      if (r.status === 303) latencies.push(r.ms);
      else failed++;
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
      return { n: sorted.length, failed, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
    },
  };
}

/** The phases a run can measure (`--phases a,b,…`; the idle baseline is always measured first). */
const PHASES = ['scan', 'csv-main', 'csv', 'xlsx-main', 'xlsx', 'pdf', 'docx'] as const;
type PhaseName = (typeof PHASES)[number];

function parseArgs(argv: string[]): { size: number; out: string | null; seedOnly: boolean; phases: Set<PhaseName> } {
  const args = { size: 50_000, out: null as string | null, seedOnly: false, phases: new Set<PhaseName>(PHASES) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--size') args.size = Number(argv[++i]);
    else if (argv[i] === '--seed-only')
      args.seedOnly = true; // with BENCH_DATA_DIR: seed now, measure in a later run
    else if (argv[i] === '--out') args.out = argv[++i]!;
    else if (argv[i] === '--phases') {
      const names = argv[++i]!.split(',').map((x) => x.trim());
      const unknown = names.filter((x) => !(PHASES as readonly string[]).includes(x));
      if (unknown.length) throw new Error(`unknown phase(s) ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);
      args.phases = new Set(names as PhaseName[]);
    }
  }
  return args;
}

/** A sink that counts bytes and yields to the event loop now and then, like a socket would. */
function sink(): Writable & { bytes: number } {
  const w = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _enc, cb) {
      w.bytes += chunk.length;
      setImmediate(cb);
    },
  }) as Writable & { bytes: number };
  w.bytes = 0;
  return w;
}

interface Phase {
  name: string;
  ms: number;
  peakRssMb: number;
  maxStallMs: number;
  bytes?: number;
  form: { n: number; failed: number; median: number; p95: number; max: number };
  /** The database server's peak RSS during the phase (embedded engine only). */
  dbPeakRssMb?: number;
  /** How busy the main thread's event loop was during the phase (0–1; worker threads not included). */
  mainBusy: number;
  /** The machine's 1-minute load average at the end of the phase. */
  load: number;
}

/** A process's resident set size in bytes, from /proc (Linux); 0 when unknown. */
function rssOf(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The database server's process id, when the benchmark runs on an embedded one. */
let dbPid: () => number | undefined = () => undefined;

/** The app and a survey open for answers, so phases can be measured with submissions beside them. */
let formTarget: { port: number; slug: string; elements: string[] } | null = null;

/** Runs `fn`, sampling RSS every 20 ms and the event loop's delay. */
async function measure(name: string, fn: () => Promise<number | undefined | void>): Promise<Phase> {
  if (global.gc) global.gc();
  let peak = process.memoryUsage().rss;
  let dbPeak = rssOf(dbPid());
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    dbPeak = Math.max(dbPeak, rssOf(dbPid()));
  }, 20);
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const forms = formTarget ? submissions(formTarget.port, formTarget.slug, formTarget.elements) : null;
  const elu = performance.eventLoopUtilization();
  const t = performance.now();
  const bytes = await fn();
  const ms = performance.now() - t;
  const mainBusy = performance.eventLoopUtilization(elu).utilization;
  const form = forms ? await forms.stop() : { n: 0, failed: 0, median: NaN, p95: NaN, max: NaN };
  h.disable();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  // Each phase's figures as soon as it ends (a long run stopped early keeps them).
  process.stdout.write(
    `${name}: ${(ms / 1000).toFixed(2)} s, peak RSS ${(peak / 1048576).toFixed(0)} MB (database ${(dbPeak / 1048576).toFixed(0)} MB), main thread busy ${(mainBusy * 100).toFixed(0)} %, form posts ${form.n}, p50 ${form.median.toFixed(0)} ms, p95 ${form.p95.toFixed(0)} ms, max ${form.max.toFixed(0)} ms, load ${os.loadavg()[0]!.toFixed(1)}\n`,
  );
  return {
    name,
    ms,
    peakRssMb: peak / 1048576,
    maxStallMs: h.max / 1e6,
    form,
    mainBusy,
    load: os.loadavg()[0]!,
    ...(dbPeak > 0 ? { dbPeakRssMb: dbPeak / 1048576 } : {}),
    ...(typeof bytes === 'number' ? { bytes } : {}),
  };
}

/** Responses per insertMany while seeding. */
const SEED_BATCH = 10_000;

/** Renders of the PDF and of the DOCX per phase (more form submissions beside them). */
const RENDERS = 3;

function makeBatch(survey: SurveyDoc, rnd: () => number, n: number) {
  const keys = survey.elements.map((e) => e.key);
  return Array.from({ length: n }, () => {
    const month = 1 + Math.floor(rnd() * 12);
    return benchResponse(survey, new Types.ObjectId().toHexString(), {
      month,
      service: rnd() < 0.5 ? 'a' : 'b',
      answers: keys.flatMap((k) => (rnd() < 0.03 ? [] : [{ k, v: [1, 2, 3, 3, 3, 4, 4, 4, 4][Math.floor(rnd() * 9)]! }])),
      profile: { gender: rnd() < 0.5 ? 'l' : 'p', age: ['20-29', '30-39', '40-49', '50-59'][Math.floor(rnd() * 4)]!, education: 's1', occupation: 'pns' },
      suggestion: rnd() < 0.1 ? 'Pelayanan sudah baik, mohon antrean dipercepat.' : '',
      submittedAt: new Date(Date.UTC(2024, month - 1, 1 + Math.floor(rnd() * 28), 1 + Math.floor(rnd() * 8))),
    });
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => process.stdout.write(`${s}\n`);
  await withBenchDatabase('report', async (db) => {
    // A kept database (BENCH_DATA_DIR) seeded by an earlier run is used as it is.
    const seeded = db.kept ? await Survey.findOne({ slug: 'survei-bench' }).lean() : null;
    const survey =
      seeded ??
      (await benchSurvey(
        [
          { key: 'a', name: { id: 'A', en: 'A' } },
          { key: 'b', name: { id: 'B', en: 'B' } },
        ],
        { year: 2024, template: 'permenpanrb-14-2017', population: 100_000, indicator: { code: 'IKU 1', name: 'Indeks kepuasan', target: 85 } },
      ));
    const have = seeded ? ((await responseCounts([survey._id])).get(String(survey._id)) ?? 0) : 0;
    if (have > args.size) throw new Error(`BENCH_DATA_DIR holds ${have} responses, more than --size ${args.size}: use another directory`);
    if (seeded) log(`reusing ${have.toLocaleString('en')} responses seeded earlier in ${process.env.BENCH_DATA_DIR}; seeding the rest`);
    const rnd = prng(42);
    const t0 = performance.now();
    // Pipeline-shaped documents (toResponseDocument) in bulk, counted in memory per batch through
    // the live counter code (one counters write per batch, no recount).
    for (let done = have; done < args.size; done += SEED_BATCH) {
      const batch = makeBatch(survey, rnd, Math.min(SEED_BATCH, args.size - done));
      await storeBenchResponses(survey, batch);
      if ((done / SEED_BATCH) % 10 === 9) log(`  ${(done + batch.length).toLocaleString('en')} stored, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    log(`inserted ${args.size - have} responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (args.seedOnly) return;
    dbPid = () => db.embedded?.pid();
    // The app, and a survey of the current year taking answers, for the submissions beside each phase.
    const formSurvey =
      (await Survey.findOne({ slug: 'formulir' })) ??
      (await Survey.create({
        unitId: survey.unitId,
        unitPath: survey.unitPath,
        title: 'Formulir',
        slug: 'formulir',
        period: { year: new Date(Date.now() + 7 * 3600_000).getUTCFullYear() },
        template: 'stakeholder',
        elements: elementsFromTemplate('stakeholder'),
        services: [{ key: 'konsultasi', name: { id: 'Konsultasi', en: 'Consultation' } }],
        status: 'open',
      }));
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SESSION_SECRET: SECRET, SEED_DEMO: 'false' });
    // One client address posting for minutes: the per-address limit is lifted (still counted).
    const deps: SurveyFormDeps = { config, logger: createLogger('silent'), surveyForm: { rateLimit: { limit: 1_000_000_000, windowMs: 10 * 60_000 } } };
    const server = http.createServer(createApp(deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    formTarget = { port: (server.address() as { port: number }).port, slug: formSurvey.slug, elements: formSurvey.elements.map((e) => e.key) };
    await submit(formTarget.port, formTarget.slug, formTarget.elements, 0); // warm-up
    const idle = await measure('form submissions alone (baseline)', () => new Promise((r) => setTimeout(r, 10_000)));
    const rssBefore = process.memoryUsage().rss / 1048576;

    const tb = performance.now();
    const ctx = await buildSurveyReport(survey, {}, 'id', new Date());
    log(`report model (counters, channels, trend): ${((performance.now() - tb) / 1000).toFixed(2)} s`);
    const measured: Phase[] = [idle];
    let scan: Phase | undefined;
    // The CSV and XLSX written on the main thread (as before the worker: the same writers, rows
    // decoded by the driver, a turn of the event loop every 250 rows) and on the worker thread.
    const exported = (write: (out: Writable) => Promise<unknown>) => async () => {
      const out = sink();
      await write(out);
      return out.bytes;
    };
    // PDF and DOCX read only the counters. Each is rendered RENDERS times, on the main thread (as
    // before report.render.ts) and on the renderer's worker thread (as the app does now), with the
    // same form submissions beside them.
    const times = (render: () => Promise<Buffer>) => async () => {
      let bytes = 0;
      for (let i = 0; i < RENDERS; i++) bytes = (await render()).length;
      return bytes;
    };
    // pdfmake and docx write into the definitions they are given: the main-thread renders get copies.
    const copy = () => JSON.parse(JSON.stringify(ctx.report)) as typeof ctx.report;
    const runs: Record<PhaseName, [string, () => Promise<number | undefined | void>][]> = {
      // The baseline: the driver's cursor over the same responses, same projection, nothing else.
      scan: [
        [
          'plain cursor scan (baseline)',
          async () => {
            let n = 0;
            const cursor = Response.collection
              .find(
                { surveyId: survey._id },
                { projection: { year: 1, month: 1, service: 1, source: 1, submittedAt: 1, answers: 1, profile: 1, suggestion: 1 } },
              )
              .batchSize(1000);
            for await (const r of cursor) n += Array.isArray(r.answers) ? 1 : 0;
            if (n !== args.size) throw new Error(`scan saw ${n} responses`);
          },
        ],
      ],
      'csv-main': [['CSV on the main thread (before)', exported((out) => writeCsv(ctx, out, { thread: 'main' }))]],
      csv: [['CSV on the worker thread', exported((out) => writeCsv(ctx, out))]],
      'xlsx-main': [['XLSX on the main thread (before)', exported((out) => writeXlsx(ctx, out, { thread: 'main' }))]],
      xlsx: [['XLSX on the worker thread', exported((out) => writeXlsx(ctx, out))]],
      pdf: [
        [`PDF ×${RENDERS} on the main thread (before)`, times(() => mainThread.renderPdf(copy()))],
        [`PDF ×${RENDERS} on the worker thread`, times(() => renderPdf(ctx.report))],
      ],
      docx: [
        [`DOCX ×${RENDERS} on the main thread (before)`, times(() => mainThreadDocx.renderDocx(copy()))],
        [`DOCX ×${RENDERS} on the worker thread`, times(() => renderDocx(ctx.report))],
      ],
    };
    // In the order asked for (`--phases`), so a before/after pair can be run either way round.
    for (const name of args.phases) {
      for (const [label, fn] of runs[name]) {
        const p = await measure(label, fn);
        measured.push(p);
        if (name === 'scan') scan = p;
      }
    }

    server.close();
    const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(0)} ms` : '–');
    const rows = measured.map(
      (p) =>
        `| ${p.name} | ${(p.ms / 1000).toFixed(2)} s | ${p === idle || !scan || p.ms < scan.ms / 100 ? '–' : `${(p.ms / scan.ms).toFixed(2)}×`} | ${p.peakRssMb.toFixed(0)} MB | ${p.dbPeakRssMb ? `${p.dbPeakRssMb.toFixed(0)} MB` : '–'} | ${(p.mainBusy * 100).toFixed(0)} % | ${p.maxStallMs.toFixed(0)} ms | ${p.form.n}${p.form.failed ? ` (+${p.form.failed} refused)` : ''} | ${ms(p.form.median)} | ${ms(p.form.p95)} | ${ms(p.form.max)} | ${p.load.toFixed(1)} | ${p.bytes ? `${(p.bytes / 1048576).toFixed(1)} MB` : '–'} |`,
    );
    const table = [
      `Scale: ${args.size.toLocaleString('en')} responses × 9 elements, one survey; ${os.cpus().length} CPU cores (shared), ${db.description.split(' at ')[0]}. RSS before the exports: ${rssBefore.toFixed(0)} MB. ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      '',
      '| Phase | Time | × scan | Peak RSS (app) | Peak RSS (database) | Main thread busy | Longest event-loop stall | Form posts | Post p50 | Post p95 | Post max | Load (1 min) | Output |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows,
    ].join('\n');
    log(table);
    if (args.out) {
      fs.writeFileSync(args.out, `${table}\n`);
      log(`written to ${args.out}`);
    }
  });
}

runBench(main);
