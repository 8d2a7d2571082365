/**
 * Lets a plain `node` child process of a test require the TypeScript sources, compiled by the
 * same SWC the test runner uses (for tests that must run code in a separate, memory-bounded
 * process).
 */
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
