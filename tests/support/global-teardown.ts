import fs from 'node:fs';
import type { EmbeddedDatabase } from '../../server/db/embedded';

export default async function globalTeardown(): Promise<void> {
  const runDir = (globalThis as { __SKM_TEST_RUN_DIR__?: string }).__SKM_TEST_RUN_DIR__;
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
  const state = (globalThis as { __SKM_TEST_DB__?: { db: EmbeddedDatabase; dataDir: string } }).__SKM_TEST_DB__;
  if (!state) return;
  await state.db.stop();
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
