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
import mongoose from 'mongoose';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { countersIdle } from '../server/responses';
import { responseCounts, verifyStats } from '../server/results';
import { Response } from '../models/response';
import { RateLimit } from '../models/rate-limit';
import { newIdempotencyKey, signStartToken } from '../server/features/survey-form/form-token';
import type { SurveyFormDeps } from '../server/features/survey-form/survey-form.routes';
import { benchSurvey, runBench, withBenchDatabase, type BenchDatabase } from './harness';

const TOTAL = Number(process.argv[2] ?? 3000);
const CONCURRENCY = Number(process.argv[3] ?? 50);
const WARMUP = 200;
const SECRET = crypto.randomBytes(32).toString('hex');

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

/** p50/p95/p99 of latencies in ms (nearest rank). */
function percentiles(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return `p50 ${at(50).toFixed(1)} ms, p95 ${at(95).toFixed(1)} ms, p99 ${at(99).toFixed(1)} ms`;
}

function httpRequest(
  agent: http.Agent,
  port: number,
  opts: { method: string; path: string; body?: string; headers?: Record<string, string> },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        agent,
        method: opts.method,
        path: opts.path,
        headers: {
          ...opts.headers,
          ...(opts.body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(opts.body) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function run(db: BenchDatabase): Promise<void> {
  say(`database: ${db.description} (write concern w:majority, j:true)`);
  const survey = await benchSurvey([{ key: 'konsultasi', name: { id: 'Konsultasi', en: 'Consultation' } }]);

  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent', SESSION_SECRET: SECRET, SEED_DEMO: 'false' });
  const deps: SurveyFormDeps = {
    config,
    logger: createLogger('silent'),
    // The bench is one client address sending thousands of forms: the per-address limit is lifted
    // (it is still counted in the database on every request), the minimum fill time is kept.
    surveyForm: { rateLimit: { limit: 1_000_000_000, windowMs: 10 * 60_000 } },
  };
  const server = http.createServer(createApp(deps));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
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

  let accepted = 0;
  let refused = 0;
  const post = (i: number) => async () => {
    const r = await httpRequest(agent, port, { method: 'POST', path: `/s/${survey.slug}`, body: bodies[i]! });
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
    const rs = await pool(n, CONCURRENCY, (i) => timed(rawMs, () => raw.insertOne(rawDoc(WARMUP + from + i)).then(() => undefined)));
    const as = await pool(n, CONCURRENCY, (i) => timed(appMs, post(from + i)));
    rawSeconds += rs;
    appSeconds += as;
    ratios.push((accepted - before) / as / (n / rs));
  }
  const rawRate = TOTAL / rawSeconds;
  const appRate = accepted / appSeconds;

  await new Promise((r) => setTimeout(r, 500)); // the rate-limit store's last sync
  await countersIdle();
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

  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!(stored === TOTAL + WARMUP && counted === stored && verified.ok && refused === 0)) throw new Error('responses lost, refused or miscounted (see above)');
}

runBench(() => withBenchDatabase('form', run));
