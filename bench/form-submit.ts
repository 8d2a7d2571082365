/**
 * Benchmark: accepted survey submissions per second through the real app (HTTP, validation,
 * rate limit in the database, the response pipeline: outbox + idempotent insert; counting follows) at 50 concurrent clients,
 * as a ratio to raw driver insertOne calls into the same database, same collection, same write
 * concern, same concurrency, in the same run. Also prints the form page's transferred size.
 *
 *   npm run build && node dist/bench/form-submit.js [submissions=3000] [concurrency=50]
 *
 * Runs on a database of its own (bench/harness.ts: embedded, EMBEDDED_DB=auto|mongod|ferretdb, or
 * a fresh database on MONGODB_URI, dropped afterwards).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import zlib from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import inspector from 'node:inspector/promises';
import mongoose from 'mongoose';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { COUNTING_DEFAULTS, countersIdle } from '../server/responses';
import { responseCounts, shardWriter, verifyStats } from '../server/results';
import { Response } from '../models/response';
import { RateLimit } from '../models/rate-limit';
import { newIdempotencyKey, signStartToken } from '../server/features/survey-form/form-token';
import type { SurveyFormDeps } from '../server/features/survey-form/survey-form.routes';
import { killAll, startApp } from '../tests/support/faults';
import { benchSurvey, httpRequest, percentiles, processCpuSeconds, runBench, withBenchDatabase, type BenchDatabase } from './harness';

const TOTAL = Number(process.argv[2] ?? 3000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const WARMUP = 200;
const SECRET = crypto.randomBytes(32).toString('hex');
/** BENCH_TRACE=1: per phase, the database commands sent, the insert batch sizes and the CPU seconds of this process and of the embedded engine. */
const TRACE = process.env.BENCH_TRACE === '1';
/** BENCH_APP_PROBE=<dir>: the app process writes its CPU profile and the commands it sent there (tools/app-probe.js); the commands per submission are printed. */
const PROBE_DIR = process.env.BENCH_APP_PROBE;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Run `n` jobs with `concurrency` workers; returns elapsed seconds. */
async function pool(n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs `job`, adding its latency in ms to `into`. */
async function timed(into: number[], job: () => Promise<void>): Promise<void> {
  const t = process.hrtime.bigint();
  await job();
  into.push(Number(process.hrtime.bigint() - t) / 1e6);
}

/**
 * BENCH_PROFILE=<dir>: CPU profiles of the second app round only: this process's (a .cpuprofile
 * for Chrome DevTools) and, with SKM_FERRETDB_DEBUG_ADDR, the embedded engine's (Go pprof), for
 * the same seconds.
 */
async function profileRound<T>(dir: string | undefined, seconds: number, body: () => Promise<T>): Promise<T> {
  if (!dir) return body();
  fs.mkdirSync(dir, { recursive: true });
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const debugAddr = process.env.SKM_FERRETDB_DEBUG_ADDR;
  const engine = debugAddr
    ? fetch(`http://${debugAddr}/debug/pprof/profile?seconds=${seconds}`).then(async (r) =>
        fs.writeFileSync(`${dir}/ferretdb-app-round.pprof`, Buffer.from(await r.arrayBuffer())),
      )
    : Promise.resolve();
  const stopNode = new Promise<void>((resolve) =>
    setTimeout(() => {
      void session.post('Profiler.stop').then(({ profile }) => {
        fs.writeFileSync(`${dir}/node-app-round.cpuprofile`, JSON.stringify(profile));
        session.disconnect();
        resolve();
      });
    }, seconds * 1000),
  );
  const result = await body();
  await Promise.all([engine, stopNode]);
  say(`profiles of ${seconds} s of the second app round written to ${dir}`);
  return result;
}

/** What one phase (all raw rounds, or all app rounds) cost: commands, insert sizes, CPU. */
class PhaseTrace {
  commands = new Map<string, number>();
  insertSizes: number[] = [];
  nodeCpu = 0;
  appCpu = 0;
  dbCpu = 0;
  busy = 0;
  wall = 0;
  private mark: { cpu: NodeJS.CpuUsage; app: number; db: number; elu: ReturnType<typeof performance.eventLoopUtilization>; t: number } | undefined;
  constructor(
    private readonly dbPid: number | undefined,
    private readonly appCpuSeconds: () => number,
  ) {}
  start(): void {
    this.mark = {
      cpu: process.cpuUsage(),
      app: this.appCpuSeconds(),
      db: processCpuSeconds(this.dbPid),
      elu: performance.eventLoopUtilization(),
      t: performance.now(),
    };
  }
  stop(): void {
    const m = this.mark!;
    const cpu = process.cpuUsage(m.cpu);
    this.nodeCpu += (cpu.user + cpu.system) / 1e6;
    this.appCpu += this.appCpuSeconds() - m.app;
    this.dbCpu += processCpuSeconds(this.dbPid) - m.db;
    const elu = performance.eventLoopUtilization(m.elu);
    this.busy += elu.active / 1000;
    this.wall += (performance.now() - m.t) / 1000;
    this.mark = undefined;
  }
  report(name: string, n: number): string {
    const per = [...this.commands.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / n).toFixed(3)}`);
    const sizes = this.insertSizes.length ? this.insertSizes.reduce((a, b) => a + b, 0) / this.insertSizes.length : 0;
    const ms = (seconds: number) => ((seconds / n) * 1000).toFixed(2);
    const app = Number.isNaN(this.appCpu) ? '' : `, app process ${ms(this.appCpu)} ms`;
    const lines = [
      `${name}: CPU per accepted item: this process ${ms(this.nodeCpu)} ms${app}, database ${ms(this.dbCpu)} ms; this process's event loop busy ${((100 * this.busy) / this.wall).toFixed(0)}% of ${this.wall.toFixed(1)} s`,
    ];
    if (per.length > 0) {
      lines.push(`  commands per item: ${per.join(', ')}`);
      lines.push(`  responses inserts: ${this.insertSizes.length}, mean ${sizes.toFixed(1)} documents, max ${Math.max(0, ...this.insertSizes)}`);
    }
    return lines.join('\n');
  }
}

