/**
 * The submission rate limit's store on the real database: no hit is counted nowhere (the
 * undercount of issue 10 item 5: hits in flight used to be dropped from the total), windows
 * follow an injected clock.
 */
import { useTestDatabase } from '../support/db';
import { RateLimit } from '../../models/rate-limit';
import { DatabaseRateLimitStore } from '../../server/features/survey-form/rate-limit.store';

useTestDatabase();

function storeAt(clock: { t: number }, prefix = `rl${Math.random().toString(36).slice(2, 8)}`) {
  const store = new DatabaseRateLimitStore({ prefix, now: () => clock.t });
  store.windowMs = 60_000;
  return store;
}

test('hits sent while a write is in flight are counted: 70 sequential-and-parallel hits total 70, none lost', async () => {
  const clock = { t: Date.UTC(2026, 0, 1, 0, 0, 10) };
  const store = storeAt(clock);
  // The first hit starts a write; the next ones arrive before it is acknowledged.
  const a = await store.increment('c');
  const b = await store.increment('c');
  const c = await store.increment('c');
  expect([a.totalHits, b.totalHits, c.totalHits]).toEqual([1, 2, 3]);
  // A hit that arrives while a sync is writing counts the hits being written.
  const syncing = store.sync();
  expect((await store.increment('c')).totalHits).toBe(4);
  await syncing;
  const totals: number[] = [];
  for (let i = 0; i < 7; i++) {
    const batch = await Promise.all(Array.from({ length: 10 }, () => store.increment('c')));
    totals.push(...batch.map((x) => x.totalHits));
    await new Promise((r) => setImmediate(r)); // let some writes complete between bursts
  }
  expect(totals.sort((x, y) => x - y)).toEqual(Array.from({ length: 70 }, (_, i) => i + 5));
  await store.sync();
  expect((await store.get('c'))!.totalHits).toBe(74);
  const [doc] = await RateLimit.find({ _id: new RegExp(`^${store.prefix}:`) }).lean();
  expect(doc!.hits).toBe(74);
  store.shutdown();
});

test('the limit of 60 lets exactly 60 of 100 parallel hits through', async () => {
  const clock = { t: Date.UTC(2026, 0, 1, 0, 5, 0) };
  const store = storeAt(clock);
  const results = await Promise.all(Array.from({ length: 100 }, () => store.increment('p')));
  expect(results.filter((r) => r.totalHits <= 60)).toHaveLength(60);
  store.shutdown();
});

test('a new window starts when the clock moves past the end of the old one', async () => {
  const clock = { t: Date.UTC(2026, 0, 1, 0, 10, 59) };
  const store = storeAt(clock);
  expect((await store.increment('w')).totalHits).toBe(1);
  expect((await store.increment('w')).totalHits).toBe(2);
  clock.t += 2_000; // 00:11:01: the next minute's window
  const next = await store.increment('w');
  expect(next.totalHits).toBe(1);
  expect(next.resetTime!.getTime()).toBe(Date.UTC(2026, 0, 1, 0, 12, 0));
  await store.sync();
  const docs = await RateLimit.find({ _id: new RegExp(`^${store.prefix}:`) })
    .sort({ _id: 1 })
    .lean();
  expect(docs.map((d) => d.hits)).toEqual([2, 1]);
  store.shutdown();
});

test('a busy window is written at most once per write gap: the hits between are counted at once and written together', async () => {
  const clock = { t: Date.UTC(2026, 0, 1, 0, 20, 0) };
  const timers: { fn: () => void; ms: number }[] = [];
  const store = new DatabaseRateLimitStore({
    prefix: `rg${Math.random().toString(36).slice(2, 8)}`,
    now: () => clock.t,
    writeGapMs: 500,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return { cancel: () => undefined };
    },
  });
  store.windowMs = 60_000;
  const stored = async () => (await RateLimit.find({ _id: new RegExp(`^${store.prefix}:`) }).lean()).map((d) => d.hits);
  expect((await store.increment('g')).totalHits).toBe(1); // an idle window is written at once
  await store.sync();
  expect(await stored()).toEqual([1]);
  const hits = [];
  for (let i = 0; i < 19; i++) hits.push((await store.increment('g')).totalHits);
  expect(hits).toEqual(Array.from({ length: 19 }, (_, i) => i + 2)); // decided on the exact count meanwhile
  expect(timers.map((t) => t.ms)).toEqual([500]); // one write waits for the gap
  await new Promise((r) => setImmediate(r));
  expect(await stored()).toEqual([1]);
  const syncing = store.sync();
  clock.t += 500;
  timers.shift()!.fn();
  await syncing;
  expect(await stored()).toEqual([20]); // the 19 hits in one write
  expect(timers).toHaveLength(0);
  store.shutdown();
});
