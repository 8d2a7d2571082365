/**
 * Benchmark: the counters' recount (`verifyStats`, which the periodic reconcile, `skm stats
 * verify` and `rebuild` run) against a plain cursor scan of the same responses, on a database of
 * its own: time and the database process's peak RSS (sampled every 50 ms), as ratios measured in
 * the same run. On the embedded FerretDB a recount must stay in the scan's memory whatever the
 * survey's size (FerretDB 1.x keeps a whole $group input in memory).
 *
 *   npm run build && node dist/bench/recount.js [responses=20000]
 */
import { performance } from 'node:perf_hooks';
import { Response } from '../models/response';
import { prng } from '../server/lib/prng';
import { verifyStats } from '../server/results';
import { benchBatch, benchSurvey, processRssMb, runBench, storeBenchResponses, withBenchDatabase } from './harness';

const TOTAL = Number(process.argv[2] ?? 20_000);

/** Runs `fn`, returning its milliseconds and the peak RSS (MB) of process `pid` meanwhile. */
async function measured(pid: number | undefined, fn: () => Promise<unknown>): Promise<{ ms: number; peakMb: number }> {
  let peakMb = processRssMb(pid);
  const timer = setInterval(() => (peakMb = Math.max(peakMb, processRssMb(pid))), 50);
  const t = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return { ms: performance.now() - t, peakMb: Math.max(peakMb, processRssMb(pid)) };
}

runBench(async () => {
  await withBenchDatabase('recount', async (db) => {
    const pid = db.embedded?.pid();
    const survey = await benchSurvey(
      ['a', 'b', 'c'].map((key) => ({ key, name: { id: key, en: key } })),
      { year: 2024, template: 'permenpanrb-14-2017', population: 100_000 },
    );
    const rnd = prng(7);
    for (let done = 0; done < TOTAL; done += 5000) await storeBenchResponses(survey, benchBatch(survey, rnd, done, Math.min(5000, TOTAL - done)));
    const say = (s: string) => process.stdout.write(`${s}\n`);
    say(`${TOTAL} responses; database process RSS at rest ${processRssMb(pid).toFixed(0)} MB`);
    const scan = await measured(pid, async () => {
      let n = 0;
      for await (const _ of Response.collection.find({ surveyId: survey._id }).batchSize(5000)) n++;
      if (n !== TOTAL) throw new Error(`scan read ${n}`);
    });
    say(`plain cursor scan: ${(scan.ms / 1000).toFixed(1)} s, database peak RSS ${scan.peakMb.toFixed(0)} MB`);
    const recount = await measured(pid, async () => {
      const report = await verifyStats(survey._id);
      if (!report.ok) throw new Error(`counters differ: ${JSON.stringify(report.differences.slice(0, 3))}`);
    });
    say(`recount (verifyStats): ${(recount.ms / 1000).toFixed(1)} s, database peak RSS ${recount.peakMb.toFixed(0)} MB`);
    say(`ratios recount ÷ scan: time ${(recount.ms / scan.ms).toFixed(2)}×, database peak RSS ${(recount.peakMb / scan.peakMb).toFixed(2)}×`);
  });
});