/** The app under test: its port, its CPU seconds so far, and how to stop it. */
interface Target {
  port: number;
  /** CPU seconds of the app's process; NaN when it shares this process (BENCH_APP=inline). */
  cpuSeconds(): number;
  /** The forwarded client address a submission comes from, or none (one address for all). */
  clientAddress(i: number): string | undefined;
  stop(): Promise<void>;
}

/**
 * By default the app runs as in production: `node dist/server/main.js`, a process of its own on
 * the same database, so the load client's CPU (HTTP client, bodies, timing) is not charged to
 * the app. Each client address sends at most 50 submissions (the per-address limit of 60 per 10
 * minutes stays in force and counted in the database). BENCH_APP=inline builds the app inside
 * this process instead (with the limit lifted for its one address), so that BENCH_TRACE sees
 * the app's database commands.
 */
async function startTarget(db: BenchDatabase): Promise<Target> {
  if (process.env.BENCH_APP === 'inline') {
    const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SESSION_SECRET: SECRET, SEED_DEMO: 'false' });
    const deps: SurveyFormDeps = {
      config,
      logger: createLogger('silent'),
      surveyForm: { rateLimit: { limit: 1_000_000_000, windowMs: 10 * 60_000 } },
    };
    shardWriter.setWriteGap(COUNTING_DEFAULTS.writeGapMs); // as startCounting does in the app (server/main.ts)
    const server = http.createServer(createApp(deps));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as { port: number }).port,
      cpuSeconds: () => NaN,
      clientAddress: () => undefined,
      stop: async () => {
        await countersIdle();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  const app = await startApp(db.embedded?.uri ?? process.env.MONGODB_URI!, {
    DB_NAME: mongoose.connection.name,
    NODE_ENV: 'production',
    SESSION_SECRET: SECRET,
    COUNTER_RECOVERY_MS: '60000',
    // BENCH_APP_PROBE=<dir>: the app process's CPU profile and database commands (tools/app-probe.js).
    ...(PROBE_DIR ? { NODE_OPTIONS: `--require ${path.resolve(__dirname, '..', '..', 'tools', 'app-probe.js')}`, APP_PROBE_DIR: PROBE_DIR } : {}),
    ...(process.env.BENCH_APP_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_APP_NODE_OPTIONS } : {}),
  });
  say(`app: node dist/server/main.js, pid ${app.child.pid} (a process of its own)`);
  return {
    port: app.port,
    cpuSeconds: () => processCpuSeconds(app.child.pid),
    clientAddress: (i) => {
      const g = Math.floor(i / 50);
      return `10.${(g >> 16) & 255}.${(g >> 8) & 255}.${g & 255}`;
    },
    stop: async () => {
      app.child.kill('SIGTERM'); // the drain writes the counting in flight
      await app.exited;
      if (PROBE_DIR) printCommands(path.join(PROBE_DIR, `commands-${app.child.pid}.json`));
    },
  };
}

