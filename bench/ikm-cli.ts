/**
 * Benchmark of the `skm ikm` streaming pass (issue 3: 1,000,000 respondents × 9 elements from
 * CSV with memory that does not grow with the file).
 *
 * It writes deterministic CSV files (100,000 and 1,000,000 rows) to a temp directory and runs
 * each measurement in a fresh child process so that one pass's heap does not colour the next.
 * Figures are printed as RATIOS against baselines measured in the same run on the same files,
 * never as absolute timings to assert on:
 *   - throughput of `skm ikm` vs a plain line-count pass and vs a csv-parse-only pass;
 *   - peak RSS growth (peak − start) at 1,000,000 rows vs at 100,000 rows.
 *
 * Run: npm run build && node dist/bench/ikm-cli.js   (add --keep to keep the files)
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse';
import { run } from '../server/cli/run';
import { prng } from '../server/lib/prng';

type Pass = 'lines' | 'csv-parse' | 'skm';

interface ChildResult {
  readonly pass: Pass;
  readonly rows: number;
  readonly ms: number;
  readonly startRss: number;
  readonly peakRss: number;
  /** Heap in use after a forced GC at the end minus the same at the start: what the pass retains. */
  readonly retainedHeap: number;
  readonly output?: string;
}

/** Writes `rows` respondents: No;Jenis kelamin;Usia;U1..U9, `;`-separated with a BOM like Excel; ~2% blanks. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const rand = prng(20170414);
  const out = createWriteStream(path);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('\uFEFFNo;Jenis kelamin;Usia;U1;U2;U3;U4;U5;U6;U7;U8;U9\r\n');
  let buf = '';
  for (let i = 1; i <= rows; i++) {
    let line = `${i};${rand() < 0.5 ? 'L' : 'P'};${18 + Math.floor(rand() * 60)}`;
    for (let j = 0; j < 9; j++) {
      const r = rand();
      // Skewed toward 3 and 4, as real surveys are.
      line += r < 0.02 ? ';' : `;${r < 0.05 ? 1 : r < 0.15 ? 2 : r < 0.55 ? 3 : 4}`;
    }
    buf += `${line}\r\n`;
    if (buf.length > 1 << 16) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** A child process: run one pass over `file`, sampling RSS every 20 ms. */
async function child(pass: Pass, file: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const startHeap = process.memoryUsage().heapUsed;
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 20);
  const t0 = process.hrtime.bigint();
  let rows = 0;
  let output: string | undefined;
  if (pass === 'lines') {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) rows++;
    }
    rows -= 1; // header
  } else if (pass === 'csv-parse') {
    const parser = createReadStream(file, { highWaterMark: 1 << 16 }).pipe(
      parse({ delimiter: ';', bom: true, info: true, trim: true, skip_empty_lines: true }),
    );
    for await (const _ of parser) rows++;
    rows -= 1;
  } else {
    let stdout = '';
    let stderr = '';
    const code = await run(['ikm', '--input', file, '--json'], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    if (code !== 0) throw new Error(`skm ikm failed: ${stderr}`);
    output = stdout;
    rows = (JSON.parse(stdout) as { respondents: number }).respondents;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  gc();
  const retainedHeap = process.memoryUsage().heapUsed - startHeap;
  const result: ChildResult = { pass, rows, ms, startRss, peakRss, retainedHeap, ...(output !== undefined ? { output } : {}) };
  process.stdout.write(JSON.stringify(result));
}

function measure(pass: Pass, file: string, maxOldSpaceMb?: number): ChildResult {
  const flags = ['--expose-gc', ...(maxOldSpaceMb !== undefined ? [`--max-old-space-size=${maxOldSpaceMb}`] : [])];
  const r = spawnSync(process.execPath, [...flags, __filename, '--child', pass, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${pass} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

const mb = (bytes: number) => (bytes / 1048576).toFixed(1);
const ratio = (a: number, b: number) => (a / b).toFixed(2);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'skm-bench-'));
  try {
    const small = join(dir, 'answers-100k.csv');
    const large = join(dir, 'answers-1m.csv');
    await writeCsv(small, 100_000);
    await writeCsv(large, 1_000_000);
    console.log(`files: 100k rows ${mb(statSync(small).size)} MB, 1M rows ${mb(statSync(large).size)} MB`);
    console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${mb(totalmem())} MB RAM, node ${process.version}`);

    const lines = measure('lines', large);
    const csvOnly = measure('csv-parse', large);
    const skmLarge = measure('skm', large);
    const skmSmall = measure('skm', small);
    // The 1M-row pass again with the old-generation heap capped at 48 MB: if memory grew with
    // the file (≈ 30 MB of text, 9 M cells), this run would die with an out-of-memory error.
    const bounded = measure('skm', large, 48);
    if (lines.rows !== 1_000_000 || csvOnly.rows !== 1_000_000) throw new Error('baseline passes miscounted rows');
    const out = JSON.parse(skmLarge.output!) as { respondents: number; score: number; grade: string };
    console.log(`skm ikm on 1M rows: respondents ${out.respondents}, score ${out.score}, grade ${out.grade}`);

    const growthSmall = skmSmall.peakRss - skmSmall.startRss;
    const growthLarge = skmLarge.peakRss - skmLarge.startRss;
    console.log('');
    console.log('| figure | ratio |');
    console.log('|---|---|');
    console.log(`| skm ikm time ÷ line-count time (1M rows) | ${ratio(skmLarge.ms, lines.ms)} |`);
    console.log(`| skm ikm time ÷ csv-parse-only time (1M rows) | ${ratio(skmLarge.ms, csvOnly.ms)} |`);
    console.log(`| skm ikm time per row, 1M ÷ 100k | ${ratio(skmLarge.ms / 1_000_000, skmSmall.ms / 100_000)} |`);
    console.log(`| peak RSS growth, 1M rows ÷ 100k rows | ${ratio(growthLarge, growthSmall)} |`);
    console.log(`| peak RSS, 1M rows ÷ 100k rows | ${ratio(skmLarge.peakRss, skmSmall.peakRss)} |`);
    console.log(`| peak RSS skm ikm ÷ peak RSS csv-parse-only (1M rows) | ${ratio(skmLarge.peakRss, csvOnly.peakRss)} |`);
    console.log(`| heap retained after GC, 1M rows ÷ 100k rows | ${ratio(Math.max(skmLarge.retainedHeap, 1), Math.max(skmSmall.retainedHeap, 1))} |`);
    console.log(
      `| 1M rows with old-space heap capped at 48 MB | ${bounded.rows === 1_000_000 ? 'completed' : 'FAILED'} (time ÷ uncapped ${ratio(bounded.ms, skmLarge.ms)}) |`,
    );
    console.log('');
    console.log(
      `(for context, not for comparison across machines: line count ${lines.ms.toFixed(0)} ms, csv-parse ${csvOnly.ms.toFixed(0)} ms, ` +
        `skm 1M ${skmLarge.ms.toFixed(0)} ms, skm 100k ${skmSmall.ms.toFixed(0)} ms; ` +
        `peak RSS growth 100k ${mb(growthSmall)} MB, 1M ${mb(growthLarge)} MB; ` +
        `heap retained 100k ${(skmSmall.retainedHeap / 1024).toFixed(0)} KB, 1M ${(skmLarge.retainedHeap / 1024).toFixed(0)} KB)`,
    );
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else console.log(`files kept in ${dir}`);
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3] as Pass, process.argv[4]!).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
} else {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
