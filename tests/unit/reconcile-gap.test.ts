/** The reconcile's cadence: its period, stretched so that a long recount runs at most 5% of the time. */
import { reconcileGapMs } from '../../server/responses';

test('a quick reconcile keeps the period; a long one waits 20 times its duration', () => {
  expect(reconcileGapMs(600_000, 2_000)).toBe(600_000);
  expect(reconcileGapMs(600_000, 30_000)).toBe(600_000);
  expect(reconcileGapMs(600_000, 300_000)).toBe(6_000_000);
});