/** The app's database commands per submission it was sent (warm-up included), from the probe's count. */
function printCommands(file: string): void {
  const counts = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, number>;
  const submissions = WARMUP + TOTAL;
  const hot = Object.entries(counts)
    .filter(([name, n]) => n >= submissions / 1000 && !/^(create|createIndexes|dropIndexes|hello|ismaster|buildInfo)\b/.test(name))
    .sort((a, b) => b[1] - a[1]);
  say(
    `app's database commands per submission (${submissions} sent, profile in ${path.dirname(file)}): ${hot.map(([name, n]) => `${name} ${(n / submissions).toFixed(3)}`).join(', ')}`,
  );
}

async function run(db: BenchDatabase): Promise<void> {
  say(`database: ${db.description} (write concern w:majority, j:true)`);
  const survey = await benchSurvey([{ key: 'konsultasi', name: { id: 'Konsultasi', en: 'Consultation' } }]);

  const target = await startTarget(db);
  const port = target.port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

  // ── page weight: the form's HTML and CSS as a browser receives them (gzip) ──
  const page = await httpRequest(agent, port, { method: 'GET', path: `/s/${survey.slug}`, headers: { 'accept-encoding': 'gzip' } });
  const html = zlib.gunzipSync(page.body).toString();
  let transferred = page.body.length;
  const parts = [`HTML ${(page.body.length / 1024).toFixed(1)} KB`];
  for (const href of [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'))) {
    const css = await httpRequest(agent, port, { method: 'GET', path: href, headers: { 'accept-encoding': 'gzip' } });
    transferred += css.body.length;
    parts.push(`${href.split('?')[0]} ${(css.body.length / 1024).toFixed(1)} KB`);
  }
  say(
    `form page transferred (gzip, HTML + CSS): ${(transferred / 1024).toFixed(1)} KB  [${parts.join(', ')}]  (uncompressed HTML ${(html.length / 1024).toFixed(1)} KB)`,
  );

  // ── the submissions, prepared in advance (each a fresh form, served a minute ago) ──
  const issuedAt = Date.now() - 60_000;
  const bodies = Array.from({ length: TOTAL + WARMUP }, (_, i) => {
    const key = newIdempotencyKey();
    const fields: Record<string, string> = {
      _key: key,
      _t: signStartToken(SECRET, survey.slug, key, issuedAt),
      service: 'konsultasi',
      p_gender: i % 2 ? 'l' : 'p',
      p_age: '30-39',
      p_education: 's1',
      p_occupation: 'pns',
      suggestion: i % 5 ? '' : 'Pelayanan sudah baik.',
    };
    survey.elements.forEach((e, j) => (fields[`a_${e.key}`] = String(((i + j) % 4) + 1)));
    return new URLSearchParams(fields).toString();
  });
  const rawDoc = (i: number) => ({
    surveyId: new mongoose.Types.ObjectId(),
    unitId: survey.unitId,
    year: 2026,
    semester: 2,
    quarter: 4,
    month: 11,
    service: 'konsultasi',
    answers: survey.elements.map((e, j) => ({ k: e.key, v: ((i + j) % 4) + 1 })),
    profile: { gender: 'p', age: '30-39', education: 's1', occupation: 'pns' },
    suggestion: '',
    suggestionHidden: false,
    submittedAt: new Date(),
    source: 'web',
    idempotencyKey: `raw-${i}-${newIdempotencyKey()}`,
    contentHash: crypto.randomBytes(32).toString('base64url'),
  });
  const raw = Response.collection; // the same collection and indexes, through the driver

  const dbPid = db.embedded?.pid();
  const traces = { raw: new PhaseTrace(dbPid, () => NaN), app: new PhaseTrace(dbPid, () => target.cpuSeconds()) };
  let tracing: PhaseTrace | undefined;
  if (TRACE) {
    const client = mongoose.connection.getClient();
    client.on('commandStarted', (e) => {
      if (!tracing) return;
      const cmd = e.command as Record<string, unknown>;
      const name = `${e.commandName} ${String(cmd[e.commandName])}`;
      tracing.commands.set(name, (tracing.commands.get(name) ?? 0) + 1);
      if (e.commandName === 'insert' && cmd.insert === 'responses') tracing.insertSizes.push((cmd.documents as unknown[]).length);
    });
  }
  const traced = async <T>(t: PhaseTrace, body: () => Promise<T>): Promise<T> => {
    tracing = t;
    t.start();
    try {
      return await body();
    } finally {
      t.stop();
      tracing = undefined;
    }
  };

  let accepted = 0;
  let refused = 0;
  const post = (i: number) => async () => {
    const from = target.clientAddress(i);
    const r = await httpRequest(agent, port, { method: 'POST', path: `/s/${survey.slug}`, body: bodies[i]!, headers: from ? { 'x-forwarded-for': from } : {} });
    if (r.status === 303) accepted++;
    else refused++;
  };

  // warm-up both paths
  await pool(WARMUP, CONCURRENCY, (i) => raw.insertOne(rawDoc(i)).then(() => undefined));
  await pool(WARMUP, CONCURRENCY, (i) => post(TOTAL + i)());
  accepted = 0;
  refused = 0;

  // Interleaved rounds, so a change in the machine's load (other processes) hits both paths alike.
  const ROUNDS = 3;
  const per = Math.ceil(TOTAL / ROUNDS);
  let rawSeconds = 0;
  let appSeconds = 0;
  const ratios: number[] = [];
  const rawMs: number[] = [];
  const appMs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const from = r * per;
    const n = Math.min(per, TOTAL - from);
    const before = accepted;
    const rs = await traced(traces.raw, () => pool(n, CONCURRENCY, (i) => timed(rawMs, () => raw.insertOne(rawDoc(WARMUP + from + i)).then(() => undefined))));
    const appRound = () => traced(traces.app, () => pool(n, CONCURRENCY, (i) => timed(appMs, post(from + i))));
    const as = r === 1 ? await profileRound(process.env.BENCH_PROFILE, Math.max(1, Math.floor(rs * 1.5)), appRound) : await appRound();
    rawSeconds += rs;
    appSeconds += as;
    ratios.push((accepted - before) / as / (n / rs));
  }
  const rawRate = TOTAL / rawSeconds;
  const appRate = accepted / appSeconds;

  agent.destroy();
  await target.stop(); // the app's counting and its rate-limit hits are written before it ends
  await new Promise((r) => setTimeout(r, 500)); // the rate-limit store's last sync (inline)
  const limitHits = (await RateLimit.find({}).lean()).reduce((sum, w) => sum + w.hits, 0);
  const stored = await Response.countDocuments({ surveyId: survey._id });
  const counted = (await responseCounts([survey._id])).get(String(survey._id)) ?? 0;
  const verified = await verifyStats(survey._id);
  say(`raw driver insertOne:  ${TOTAL} in ${rawSeconds.toFixed(2)} s = ${rawRate.toFixed(0)}/s (concurrency ${CONCURRENCY})`);
  say(`app POST /s/:slug:     ${accepted} accepted (${refused} refused) in ${appSeconds.toFixed(2)} s = ${appRate.toFixed(0)}/s (concurrency ${CONCURRENCY})`);
  say(
    `stored responses: ${stored}, counted responses: ${counted} (expected ${TOTAL + WARMUP} each); counters ${verified.ok ? 'equal' : 'DIFFER FROM'} a recount`,
  );
  say(`latency raw insertOne: ${percentiles(rawMs)}`);
  say(`latency app submission: ${percentiles(appMs)}`);
  say(`rate-limit hits counted in the database: ${limitHits} (every POST)`);
  say(`ratio app/raw: ${(appRate / rawRate).toFixed(2)} (target ≥ 0.90; per round ${ratios.map((x) => x.toFixed(2)).join(', ')})`);

  say(traces.raw.report('raw', TOTAL));
  say(traces.app.report('app', accepted));
  say(
    `load average at the end: ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (${os.cpus().length} CPUs)`,
  );
  if (!(stored === TOTAL + WARMUP && counted === stored && verified.ok && refused === 0)) throw new Error('responses lost, refused or miscounted (see above)');
}

// An app process left running by a failed run would hold its port and memory: stop it.
runBench(() => withBenchDatabase('form', run).finally(killAll));
