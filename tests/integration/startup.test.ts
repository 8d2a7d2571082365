/**
 * Starting the compiled server (`node dist/server/main.js`, as `npm start` does) with bad
 * settings: one clear message and a non-zero exit, never a stack trace.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../server/paths';
import { testDatabaseUri } from '../support/db';

const MAIN = path.join(ROOT, 'dist', 'server', 'main.js');

jest.setTimeout(60_000);

function run(env: Record<string, string>, untilOutput?: RegExp): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', SEED_DEMO: 'false', ...env },
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (untilOutput && untilOutput.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error('dist/server/main.js is missing: run `npm run build` (npm test does it first)');
});

test('a malformed MONGODB_URI: one line naming it, exit 1', async () => {
  const { code, out } = await run({ MONGODB_URI: 'http://localhost:27017' });
  expect(code).toBe(1);
  expect(out).toMatch(/MONGODB_URI="http:\/\/localhost:27017": must be a MongoDB connection string/);
  expect(out).not.toMatch(/\n\s+at /);
});

test('an unreachable database: one clear message, exit 1', async () => {
  const { code, out } = await run({ MONGODB_URI: 'mongodb://127.0.0.1:9/skm', DB_CONNECT_TIMEOUT_MS: '1000' });
  expect(code).toBe(1);
  expect(out).toMatch(/cannot reach the database at mongodb:\/\/127\.0\.0\.1:9\/skm/);
  expect(out).not.toMatch(/\n\s+at /);
});

test('a port already in use: one clear message, exit 1', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    const { code, out } = await run({ MONGODB_URI: `${testDatabaseUri()}skm_startup`, PORT: String(port) });
    expect(code).toBe(1);
    expect(out).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(out).not.toMatch(/\n\s+at /);
  } finally {
    blocker.close();
  }
});

test('an unwritable data directory: one clear message, exit 1', async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'skm-notdir-')), 'a-file');
  fs.writeFileSync(file, '');
  const { code, out } = await run({ DATA_DIR: path.join(file, 'data') });
  expect(code).toBe(1);
  expect(out).toMatch(/the data directory .* is not writable \(ENOTDIR\); set DATA_DIR/);
  expect(out).not.toMatch(/\n\s+at /);
});

test('with good settings it starts, says which database it uses, and stops cleanly on SIGTERM', async () => {
  const { code, out } = await run({ MONGODB_URI: `${testDatabaseUri()}skm_startup_ok`, PORT: '0' }, /ready at/);
  expect(out).toMatch(/database: MongoDB at .* \(MONGODB_URI\)/);
  expect(out).toContain('SIGTERM: shutting down, draining');
  expect(out).toContain('stopped');
  expect(code).toBe(0);
});
