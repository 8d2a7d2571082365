/**
 * A database of its own for each test file, on the real server started by global-setup.
 * Call `useTestDatabase()` at the top of a test file: it connects mongoose before the tests,
 * creates the indexes, and drops the database afterwards.
 */
import crypto from 'node:crypto';
import mongoose from 'mongoose';
import { connectDatabase } from '../../server/db/connection';
import { syncAllIndexes } from '../../server/db/indexes';
import '../../server/models';

export function testDatabaseUri(): string {
  const uri = process.env.SKM_TEST_MONGODB_URI;
  if (!uri) throw new Error('no test database: run tests through jest (global-setup starts one)');
  return uri;
}

export function useTestDatabase(): { dbName: string; uri: string } {
  const dbName = `skm_test_${crypto.randomBytes(5).toString('hex')}`;
  const uri = testDatabaseUri();
  beforeAll(async () => {
    await connectDatabase({ uri, dbName });
    await syncAllIndexes();
  });
  afterAll(async () => {
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
  });
  return { dbName, uri };
}

/** Remove every document from every collection (keeps indexes). */
export async function clearDatabase(): Promise<void> {
  await Promise.all(Object.values(mongoose.connection.collections).map((c) => c.deleteMany({})));
}
