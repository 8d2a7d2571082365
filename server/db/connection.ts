/**
 * The mongoose connection: connect, health, disconnect. Writes are acknowledged only once
 * journaled (and by a majority on a replica set). Queries built from request data are safe
 * against operator injection: sanitizeFilter strips `$`-keys from filters, strictQuery drops
 * unknown paths.
 */
import mongoose from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { ConnectionString } from 'mongodb-connection-string-url';

mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
// No stack trace taken at every query's execution (mongoose keeps it only to name where a query
// executed twice began); formatting it cost measurable CPU on every query, most under source maps.
mongoose.set('skipOriginalStackTraces', true);

export interface ConnectOptions {
  uri: string;
  dbName: string;
  /** How long a start-up connection attempt may take. */
  timeoutMs?: number;
  /** The driver reports every command (commandStarted events): for benchmarks that count round trips. */
  monitorCommands?: boolean;
}

export class DatabaseConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseConnectError';
  }
}

/** The URI with any password replaced, for logs and messages. */
export function redactUri(uri: string): string {
  try {
    const cs = new ConnectionString(uri);
    if (cs.password) cs.password = '****';
    return cs.toString();
  } catch {
    return '(unparseable URI)';
  }
}

/** The database name: the one in the URI's path when present, else `fallback`. */
export function databaseName(uri: string, fallback: string): string {
  try {
    const p = new ConnectionString(uri).pathname.replace(/^\//, '');
    return p || fallback;
  } catch {
    return fallback;
  }
}

export async function connectDatabase(opts: ConnectOptions): Promise<typeof mongoose> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    try {
      await mongoose.connect(opts.uri, {
        dbName: opts.dbName,
        // Requests fail fast (503, "try again") during an outage instead of hanging.
        serverSelectionTimeoutMS: 3_000,
        heartbeatFrequencyMS: 2_000,
        bufferCommands: false,
        writeConcern: { w: 'majority', j: true },
        maxPoolSize: 50,
        monitorCommands: opts.monitorCommands ?? false,
      });
      return mongoose;
    } catch (e) {
      await mongoose.disconnect().catch(() => undefined);
      const err = e as Error;
      // A malformed URI or bad credentials will not get better by waiting.
      const retryable = /Server selection|ECONNREFUSED|connect|timed out/i.test(err.message) && !/Authentication failed|Invalid/i.test(err.message);
      if (!retryable || Date.now() > deadline) {
        throw new DatabaseConnectError(`cannot reach the database at ${redactUri(opts.uri)}: ${err.message}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Ping the database; resolves false (never throws) when it does not answer within timeoutMs. */
export async function pingDatabase(timeoutMs = 1500): Promise<{ ok: boolean; reason?: string }> {
  const conn = mongoose.connection;
  if (conn.readyState !== 1 || !conn.db) return { ok: false, reason: `not connected (state ${mongoose.STATES[conn.readyState]})` };
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      conn.db.admin().command({ ping: 1 }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

/** Which engine answers: FerretDB says so in buildInfo (its updates are read-modify-write, not atomic). */
export async function databaseEngine(): Promise<'ferretdb' | 'mongodb'> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || 'ferretdbFeatures' in info ? 'ferretdb' : 'mongodb';
}

/**
 * A model's collection through the driver, typed as stored. For hot paths whose filters and
 * values the code builds itself, already of the schema's types: mongoose's casting and upsert
 * defaults cost more CPU there than the command. No casting, no defaults, no sanitizeFilter, so
 * never for a filter built from request data.
 */
export function driverCollection<T extends Document>(model: {
  readonly db: mongoose.Connection;
  readonly collection: { readonly collectionName: string };
  readonly modelName: string;
}): Collection<T> {
  const db = model.db.db;
  if (!db) throw new mongoose.mongo.MongoNotConnectedError(`${model.modelName}: not connected to the database`);
  return db.collection<T>(model.collection.collectionName);
}
