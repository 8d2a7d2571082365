/** Readiness: cached (no flapping, no queueing), not ready while draining, a not-writable store is not ready, recovery without restart. Clock and checks passed in. */
import { Lifecycle, ReadinessProbe, type ReadinessState } from '../../server/features/health/readiness';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

test('one probe per cache period; while a probe is slow the last answer is given, not a 503', async () => {
  const clock = { t: 0 };
  let calls = 0;
  let pending = deferred<ReadinessState['database']>();
  const probe = new ReadinessProbe(new Lifecycle(), { now: () => clock.t, cacheMs: 2_000, check: () => (calls++, pending.promise) });
  const first = probe.state();
  pending.resolve('ok');
  expect(await first).toMatchObject({ ready: true, database: 'ok' });
  clock.t = 1_000;
  expect(await probe.state()).toMatchObject({ ready: true });
  expect(calls).toBe(1);
  clock.t = 2_500; // stale: a new probe starts, and is slow (a busy database)
  pending = deferred();
  expect(await probe.state()).toMatchObject({ ready: true });
  expect(await probe.state()).toMatchObject({ ready: true });
  expect(calls).toBe(2); // no queue of probes
  pending.resolve('ok');
});

test('a store that cannot be written is not ready, and ready again once it can be (no restart)', async () => {
  const clock = { t: 0 };
  let writable = false;
  const check = async (): Promise<ReadinessState['database']> => {
    if (!writable) throw Object.assign(new Error('attempt to write a readonly database'), { database: 'not-writable' as const });
    return 'ok';
  };
  const probe = new ReadinessProbe(new Lifecycle(), { now: () => clock.t, cacheMs: 2_000, check });
  expect(await probe.state()).toMatchObject({ ready: false, database: 'not-writable', reason: 'attempt to write a readonly database' });
  writable = true;
  clock.t = 3_000;
  expect(await probe.state()).toMatchObject({ ready: false }); // starts the probe, answers the last state
  await new Promise((r) => setImmediate(r)); // the probe completes
  clock.t = 3_001;
  expect(await probe.state()).toMatchObject({ ready: true, database: 'ok' });
});

test('draining is not ready, at once, whatever the database says', async () => {
  const lifecycle = new Lifecycle();
  const probe = new ReadinessProbe(lifecycle, { check: async () => 'ok' });
  expect((await probe.state()).ready).toBe(true);
  lifecycle.draining = true;
  expect(await probe.state()).toMatchObject({ ready: false, draining: true });
});

test('a probe that does not answer within the budget is "unreachable"', async () => {
  const probe = new ReadinessProbe(new Lifecycle(), { timeoutMs: 20, check: () => new Promise(() => undefined) });
  expect(await probe.state()).toMatchObject({ ready: false, database: 'unreachable', reason: 'no answer within 20 ms' });
});
