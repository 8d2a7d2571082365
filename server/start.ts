/**
 * Start-up steps shared by the server (main.ts), the tests and the tools: resolve the database
 * (MONGODB_URI, or the embedded one), connect, create indexes.
 */
import type { Config } from './config';
import { connectDatabase, databaseName, redactUri } from './db/connection';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded';
import { syncAllIndexes } from './db/indexes';
import './models';

export interface Database {
  uri: string;
  dbName: string;
  description: string;
  embedded?: EmbeddedDatabase;
}

export async function openDatabase(config: Config, log: (line: string) => void): Promise<Database> {
  let uri = config.MONGODB_URI;
  let embedded: EmbeddedDatabase | undefined;
  let description: string;
  if (uri) {
    description = `MongoDB at ${redactUri(uri)} (MONGODB_URI)`;
  } else {
    embedded = await startEmbeddedDatabase({
      dataDir: config.DATA_DIR,
      engine: config.EMBEDDED_DB,
      mongodBin: config.MONGOD_BIN,
      log,
    });
    uri = embedded.uri;
    description = `embedded ${embedded.description}`;
  }
  const dbName = databaseName(uri, config.DB_NAME);
  try {
    await connectDatabase({ uri, dbName, timeoutMs: config.DB_CONNECT_TIMEOUT_MS });
    await syncAllIndexes();
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
  return { uri, dbName, description, embedded };
}
