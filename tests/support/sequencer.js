/**
 * Jest's order (failed first, then the longest by the last run's timings, or the largest file
 * without timings), except around the demo:
 * - the demo's own test starts first: it seeds the demo for real and publishes it for the run's
 *   other demo files (tests/support/demo.ts), so none of them repeats the seed;
 * - the other workers start with files that do not copy the demo, somewhat less of them (by the
 *   last run's timings) than the seed takes, so the demo files (the longest) start about when it
 *   is published: a little early costs nothing, they wait for the dump without CPU.
 */
const fs = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = /[\\/]demo-seed\.test\.ts$/;
/** A file copies the run's demo (tests/support/demo.ts, directly or through the browser stage). */
const COPIES_DEMO = /\b(loadDemo|useBrowserStage)\(/;

function copiesDemo(test) {
  try {
    return COPIES_DEMO.test(fs.readFileSync(test.path, 'utf8'));
  } catch {
    return false;
  }
}

/** When the last run's timing of a file is unknown (a fresh clone): a typical file's. */
const UNKNOWN_MS = 5_000;

class SkmSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.workers = Math.max(1, options?.globalConfig?.maxWorkers ?? 2);
  }

  sort(tests) {
    const sorted = super.sort(tests);
    const order = (list) => {
      const first = list.filter((t) => FIRST.test(t.path));
      const rest = list.filter((t) => !FIRST.test(t.path));
      if (first.length === 0) return rest;
      // Work for the other workers while the seed runs: three quarters of it. A demo file that
      // starts before the dump is ready waits without using the CPU (the other workers keep both
      // cores busy); one that starts late, being among the longest, ends the run late.
      let budget = 0.75 * (first[0].duration ?? 30_000) * (this.workers - 1);
      const meanwhile = [];
      for (const t of rest) {
        if (budget <= 0) break;
        if (copiesDemo(t)) continue;
        meanwhile.push(t);
        budget -= t.duration ?? UNKNOWN_MS;
      }
      return [...first, ...meanwhile, ...rest.filter((t) => !meanwhile.includes(t))];
    };
    return sorted instanceof Promise ? sorted.then(order) : order(sorted);
  }
}

module.exports = SkmSequencer;
