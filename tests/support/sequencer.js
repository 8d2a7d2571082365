/**
 * Jest's order (failed first, then the longest by the last run's timings), except that the demo's
 * own test starts first: it seeds the demo for real and publishes it for the run's other demo
 * files (tests/support/demo.ts), so none of them waits for, or repeats, the seed.
 */
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = /[\\/]demo-seed\.test\.ts$/;

class SkmSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    const sync = (list) => [...list.filter((t) => FIRST.test(t.path)), ...list.filter((t) => !FIRST.test(t.path))];
    return sorted instanceof Promise ? sorted.then(sync) : sync(sorted);
  }
}

module.exports = SkmSequencer;
