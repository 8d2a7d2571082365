/**
 * The only file with side effects: config → database → one-instance check → counting → demo
 * data → createApp → listen, and a graceful drain on SIGTERM/SIGINT: /readyz turns 503 at once,
 * the listener closes, idle keep-alive sockets close, responses say `Connection: close`, requests
 * in flight finish (up to SHUTDOWN_TIMEOUT_MS), background exports running here are written failed
 * (retry offered), counting in flight is written, and only then does the database connection close.
 */
import http from 'node:http';
import os from 'node:os';
import { ConfigError, loadConfig, startupWarnings, type Config } from './config';
import { createLogger } from './logger';
import { openDatabase, type Database } from './start';
import { createApp } from './app';
import { databaseEngine, disconnectDatabase, DatabaseConnectError } from './db/connection';
import { Lifecycle } from './features/health/readiness';
import { otherLiveInstance, startCounting, type Counting } from './responses';
import { runMigrations } from './db/migrations';
import { EmbeddedDatabaseError } from './db/embedded';
import { seedDemo } from './features/demo/seed';
import { ensureFirstAdmin } from './features/auth/bootstrap';
import { stopExportJobs } from './features/reports/export-job.service';

function say(line: string): void {
  process.stdout.write(`skm: ${line}\n`);
}

/** Whether a process of this host is still running (signal 0 checks without signalling). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fail(message: string): never {
  process.stderr.write(`skm: ${message}\n`);
  process.exit(1);
}

function listen(server: http.Server, config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        reject(new Error(`port ${config.PORT} on ${config.HOST} is already in use; stop the other program or set PORT to a free port`));
      else if (e.code === 'EACCES') reject(new Error(`not allowed to listen on port ${config.PORT}; use a port above 1024 (PORT)`));
      else reject(e);
    });
    server.listen(config.PORT, config.HOST, () => resolve());
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL);
  for (const warning of startupWarnings(config)) say(warning);

  // Signals are handled from here on, so a stop during start-up also stops the database.
  let db: Database | undefined;
  let server: http.Server | undefined;
  let counting: Counting | undefined;
  const lifecycle = new Lifecycle();
  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    lifecycle.draining = true;
    say(`${signal}: shutting down, draining (waiting up to ${config.SHUTDOWN_TIMEOUT_MS} ms for open requests)`);
    // Background exports cannot finish in the drain: each is written failed now (its page offers
    // the retry at once, not a minute later when its heartbeat goes stale).
    const jobsStopped = stopExportJobs().then(
      (n) => n > 0 && say(`${n} background export(s) stopped, shown failed with a retry`),
      (e: Error) => logger.warn({ err: e }, 'background exports not stopped'),
    );
    const s = server;
    if (s?.listening) {
      const force = setTimeout(() => {
        say('shutdown timeout: closing the connections still open');
        s.closeAllConnections();
      }, config.SHUTDOWN_TIMEOUT_MS);
      force.unref();
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeIdleConnections();
      });
      clearTimeout(force);
    }
    await jobsStopped;
    // Every response is written; the counts of the last responses are written before the connection closes.
    await counting?.stop(5_000).catch((e: Error) => logger.warn({ err: e }, 'counting did not finish'));
    await disconnectDatabase().catch((e: Error) => logger.warn({ err: e }, 'database disconnect failed'));
    await db?.embedded?.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    db = await openDatabase(config, say);
  } catch (e) {
    if (e instanceof EmbeddedDatabaseError || e instanceof DatabaseConnectError) fail(e.message);
    throw e;
  }
  if (shuttingDown) return;
  say(`database: ${db.description}, database name "${db.dbName}"`);

  // One instance per database on FerretDB: shared documents (rate limit, login throttle) are
  // updated read-modify-write there. Counters are per-process shards, right with several.
  if (config.SINGLE_INSTANCE === 'auto' && (await databaseEngine()) === 'ferretdb') {
    const other = await otherLiveInstance(new Date(), 10_000, (pid, host) => host === os.hostname() && !processAlive(pid));
    if (other) {
      await disconnectDatabase().catch(() => undefined);
      await db.embedded?.stop();
      fail(
        `another SKM instance (pid ${other.pid} on ${other.host || 'unknown host'}, seen ${Math.round(other.seenAgoMs / 1000)} s ago) is using database "${db.dbName}". ` +
          'On the embedded FerretDB engine one instance serves a database: stop the other one, or use MongoDB (MONGODB_URI) to run several.',
      );
    }
  }
  // Documents written by an earlier version, brought up to date in the background.
  void runMigrations({ logger }).catch((e: Error) => logger.warn({ err: e }, 'data migrations stopped; they run again at the next start'));

  const recoveryMs = config.COUNTER_RECOVERY_MS;
  counting = startCounting({
    logger,
    deadAfterMs: recoveryMs,
    fenceAfterMs: Math.floor(recoveryMs / 2),
    heartbeatMs: Math.min(5_000, Math.floor(recoveryMs / 6)),
    orphanCheckMs: Math.min(30_000, Math.floor(recoveryMs / 2)),
    // The recount that repairs any drift left behind (10 minutes by default; sooner when recovery is set shorter).
    reconcileEveryMs: Math.min(10 * 60_000, recoveryMs * 10),
  });

  if (config.SEED_DEMO) {
    const seeded = await seedDemo({ config, log: say });
    if (seeded) say('demo data created');
  }
  await ensureFirstAdmin({ config, log: say });
  if (shuttingDown) return;

  const app = createApp({ config, logger, lifecycle });
  server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  try {
    await listen(server, config);
  } catch (e) {
    await disconnectDatabase().catch(() => undefined);
    await db.embedded?.stop();
    fail((e as Error).message);
  }
  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  say(`ready at http://${shownHost}:${(server.address() as { port: number }).port}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`skm: failed to start: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
});
