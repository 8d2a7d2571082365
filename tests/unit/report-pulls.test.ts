/**
 * The export worker's pulls (server/features/reports/report.worker.ts, PullChannel): a batch is
 * not kept once its reader is done with it (a Promise.race per pull against the export's
 * pending cancellation kept every batch: a 1M-response XLSX grew the process by 0.5 KB a row),
 * and cancelling rejects the pull in progress and every later one.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { PullChannel } from '../../server/features/reports/report.worker';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

test('a delivered batch is collectable once read: 50 pulls of 1 MB keep none of them', async () => {
  const channel = new PullChannel(() => undefined);
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < 50; i++) {
    const pulled = channel.next('rows');
    const batch = [new Uint8Array(1 << 20)];
    refs.push(new WeakRef(batch));
    channel.deliver(batch);
    expect(await pulled).toBe(batch);
  }
  await new Promise((r) => setImmediate(r));
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
  expect(refs.filter((r) => r.deref() !== undefined).length).toBeLessThanOrEqual(1);
});

test('cancelling rejects the pull in progress and every later one; each pull asks once', async () => {
  const asked: string[] = [];
  const channel = new PullChannel((kind) => asked.push(kind));
  const first = channel.next('suggestions');
  channel.deliver(null);
  expect(await first).toBeNull();
  const waiting = channel.next('rows');
  channel.cancel(new Error('export cancelled'));
  await expect(waiting).rejects.toThrow('export cancelled');
  await expect(channel.next('rows')).rejects.toThrow('export cancelled');
  expect(asked).toEqual(['suggestions', 'rows']);
});
