/** Jest runs TypeScript through SWC; `npm test` type-checks the whole tree first (pretest: build). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  // Before each file: argon2id at the suite's low cost (tests/support/setup.ts).
  setupFiles: ['<rootDir>/tests/support/setup.ts'],
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  // The demo's own test first: it publishes the seed the other demo files copy (tests/support/demo.ts).
  testSequencer: '<rootDir>/tests/support/sequencer.js',
  // A V8 code cache shared by a worker's test files (tests/support/runtime.js).
  runtime: '<rootDir>/tests/support/runtime.js',
  testTimeout: 30000,
  // Three workers on two cores: a worker often waits on another process (the database, Chromium,
  // LibreOffice, an app it started), and a third fills those waits (README, Testing).
  maxWorkers: 3,
};
