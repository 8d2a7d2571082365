/**
 * Dashboard benchmark (issue 5): the headline and per-unsur figures of one survey at 10k, 100k
 * and 1M responses, from the counters (models/survey-stats.ts) versus a full recount over the
 * raw responses ($match → $unwind answers → $group {k, v} → $sum, then server/ikm).
 *
 * Runs on a database of its own (bench/harness.ts), inserts the responses in bulk and feeds the
 * counters through the live code path.
 * Prints RATIOS, not pass/fail: counters vs recount at each size, and counters at the largest
 * size vs at 10k. Writes the figures to bench/README-dashboard.md.
 *
 *   npm run bench:dashboard                       # 10k, 100k, 1M
 *   node dist/bench/dashboard.js --sizes 10000,100000 --budget-min 12
 *
 * If inserting the raw responses would overrun the time budget (FerretDB's SQLite backend is
 * slow at bulk inserts), the remaining responses still go through the counters — the counter
 * documents are then exactly what they would be — and the recount at that size is reported as
 * not measured, with the measured insert rate and the projected time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SurveyDoc } from '../models/survey';
import { Response } from '../models/response';
import { computeFromCounts, type ScoreCounts } from '../server/ikm';
import { computeSurveyResults, elementSetOf } from '../server/results';
import { prng } from '../server/lib/prng';
import { benchBatch, benchSurvey, runBench, storeBenchResponses, withBenchDatabase } from './harness';

interface Args {
  sizes: number[];
  budgetMin: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: [10_000, 100_000, 1_000_000], budgetMin: 12, out: path.join(__dirname, '..', '..', 'bench', 'README-dashboard.md') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') args.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--budget-min') args.budgetMin = Number(argv[++i]);
    else if (argv[i] === '--out') args.out = argv[++i]!;
  }
  return args;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await fn();
  return [performance.now() - t, r];
}

/** The headline and per-unsur figures by a full recount over the raw responses. */
async function recount(survey: SurveyDoc): Promise<number> {
  const set = elementSetOf(survey);
  const rows = await Response.collection
    .aggregate<{ _id: { k: string; v: number }; n: number }>([
      { $match: { surveyId: survey._id } },
      { $unwind: '$answers' },
      { $group: { _id: { k: '$answers.k', v: '$answers.v' }, n: { $sum: 1 } } },
    ])
    .toArray();
  const respondents = await Response.collection.countDocuments({ surveyId: survey._id, 'answers.k': { $in: set.elements.map((e) => e.key) } });
  const counts: ScoreCounts[] = set.elements.map((e) => {
    const c = [0, 0, 0, 0] as [number, number, number, number];
    for (const r of rows) if (r._id.k === e.key) c[r._id.v - 1] += r.n;
    return c;
  });
  return computeFromCounts(set, counts, { respondents }).score;
}

interface Row {
  size: number;
  rawInserted: number;
  countersMs: number;
  countersFilteredMs: number;
  recountMs: number | null;
  score: number;
  recountScore: number | null;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const budgetMs = args.budgetMin * 60_000;
  const log = (s: string) => process.stdout.write(`${s}\n`);
  await withBenchDatabase('dashboard', async (db) => {
    const survey = await benchSurvey(
      ['a', 'b', 'c'].map((key) => ({ key, name: { id: key, en: key } })),
      { year: 2024, template: 'permenpanrb-14-2017', population: 100_000 },
    );
    const rnd = prng(42);
    const batchSize = 5000;
    let total = 0;
    let rawInserted = 0;
    let insertMs = 0;
    let rawStopped = false;
    const rows: Row[] = [];
    for (const size of args.sizes) {
      while (total < size) {
        const n = Math.min(batchSize, size - total);
        const batch = benchBatch(survey, rnd, total, n);
        if (!rawStopped) {
          const [ms] = await time(() => Response.collection.insertMany(batch, { ordered: false }));
          insertMs += ms;
          rawInserted += n;
          // Stop raw inserts when the rest of this size would overrun the budget.
          const rate = rawInserted / insertMs; // per ms
          const elapsed = performance.now() - started;
          if (elapsed + (size - total - n) / rate > budgetMs) {
            rawStopped = true;
            log(
              `raw inserts stopped at ${rawInserted} responses: ${(rate * 1000).toFixed(0)}/s would need ${((size - total - n) / rate / 60_000).toFixed(1)} more minutes`,
            );
          }
        }
        await storeBenchResponses(survey, batch, false);
        total += n;
        if (total % 50_000 === 0) log(`  ${total} responses (${rawInserted} raw), ${((performance.now() - started) / 1000).toFixed(0)} s`);
      }
      // Warm up, then the median of 15 runs: whole survey, and one service over a quarter.
      await computeSurveyResults(survey._id);
      const whole: number[] = [];
      const filtered: number[] = [];
      let score = 0;
      for (let i = 0; i < 15; i++) {
        const [ms, r] = await time(() => computeSurveyResults(survey._id));
        whole.push(ms);
        score = r.result!.score;
        const [fms] = await time(() => computeSurveyResults(survey._id, { service: 'b', from: { year: 2024, month: 4 }, to: { year: 2024, month: 6 } }));
        filtered.push(fms);
      }
      let recountMs: number | null = null;
      let recountScore: number | null = null;
      const last = [...rows].reverse().find((r) => r.recountMs !== null);
      const projected = last ? (last.recountMs! * size) / last.size : 0;
      const fits = performance.now() - started + projected <= budgetMs;
      if (rawInserted === total && !fits) log(`recount at ${size} skipped: projected ${(projected / 1000).toFixed(0)} s would overrun the budget`);
      if (rawInserted === total && fits) {
        const runs = size >= 100_000 ? 1 : 3;
        const ts: number[] = [];
        for (let i = 0; i < runs; i++) {
          const [ms, s] = await time(() => recount(survey));
          ts.push(ms);
          recountScore = s;
        }
        recountMs = median(ts);
      }
      const row: Row = { size, rawInserted, countersMs: median(whole), countersFilteredMs: median(filtered), recountMs, score, recountScore };
      rows.push(row);
      log(
        `${size}: counters ${row.countersMs.toFixed(1)} ms (filtered ${row.countersFilteredMs.toFixed(1)} ms), recount ${recountMs === null ? 'not measured' : `${recountMs.toFixed(0)} ms`}` +
          (recountScore !== null ? `, same score: ${recountScore === score}` : ''),
      );
    }
    const rate = rawInserted / (insertMs / 1000);
    const md = report(rows, db.description, rate, (performance.now() - started) / 60_000);
    log(md);
    fs.writeFileSync(args.out, md);
    log(`written to ${args.out}`);
  });
}

