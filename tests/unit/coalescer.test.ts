/** The one write coalescer: merging, one write in flight per key, retry after failure, abandon. Time is a passed-in timer. */
import { Coalescer } from '../../server/lib/coalescer';

/** A write the test settles by hand, and a timer the test fires by hand. */
function harness(gap?: { minGapMs: number; now: () => number }) {
  const calls: { key: string; delta: number; resolve: (r: number) => void; reject: (e: unknown) => void }[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const totals = new Map<string, number>();
  const c = new Coalescer<number, number>({
    write: (key, delta) => new Promise<number>((resolve, reject) => calls.push({ key, delta, resolve, reject })),
    merge: (a, b) => a + b,
    retryMs: 250,
    onWritten: (key, total) => totals.set(key, total),
    ...gap,
    setTimer: (fn, ms) => {
      const t = { fn, ms, cancelled: false };
      timers.push(t);
      return { cancel: () => (t.cancelled = true) };
    },
  });
  return { c, calls, timers, totals };
}

const tick = () => new Promise((r) => setImmediate(r));

test('changes arriving during a write are merged into the next one; never two writes of one key at once', async () => {
  const { c, calls, totals } = harness();
  const done: string[] = [];
  void c.add('k', 1).then(() => done.push('a'));
  void c.add('k', 2).then(() => done.push('b'));
  void c.add('k', 3).then(() => done.push('c'));
  void c.add('other', 5);
  expect(calls.map((x) => [x.key, x.delta])).toEqual([
    ['k', 1],
    ['other', 5],
  ]);
  expect(c.unacknowledged('k')).toBe(6);
  calls[0]!.resolve(1);
  await tick();
  expect(done).toEqual(['a']);
  expect(calls.map((x) => [x.key, x.delta])).toEqual([
    ['k', 1],
    ['other', 5],
    ['k', 5],
  ]);
  expect(c.unacknowledged('k')).toBe(5);
  calls[2]!.resolve(6);
  calls[1]!.resolve(5);
  await tick();
  expect(done).toEqual(['a', 'b', 'c']);
  expect(totals.get('k')).toBe(6);
  expect(c.size).toBe(0);
  await c.idle();
});

test('a failed write is kept, merged in front of newer changes, and retried after retryMs', async () => {
  const { c, calls, timers } = harness();
  let settled = false;
  void c.add('k', 1).then(() => (settled = true));
  calls[0]!.reject(new Error('connection lost'));
  await tick();
  void c.add('k', 2);
  expect(calls).toHaveLength(1); // waiting for the retry, not writing at once
  expect(c.unacknowledged('k')).toBe(3);
  expect(timers.map((t) => t.ms)).toEqual([250]);
  timers[0]!.fn();
  expect(calls[1]!.delta).toBe(3);
  calls[1]!.resolve(3);
  await tick();
  expect(settled).toBe(true);
  expect(c.unacknowledged('k')).toBeUndefined();
});

test('abandon rejects every waiter and writes nothing more', async () => {
  const { c, calls, timers } = harness();
  const p = c.add('k', 1);
  calls[0]!.reject(new Error('down'));
  await tick();
  c.abandon(new Error('fenced'));
  await expect(p).rejects.toThrow('fenced');
  expect(timers[0]!.cancelled).toBe(true);
  expect(c.size).toBe(0);
});

test('minGapMs: a busy key is written once per gap with everything that arrived meanwhile; an idle key at once', async () => {
  let now = 10_000;
  const { c, calls, timers } = harness({ minGapMs: 1_000, now: () => now });
  const done: number[] = [];
  void c.add('k', 1).then(() => done.push(1));
  expect(calls.map((x) => x.delta)).toEqual([1]); // idle: written at once
  now += 100;
  calls[0]!.resolve(1);
  await tick();
  void c.add('k', 2).then(() => done.push(2));
  void c.add('k', 3).then(() => done.push(3));
  void c.add('other', 7);
  expect(calls.map((x) => [x.key, x.delta])).toEqual([
    ['k', 1],
    ['other', 7],
  ]); // k waits for its gap; another key does not
  expect(timers.map((t) => t.ms)).toEqual([900]);
  expect(c.unacknowledged('k')).toBe(5);
  now += 900;
  timers[0]!.fn();
  expect(calls.map((x) => [x.key, x.delta])).toEqual([
    ['k', 1],
    ['other', 7],
    ['k', 5],
  ]);
  calls[2]!.resolve(6);
  calls[1]!.resolve(7);
  await tick();
  expect(done).toEqual([1, 2, 3]);
  await c.idle();
  now += 5_000; // quiet for longer than the gap: the next change goes at once
  void c.add('k', 4);
  expect(calls).toHaveLength(4);
  expect(timers).toHaveLength(1);
});

test('retryFailed false: a failed write rejects its callers, is not retried, and what arrived meanwhile is written next', async () => {
  const calls: { delta: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const timers: unknown[] = [];
  const c = new Coalescer<number, void>({
    write: (_key, delta) => new Promise<void>((resolve, reject) => calls.push({ delta, resolve, reject })),
    merge: (a, b) => a + b,
    retryFailed: false,
    setTimer: (fn) => {
      timers.push(fn);
      return { cancel: () => undefined };
    },
  });
  const first = c.add('k', 1);
  const second = c.add('k', 2); // arrives during the first write
  calls[0]!.reject(new Error('lost'));
  await expect(first).rejects.toThrow('lost');
  await tick();
  expect(calls.map((x) => x.delta)).toEqual([1, 2]); // the failed 1 is not written again
  expect(timers).toHaveLength(0);
  calls[1]!.resolve();
  await second;
  await c.idle();
  expect(c.size).toBe(0);
});
