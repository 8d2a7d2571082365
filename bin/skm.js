#!/usr/bin/env node
'use strict';
// Thin shim: the command is written in TypeScript and compiled to dist/ by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'server', 'cli', 'skm.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('skm: dist/server/cli/skm.js not found; run `npm run build` first.\n');
  process.exit(1);
}
require(entry);
