/**
 * What the app-level benchmarks share: a database of their own (an embedded one in a temporary
 * directory, removed afterwards, or a fresh database on MONGODB_URI, dropped afterwards), a
 * survey, stored responses in bulk, and how a benchmark's process ends.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../server/db/embedded';
import { connectDatabase } from '../server/db/connection';
import { syncAllIndexes } from '../server/db/indexes';
import '../server/models';
import { Unit } from '../models/unit';
import { Survey, type SurveyDoc } from '../models/survey';
import { Response } from '../models/response';
import { periodOfMonth, toResponseDocument } from '../server/responses';
import { elementsFromTemplate, recordResponsesStats } from '../server/results';
import type { TemplateId } from '../server/ikm';

/** The database a benchmark runs on; `description` names the engine (for the figures' heading). */
export interface BenchDatabase {
  description: string;
  embedded?: EmbeddedDatabase;
  /** BENCH_DATA_DIR: the database outlives the run; what an earlier run stored may be there. */
  kept?: boolean;
}

/**
 * Runs `body` connected (mongoose, indexes synced) to a fresh database: an embedded one
 * (EMBEDDED_DB=auto|mongod|ferretdb) in a temporary directory, or, when MONGODB_URI is set, a
 * database named skm_bench_<random> there. Stops and removes (or drops) it afterwards.
 *
 * `BENCH_DATA_DIR=<dir>` keeps the embedded database in `<dir>` instead, named skm_bench_<name>,
 * and leaves it there: a later run with the same directory finds what the first one stored
 * (`kept`), so a large seeding (the 1M-response export) is paid once.
 */
export async function withBenchDatabase(name: string, body: (db: BenchDatabase) => Promise<void>): Promise<void> {
  const external = process.env.MONGODB_URI;
  const keptDir = external ? undefined : process.env.BENCH_DATA_DIR;
  if (keptDir) fs.mkdirSync(keptDir, { recursive: true });
  const dataDir = external ? undefined : (keptDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `skm-bench-${name}-`)));
  let embedded: EmbeddedDatabase | undefined;
  try {
    if (dataDir) {
      const engine = (process.env.EMBEDDED_DB as 'auto' | 'mongod' | 'ferretdb' | undefined) ?? 'auto';
      embedded = await startEmbeddedDatabase({ dataDir, engine, supervise: false });
    }
    await connectDatabase({
      uri: embedded?.uri ?? external!,
      dbName: keptDir ? `skm_bench_${name}` : `skm_bench_${crypto.randomBytes(4).toString('hex')}`,
      monitorCommands: process.env.BENCH_TRACE === '1',
    });
    await syncAllIndexes();
    const db: BenchDatabase = { description: embedded?.description ?? 'MONGODB_URI', embedded, kept: keptDir !== undefined };
    process.stdout.write(`database: ${db.description}\n`);
    await body(db);
  } finally {
    if (external) await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect().catch(() => undefined);
    await embedded?.stop();
    if (dataDir && !keptDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface BenchSurveyOptions {
  /** Default: the current year (WIB): the form takes answers only within the survey's period. */
  year?: number;
  /** Default: stakeholder. */
  template?: TemplateId;
  population?: number;
  indicator?: { code: string; name: string; target: number };
}

/** A unit and an open survey (stored), with the given services. */
export async function benchSurvey(services: { key: string; name: { id: string; en: string } }[], options: BenchSurveyOptions = {}): Promise<SurveyDoc> {
  const unit = await Unit.create({ name: 'Direktorat Bench', slug: 'dit-bench' });
  const template = options.template ?? 'stakeholder';
  const survey = await Survey.create({
    unitId: unit._id,
    unitPath: [unit._id],
    title: 'Survei Bench',
    slug: 'survei-bench',
    period: { year: options.year ?? new Date(Date.now() + 7 * 3600_000).getUTCFullYear() },
    template,
    elements: elementsFromTemplate(template),
    services,
    status: 'open',
    ...(options.population ? { population: options.population } : {}),
    ...(options.indicator ? { indicator: options.indicator } : {}),
  });
  return survey.toObject();
}

/** What a generated response varies; the rest (ids, period fields, key, source) is filled in. */
export interface BenchAnswers {
  month: number;
  submittedAt: Date;
  service: string;
  answers: { k: string; v: number }[];
  profile: Record<string, string>;
  suggestion?: string;
}

/** A stored-response document for a bulk insert: the pipeline's own document (toResponseDocument), filed under `month`, source import. */
export function benchResponse(survey: SurveyDoc, key: string, r: BenchAnswers) {
  return toResponseDocument(survey, 'bench', {
    key,
    submittedAt: r.submittedAt,
    period: periodOfMonth(survey.period.year, r.month),
    service: r.service,
    answers: r.answers,
    profile: r.profile,
    suggestion: r.suggestion ?? '',
    source: 'import',
  });
}

/** `n` generated responses (keys bench-<from>…) over the year 2024, services a/b/c, answers skewed towards 3–4, about 3% blank. */
export function benchBatch(survey: SurveyDoc, rnd: () => number, from: number, n: number) {
  const keys = survey.elements.map((e) => e.key);
  return Array.from({ length: n }, (_, i) => {
    const month = 1 + Math.floor(rnd() * 12);
    return benchResponse(survey, `bench-${from + i}`, {
      month,
      service: rnd() < 0.5 ? 'a' : rnd() < 0.5 ? 'b' : 'c',
      // About 3% blanks; scores skewed towards 3–4.
      answers: keys.flatMap((k) => (rnd() < 0.03 ? [] : [{ k, v: [1, 2, 3, 3, 3, 4, 4, 4, 4][Math.floor(rnd() * 9)]! }])),
      profile: { gender: rnd() < 0.5 ? 'l' : 'p', age: ['20-29', '30-39', '40-49', '50-59'][Math.floor(rnd() * 4)]! },
      submittedAt: new Date(Date.UTC(2024, month - 1, 10)),
    });
  });
}

/**
 * Stores generated responses in bulk, straight into the collection (faster than the pipeline,
 * which the form benchmark measures), and counts them through the live counter code path.
 * `raw: false` counts them only (the counter documents are then exactly what they would be).
 */
export async function storeBenchResponses(survey: SurveyDoc, batch: ReturnType<typeof benchResponse>[], raw = true): Promise<void> {
  if (raw) await Response.collection.insertMany(batch, { ordered: false });
  await recordResponsesStats(batch, survey);
}

/** p50/p95/p99 of latencies in ms (nearest rank). */
export function percentiles(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  return `p50 ${at(50).toFixed(1)} ms, p95 ${at(95).toFixed(1)} ms, p99 ${at(99).toFixed(1)} ms`;
}

/** One HTTP request on a keep-alive agent: status, headers and body. */
export function httpRequest(
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

/** CPU seconds (user + system) of another process, from /proc (Linux); NaN elsewhere. */
export function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in MB, from /proc (Linux); NaN elsewhere. */
export function processRssMb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
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
