/**
 * Benchmark: what the login throttle costs the database per attempt, as ratios to one raw
 * driver insertOne by _id into the same database in the same run (sequential, one at a time,
 * the way logins arrive). Cases:
 *  - a fresh attempt (new account, new client): three slot inserts;
 *  - one client spraying accounts until its limit: the slot hint keeps it near one insert per slot;
 *  - refused attempts from a client that is full: answered from the process's memo, no database work;
 *  - refused attempts for a full account-and-client pair: a client slot taken and given back.
 * The password check itself (argon2id, tens of milliseconds) is not part of this: it is the same
 * before and after, and dwarfs every figure here.
 *
 *   npm run build && node dist/bench/login-throttle.js [attempts=300]
 *
 * Runs on a database of its own (bench/harness.ts: embedded, EMBEDDED_DB=auto|mongod|ferretdb, or
 * a fresh database on MONGODB_URI, dropped afterwards).
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { reserveLoginAttempt, THROTTLE } from '../server/features/auth/throttle.service';
import { runBench, withBenchDatabase, type BenchDatabase } from './harness';

const N = Number(process.argv[2] ?? 300);
const SECRET = crypto.randomBytes(32).toString('hex');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Mean milliseconds per call of `job`, run `n` times one after another. */
async function perCall(n: number, job: (i: number) => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) await job(i);
  return Number(process.hrtime.bigint() - start) / 1e6 / n;
}

async function run(db: BenchDatabase): Promise<void> {
  say(`database: ${db.description}; ${N} attempts per case, sequential`);

  // One window for the whole run, a minute into it: no case crosses into the next window.
  const now = Math.floor(Date.now() / THROTTLE.windowMs) * THROTTLE.windowMs + 60_000;
  const raw = mongoose.connection.db!.collection<{ _id: string; expiresAt: Date }>('bench_raw');
  // Warm-up: the driver, the engine and the code paths (including the once-a-minute sweep).
  for (let i = 0; i < 50; i += 1) {
    await raw.insertOne({ _id: `warm-up:${i}`, expiresAt: new Date(now) });
    const r = await reserveLoginAttempt({ email: `warm-${i}@example.go.id`, client: `10.9.0.${i}`, secret: SECRET }, now);
    if (r.ok) await r.attempt.failed();
  }
  const baseline = await perCall(N, (i) => raw.insertOne({ _id: `raw:${i}`, expiresAt: new Date(now) }));

  const fresh = await perCall(N, async (i) => {
    const r = await reserveLoginAttempt({ email: `fresh-${i}@example.go.id`, client: `10.0.${i >> 8}.${i & 255}`, secret: SECRET }, now);
    if (r.ok) await r.attempt.failed();
  });

  // Spraying: clients of maxPerClient attempts each, every attempt a new account.
  const spray = await perCall(N, async (i) => {
    const client = `10.1.${Math.floor(i / THROTTLE.maxPerClient) >> 8}.${Math.floor(i / THROTTLE.maxPerClient) & 255}`;
    const r = await reserveLoginAttempt({ email: `spray-${i}@example.go.id`, client, secret: SECRET }, now);
    if (r.ok) await r.attempt.failed();
  });

  const fullClient = '10.2.0.1';
  for (let i = 0; i < THROTTLE.maxPerClient; i += 1) {
    const r = await reserveLoginAttempt({ email: `fill-${i}@example.go.id`, client: fullClient, secret: SECRET }, now);
    if (r.ok) await r.attempt.failed();
  }
  let refusedClient = 0;
  const clientFull = await perCall(N, async (i) => {
    const r = await reserveLoginAttempt({ email: `late-${i}@example.go.id`, client: fullClient, secret: SECRET }, now);
    if (!r.ok) refusedClient += 1;
  });

  const pair = { email: 'target@example.go.id', client: '10.3.0.1', secret: SECRET };
  for (let i = 0; i < THROTTLE.maxPerAccountClient; i += 1) {
    const r = await reserveLoginAttempt(pair, now);
    if (r.ok) await r.attempt.failed();
  }
  let refusedPair = 0;
  const pairFull = await perCall(N, async () => {
    const r = await reserveLoginAttempt(pair, now);
    if (!r.ok) refusedPair += 1;
  });

  say(`baseline: raw insertOne by _id       ${baseline.toFixed(3)} ms`);
  say(`fresh attempt (3 slots)              ${fresh.toFixed(3)} ms  ratio ${(fresh / baseline).toFixed(2)}`);
  say(`spraying accounts from one client    ${spray.toFixed(3)} ms  ratio ${(spray / baseline).toFixed(2)}`);
  say(`refused: client full (${refusedClient}/${N})       ${clientFull.toFixed(3)} ms  ratio ${(clientFull / baseline).toFixed(2)}`);
  say(`refused: account+client full (${refusedPair}/${N}) ${pairFull.toFixed(3)} ms  ratio ${(pairFull / baseline).toFixed(2)}`);

  if (refusedClient !== N || refusedPair !== N) throw new Error('an attempt over the limit was let through (see above)');
}

runBench(() => withBenchDatabase('login', run));