function report(rows: Row[], engineFull: string, insertRate: number, minutes: number): string {
  const engine = engineFull.split(' at ')[0];
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  const lines = [
    '# Dashboard benchmark (issue 5)',
    '',
    `Generated by \`npm run bench:dashboard\` (bench/dashboard.ts) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPU cores, ${engine}.`,
    'One survey (9 elements, 3 services, 12 months → 37 counter documents). "Counters" = `computeSurveyResults` (headline + per-unsur',
    'from the counter documents, median of 15); "filtered" = one service over one quarter (sum of 3 cells); "recount" = a full',
    '$match → $unwind answers → $group {k, v} aggregation over the raw responses plus a respondent count, then server/ikm.',
    '',
    '| responses | raw responses stored | counters (ms) | filtered (ms) | full recount (ms) | recount ÷ counters |',
    '|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.size.toLocaleString('en')} | ${r.rawInserted.toLocaleString('en')} | ${r.countersMs.toFixed(1)} | ${r.countersFilteredMs.toFixed(1)} | ${r.recountMs === null ? 'not measured' : r.recountMs.toFixed(0)} | ${r.recountMs === null ? '–' : `${(r.recountMs / r.countersMs).toFixed(0)}×`} |`,
    ),
    '',
    `Counters at ${last.size.toLocaleString('en')} vs at ${first.size.toLocaleString('en')}: **${(last.countersMs / first.countersMs).toFixed(2)}×** the time (filtered: ${(last.countersFilteredMs / first.countersFilteredMs).toFixed(2)}×) for ${(last.size / first.size).toFixed(0)}× the responses.`,
    `Raw insert rate: ${insertRate.toFixed(0)} responses/s (bulk insertMany of 5,000). Whole run: ${minutes.toFixed(1)} minutes.`,
  ];
  const missing = rows.filter((r) => r.recountMs === null);
  if (missing.length > 0) {
    const measured = rows.filter((r) => r.recountMs !== null);
    const m = measured[measured.length - 1];
    for (const r of missing) {
      const why =
        r.rawInserted < r.size
          ? `only ${r.rawInserted.toLocaleString('en')} raw responses were stored (at ${insertRate.toFixed(0)}/s the rest would have overrun the time budget; the counter documents are exact, since every response went through the same counter code path)`
          : `all ${r.rawInserted.toLocaleString('en')} raw responses were stored, but the recount would have overrun the time budget`;
      lines.push(
        '',
        `Full recount at ${r.size.toLocaleString('en')} not measured: ${why}.` +
          (m
            ? ` It grows linearly (${m.size.toLocaleString('en')}: ${(m.recountMs! / 1000).toFixed(1)} s), so expect about ${((m.recountMs! * r.size) / m.size / 1000).toFixed(0)} s, i.e. about ${((m.recountMs! * r.size) / m.size / r.countersMs).toFixed(0)}× the counters.`
            : ''),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

runBench(main);
