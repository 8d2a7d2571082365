/**
 * Embedded engine benchmark (issue 8): the long version of tests/integration/engine-soundness.
 * Talks to its own embedded FerretDB (patched, tools/ferretdb/patches) with the raw driver:
 *
 *  - indexed lookups at 100k and 1M documents: findOne on a uniquely indexed field against
 *    findOne({_id}) in the same run, countDocuments on an indexed field (a value that matches
 *    1,000 documents at every size) at 1M against 100k, and what `explain` says;
 *  - lost updates: 20 clients × 500 `$inc` on one document, and an admin `$set` racing with
 *    1,000 concurrent `$inc`s;
 *  - misdelivered replies: 100,000 mixed concurrent queries, each reply checked against its
 *    query, while an unacknowledged (w: 0) sweep deletes in batches and slow queries time out;
 *  - crash safety: kill -9 of the engine during concurrent inserts; every acknowledged insert
 *    must be there after the restart.
 *
 * Prints ratios (and the medians behind them) and writes bench/README-engine.md.
 *
 *   npm run bench:engine                      # 100k and 1M
 *   node dist/bench/engine.js --sizes 20000,100000 --queries 20000
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient, ObjectId, type Collection } from 'mongodb';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../server/db/embedded';
import { prng } from '../server/lib/prng';

interface Args {
  sizes: number[];
  queries: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { sizes: [100_000, 1_000_000], queries: 100_000, out: path.join(__dirname, '..', '..', 'bench', 'README-engine.md') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sizes') args.sizes = argv[++i]!.split(',').map(Number);
    else if (argv[i] === '--queries') args.queries = Number(argv[++i]);
    else if (argv[i] === '--out') args.out = argv[++i]!;
  }
  return args;
}

interface Item {
  _id: ObjectId;
  key: string;
  batch: string;
  group: string;
  n: number;
  title: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
const fmtN = (n: number): string => n.toLocaleString('en-US');

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function parallel(n: number, each: number, body: (w: number, i: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      for (let i = 0; i < each; i++) await body(w, i);
    }),
  );
}

async function grow(items: Collection<Item>, from: number, to: number, ids: ObjectId[], log: (s: string) => void): Promise<number> {
  const t = performance.now();
  const BATCH = 5_000;
  for (let i = from; i < to; i += BATCH) {
    const docs: Item[] = [];
    for (let j = i; j < Math.min(to, i + BATCH); j++) {
      const _id = new ObjectId();
      ids.push(_id);
      docs.push({ _id, key: `key-${j}`, batch: `b-${Math.floor(j / 1000)}`, group: `g-${Math.floor(j / 10)}`, n: j, title: `Survei ${j}` });
    }
    await items.insertMany(docs, { ordered: false });
    if ((i / BATCH) % 20 === 0) log(`  inserted ${fmtN(Math.min(to, i + BATCH))}`);
  }
  return ((to - from) / (performance.now() - t)) * 1000;
}

async function lookups(items: Collection<Item>, ids: ObjectId[], size: number, rnd: () => number) {
  const samples = 300;
  const byId: number[] = [];
  const byKey: number[] = [];
  const byKeyLate: number[] = [];
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(rnd() * size);
    byId.push(await timed(() => items.findOne({ _id: ids[i]! })));
    byKey.push(await timed(() => items.findOne({ key: `key-${i}` })));
    const late = size - 1 - Math.floor(rnd() * 100);
    byKeyLate.push(await timed(() => items.findOne({ key: `key-${late}` })));
  }
  const counts: number[] = [];
  for (let s = 0; s < 30; s++) {
    const b = Math.floor(rnd() * (size / 1000));
    let n = 0;
    counts.push(await timed(async () => (n = await items.countDocuments({ batch: `b-${b}` }))));
    if (n !== 1000) throw new Error(`countDocuments(b-${b}) = ${n}, expected 1000`);
  }
  const plan = JSON.stringify(await items.find({ key: 'key-1' }).explain());
  const index = /USING (?:COVERING )?INDEX ([^\s"]+)/.exec(plan)?.[1] ?? (/IXSCAN/.test(plan) ? 'IXSCAN' : 'none');
  return { byId: median(byId), byKey: median(byKey), byKeyLate: median(byKeyLate), count: median(counts), index };
}

async function lostUpdates(client: MongoClient) {
  const c = client.db('bench').collection<{ _id: string; n: number; status?: string }>('counters');
  await c.deleteMany({});
  await c.insertOne({ _id: 'one', n: 0 });
  const incMs = await timed(() => parallel(20, 500, async () => void (await c.updateOne({ _id: 'one' }, { $inc: { n: 1 } }))));
  const incs = (await c.findOne({ _id: 'one' }))!.n;
  await c.insertOne({ _id: 'survey', n: 0, status: 'open' });
  await Promise.all([
    parallel(20, 50, async () => void (await c.updateOne({ _id: 'survey' }, { $inc: { n: 1 } }))),
    (async () => {
      for (let i = 0; i < 50; i++) await c.findOne({ _id: 'survey' });
      await c.updateOne({ _id: 'survey' }, { $set: { status: 'closed' } });
    })(),
  ]);
  const raced = (await c.findOne({ _id: 'survey' }))!;
  return { incs, incMs, raced };
}

async function mixed(client: MongoClient, items: Collection<Item>, size: number, total: number) {
  const junk = client.db('bench').collection<{ _id: number; expires: Date }>('sessions');
  await junk.deleteMany({});
  const sweepDocs = 20_000;
  await junk.insertMany(Array.from({ length: sweepDocs }, (_, i) => ({ _id: i, expires: new Date(0) })));
  const clients = 20;
  const wrong: string[] = [];
  let done = 0;
  let sweeps = 0;
  let timeouts = 0;
  let stop = false;
  const t = performance.now();
  await Promise.all([
    parallel(clients, Math.ceil(total / clients), async (w, i) => {
      const n = (w * 7919 + i * 104729) % size;
      switch (i % 3) {
        case 0: {
          const d = await items.findOne({ key: `key-${n}` });
          if (d?.n !== n) wrong.push(`key-${n} → ${d?.key}`);
          break;
        }
        case 1: {
          const g = Math.floor(n / 10);
          const c = await items.countDocuments({ group: `g-${g}` });
          if (c !== 10) wrong.push(`count g-${g} → ${c}`);
          break;
        }
        default: {
          const r = await items.updateOne({ key: `key-${n}` }, { $set: { touched: w } });
          if (r.matchedCount !== 1) wrong.push(`update key-${n} → ${r.matchedCount}`);
        }
      }
      done++;
    }).finally(() => (stop = true)),
    (async () => {
      // An unacknowledged sweep in batches of 500, like the session store's.
      for (let i = 0; !stop && i * 500 < sweepDocs; i++) {
        await junk.deleteMany({ _id: { $in: Array.from({ length: 500 }, (_, j) => i * 500 + j) } }, { writeConcern: { w: 0 } });
        sweeps++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })(),
    (async () => {
      // Slow queries (a full scan) given up by the server after 5 ms.
      while (!stop) {
        await items
          .find({ title: { $regex: 'x$' } })
          .maxTimeMS(5)
          .toArray()
          .catch(() => timeouts++);
      }
    })(),
  ]);
  return { done, wrong, sweeps, timeouts, seconds: (performance.now() - t) / 1000 };
}

async function crash(log: (s: string) => void) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-bench-crash-'));
  const engine = await startEmbeddedDatabase({ dataDir, engine: 'ferretdb', restartDelayMs: 100 });
  const client = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 30_000, maxPoolSize: 20 });
  try {
    const c = client.db('crash').collection<{ _id: string }>('writes');
    const acked: string[] = [];
    let kills = 0;
    await parallel(16, 400, async (w, i) => {
      const _id = `w${w}-${i}`;
      try {
        await c.insertOne({ _id });
        acked.push(_id);
      } catch {
        // not acknowledged
      }
      if (acked.length >= (kills + 1) * 1500 && kills < 3) {
        kills++;
        log(`  kill -9 #${kills} after ${acked.length} acknowledged inserts`);
        process.kill(engine.pid()!, 'SIGKILL');
      }
    });
    const stored = new Set((await c.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    return { acked: acked.length, kills, lost: acked.filter((id) => !stored.has(id)).length };
  } finally {
    await client.close();
    await engine.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  const started = performance.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-bench-engine-'));
  let engine: EmbeddedDatabase | undefined;
  let client: MongoClient | undefined;
  try {
    engine = await startEmbeddedDatabase({ dataDir, engine: 'ferretdb', log });
    client = new MongoClient(engine.uri, { maxPoolSize: 30 });
    await client.connect();
    const items = client.db('bench').collection<Item>('items');
    await items.createIndex({ key: 1 }, { unique: true });
    await items.createIndex({ batch: 1 });
    await items.createIndex({ group: 1 });
    const rnd = prng(8);
    const ids: ObjectId[] = [];
    const rows: string[] = [];
    const results: Awaited<ReturnType<typeof lookups>>[] = [];
    let have = 0;
    let rate = 0;
    for (const size of args.sizes) {
      log(`growing to ${fmtN(size)} documents…`);
      rate = await grow(items, have, size, ids, log);
      have = size;
      const r = await lookups(items, ids, size, rnd);
      results.push(r);
      log(
        `  ${fmtN(size)}: findOne _id ${fmt(r.byId)} ms, unique key ${fmt(r.byKey)} ms (late ${fmt(r.byKeyLate)} ms), count ${fmt(r.count)} ms, index ${r.index}`,
      );
      rows.push(
        `| ${fmtN(size)} | ${fmt(r.byId)} | ${fmt(r.byKey)} | ${fmt(r.byKeyLate)} | ${(r.byKey / r.byId).toFixed(2)}× | ${fmt(r.count)} | \`${r.index}\` |`,
      );
    }
    const first = results[0]!;
    const last = results[results.length - 1]!;
    log('lost updates…');
    const lu = await lostUpdates(client);
    log(`  20 × 500 $inc → ${lu.incs} in ${(lu.incMs / 1000).toFixed(1)} s; $set racing 1,000 $inc → ${JSON.stringify(lu.raced)}`);
    log(`mixed queries (${fmtN(args.queries)})…`);
    const mx = await mixed(client, items, have, args.queries);
    log(`  ${fmtN(mx.done)} queries in ${mx.seconds.toFixed(0)} s, wrong ${mx.wrong.length}, w:0 sweeps ${mx.sweeps}, timeouts ${mx.timeouts}`);
    await client.close();
    client = undefined;
    log('kill -9 during inserts…');
    const cr = await crash(log);
    log(`  acknowledged ${cr.acked}, kills ${cr.kills}, lost ${cr.lost}`);
    const minutes = (performance.now() - started) / 60_000;
    const md = `# Embedded engine benchmark (issue 8)

Generated by \`npm run bench:engine\` (bench/engine.ts) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPU cores,
FerretDB 1.24.2 (SQLite) with the patches in tools/ferretdb/patches, raw Node driver. Whole run: ${minutes.toFixed(1)} minutes.
Medians of 300 lookups (30 counts); "late" = one of the last 100 documents inserted; each count matches 1,000 documents.

| documents | findOne {_id} (ms) | findOne {key} unique (ms) | late key (ms) | key ÷ _id | countDocuments {batch} (ms) | index used (explain) |
|---:|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

- Unique-key lookup at ${fmtN(have)}: **${(last.byKey / last.byId).toFixed(2)}×** a lookup by \`_id\` in the same run (target ≤ 2×), median ${fmt(last.byKey)} ms (target < 10 ms).
- countDocuments at ${fmtN(have)} vs at ${fmtN(args.sizes[0]!)}: **${(last.count / first.count).toFixed(2)}×** (target within 2×: independent of the collection size).
- Lost updates: 20 clients × 500 \`$inc\` on one document ended at **${fmtN(lu.incs)}** of 10,000 (${(lu.incMs / 1000).toFixed(1)} s); an admin \`$set\` racing
  with 1,000 concurrent \`$inc\`s: status \`${lu.raced.status}\`, n = ${fmtN(lu.raced.n)}.
- Misdelivered replies: **${mx.wrong.length}** wrong of ${fmtN(mx.done)} mixed concurrent queries (findOne by unique key, countDocuments of 10, updateOne by unique key) from
  20 clients in ${mx.seconds.toFixed(0)} s, while ${mx.sweeps} unacknowledged (w: 0) batch deletes ran and ${mx.timeouts} slow queries timed out (maxTimeMS 5).
- Crash safety: ${cr.kills} × kill -9 of the engine during inserts from 16 clients; ${fmtN(cr.acked)} inserts acknowledged, **${cr.lost}** lost.
- Bulk insert rate at the largest size: ${fmtN(Math.round(rate))} documents/s (insertMany of 5,000).

Before the patches (issue 8's figures at 200k on the same engine): findOne by a unique key 0.7–120 s, countDocuments 86 s,
findOne by \`_id\` 68 ms (a scan), 642 of 10,000 \`$inc\`s kept, and replies misdelivered after the first unacknowledged write.
`;
    fs.writeFileSync(args.out, md);
    log(`written ${args.out}`);
  } finally {
    await client?.close();
    await engine?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
