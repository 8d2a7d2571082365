/**
 * Password hashes: argon2id at full cost in the app, at the suite's low cost only in tests
 * (tests/support/setup.ts), and refused outside NODE_ENV=test.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../server/paths';
import { hashPassword, useTestPasswordHashCost, verifyPassword } from '../../server/features/auth/password';

const COMPILED = path.join(ROOT, 'dist', 'server', 'features', 'auth', 'password.js');

test('the compiled app hashes at argon2id full cost (64 MiB, 3 passes, 4 lanes), and its hash verifies here', async () => {
  if (!fs.existsSync(COMPILED)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const script = `require(${JSON.stringify(COMPILED)}).hashPassword('correct horse battery staple').then((h) => process.stdout.write(h))`;

  const hash = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' } });

  expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
  await expect(verifyPassword(hash, 'correct horse battery staple')).resolves.toBe(true);
  await expect(verifyPassword(hash, 'correct horse battery stapl')).resolves.toBe(false);
});

test('in the test suite the hash is argon2id at the low cost, and still verifies only the right password', async () => {
  const hash = await hashPassword('correct horse battery staple');

  expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
  await expect(verifyPassword(hash, 'correct horse battery staple')).resolves.toBe(true);
  await expect(verifyPassword(hash, 'wrong')).resolves.toBe(false);
});

test('the low cost is refused outside NODE_ENV=test', () => {
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    expect(() => useTestPasswordHashCost()).toThrow(/tests only/);
  } finally {
    process.env.NODE_ENV = env;
  }
});
