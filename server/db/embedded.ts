/**
 * The embedded database for development and tests: a real server spoken to over the MongoDB
 * wire protocol, never an in-memory fake.
 *
 *  1. a real `mongod` (MONGOD_BIN, then PATH, then mongodb-memory-server's binary cache);
 *  2. otherwise FerretDB v1.24.2 with its SQLite backend, through tools/ferretdb (a Go program
 *     embedding FerretDB's `ferretdb` package), patched (tools/ferretdb/patches: indexed
 *     equality, atomic updates, no reply to unacknowledged writes), built with `go build` on
 *     first use and cached;
 *  3. otherwise one clear error saying what to install or set.
 *
 * The server runs as a child process on a fixed loopback port (chosen once, kept across
 * restarts so the driver reconnects by itself). If it dies unexpectedly it is restarted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT, TOOLS_DIR } from '../paths';

export type EngineKind = 'mongod' | 'ferretdb';

export interface EmbeddedOptions {
  /** Directory for the database files; created if missing. */
  dataDir: string;
  /** auto: mongod when one is found, else FerretDB. */
  engine?: 'auto' | EngineKind;
  mongodBin?: string;
  /** Restart the server when it exits unexpectedly (default true). */
  supervise?: boolean;
  /** Delay before a restart; by default a backoff from 0.5 s up to 5 s. */
  restartDelayMs?: number;
  /** Runs `restart` after `delayMs` (default: a timer). Tests pass one they fire when they are ready. */
  restartTimer?: (restart: () => void, delayMs: number) => void;
  /** Called with one line of human-readable news (started, restarted, …). */
  log?: (line: string) => void;
}

export interface EmbeddedDatabase {
  readonly kind: EngineKind;
  readonly uri: string;
  readonly port: number;
  readonly dataDir: string;
  /** A short human description: which engine, where the data lives. */
  readonly description: string;
  /** The server's process id (changes after a restart). */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

const FERRET_SRC = path.join(TOOLS_DIR, 'ferretdb');

/** Start the embedded database. Resolves when it accepts connections. */
export async function startEmbeddedDatabase(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  ensureWritableDir(opts.dataDir);
  const engine = opts.engine ?? 'auto';
  let kind: EngineKind;
  let bin: string;
  const mongod = engine === 'ferretdb' ? undefined : findMongod(opts.mongodBin);
  if (mongod) {
    kind = 'mongod';
    bin = mongod;
  } else if (engine === 'mongod') {
    throw new EmbeddedDatabaseError('EMBEDDED_DB=mongod but no mongod binary was found: set MONGOD_BIN to its path, put it on PATH, or use EMBEDDED_DB=auto.');
  } else {
    kind = 'ferretdb';
    bin = await ensureFerretDbBinary(log);
  }
  const dir = path.join(opts.dataDir, kind);
  ensureWritableDir(dir);
  const port = await reservePort(path.join(dir, 'port'));
  const args =
    kind === 'mongod'
      ? ['--dbpath', dir, '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet']
      : ['-listen', `127.0.0.1:${port}`, '-data', dir, ...(process.env.SKM_FERRETDB_DEBUG_ADDR ? ['-debug-addr', process.env.SKM_FERRETDB_DEBUG_ADDR] : [])];

  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;

  const launch = async (): Promise<void> => {
    const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let stderr = '';
    c.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    c.stdout?.resume();
    const exited = new Promise<never>((_, reject) => {
      c.once('error', (e) => reject(new EmbeddedDatabaseError(`cannot start ${bin}: ${e.message}`)));
      c.once('exit', (code, signal) =>
        reject(new EmbeddedDatabaseError(`the embedded ${kind} exited during start-up (code ${code ?? signal})${stderr ? `:\n${stderr.trim()}` : ''}`)),
      );
    });
    await Promise.race([waitForPort(port, 60_000), exited]);
    c.removeAllListeners('exit');
    c.once('exit', (code, signal) => {
      if (stopping || opts.supervise === false) return;
      if (!reopening) log(`embedded ${kind} stopped unexpectedly (${code ?? signal}); restarting`);
      reopening = false;
      relaunch();
    });
  };

  /**
   * A server that opened its files while they were read-only keeps them read-only (SQLite), even
   * after they are writable again. So the data directory is checked every `WRITABLE_CHECK_MS`;
   * when it turns writable again the server is restarted (the driver reconnects by itself).
   */
  let writable = isWritable(dir);
  let reopening = false;
  const watch = setInterval(() => {
    const now = isWritable(dir);
    if (now === writable) return;
    writable = now;
    if (!now) {
      log(`the data directory ${dir} is not writable: the database will be restarted once it is`);
      return;
    }
    const c = child;
    if (stopping || opts.supervise === false || !c || c.exitCode !== null || c.signalCode !== null) return;
    log(`the data directory ${dir} is writable again: restarting the embedded ${kind}`);
    reopening = true;
    c.kill('SIGTERM');
  }, WRITABLE_CHECK_MS);
  watch.unref();

  /**
   * Starts the server again after a backoff, and keeps trying until it starts: a server that
   * cannot open its files (a read-only or full data directory) comes back by itself once they
   * are usable again, without restarting the app.
   */
  let failing = '';
  const relaunch = (): void => {
    restarts += 1;
    const delay = opts.restartDelayMs ?? Math.min(5000, 250 * 2 ** Math.min(restarts, 4));
    const timer = opts.restartTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms).unref());
    timer(() => {
      if (stopping) return;
      launch().then(
        () => {
          failing = '';
          log(`embedded ${kind} is back on port ${port} (restart ${restarts})`);
        },
        (e: Error) => {
          if (e.message !== failing) log(`${e.message}\n(trying again every ${Math.round(delay / 1000)} s or so)`);
          failing = e.message;
          relaunch();
        },
      );
    }, delay);
  };

  await launch();
  const uri = `mongodb://127.0.0.1:${port}/`;
  return {
    kind,
    uri,
    port,
    dataDir: dir,
    description: `${kind === 'mongod' ? `MongoDB (${bin})` : 'FerretDB 1.24.2 (SQLite)'} at ${uri}, data in ${dir}`,
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      clearInterval(watch);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

const WRITABLE_CHECK_MS = 1_000;

/** Whether a file can be created in `dir` now (false on a read-only file system). */
function isWritable(dir: string): boolean {
  const probe = path.join(dir, '.writable');
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe, { force: true });
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOSPC'; // full, not read-only: the server recovers by itself
  }
}

/** Fail early, with one clear sentence, when the data directory cannot be used. */
export function ensureWritableDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.unlinkSync(probe);
  } catch (e) {
    throw new EmbeddedDatabaseError(
      `the data directory ${dir} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set DATA_DIR to a writable directory`,
    );
  }
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** MONGOD_BIN, then PATH, then mongodb-memory-server's cache (never a download). */
export function findMongod(explicit?: string): string | undefined {
  if (explicit) {
    if (!isExecutable(explicit)) throw new EmbeddedDatabaseError(`MONGOD_BIN=${explicit} is not an executable file`);
    return explicit;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, 'mongod'))) return path.join(dir, 'mongod');
  }
  const caches = [
    process.env.MONGOMS_DOWNLOAD_DIR,
    path.join(ROOT, 'node_modules', '.cache', 'mongodb-memory-server'),
    path.join(process.env.HOME ?? '/root', '.cache', 'mongodb-binaries'),
  ].filter((d): d is string => Boolean(d));
  for (const dir of caches) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    const found = names
      .filter((n) => n.startsWith('mongod'))
      .sort()
      .reverse()
      .map((n) => path.join(dir, n))
      .find(isExecutable);
    if (found) return found;
  }
  return undefined;
}

function goBinary(): string | undefined {
  for (const p of [process.env.GO_BIN, 'go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go'].filter(Boolean) as string[]) {
    const r = spawnSync(p, ['version'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  return undefined;
}

const FERRET_MODULE = 'github.com/FerretDB/FerretDB';
const FERRET_VERSION = 'v1.24.2';
const FERRET_PATCHES = path.join(FERRET_SRC, 'patches');

function ferretPatches(): string[] {
  return fs
    .readdirSync(FERRET_PATCHES)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => path.join(FERRET_PATCHES, f));
}

/**
 * The cached FerretDB binary for the current sources, built when missing: FerretDB 1.24.2 is
 * taken from the Go module cache (downloaded through the module proxy when absent), copied to
 * a temporary directory, patched with tools/ferretdb/patches/*.patch (see the README there) and
 * built with a `replace` directive pointing at the patched copy. The binary's name carries a
 * hash of the program and the patches, so a changed patch builds a new binary.
 */
export async function ensureFerretDbBinary(log: (line: string) => void = () => undefined): Promise<string> {
  const hash = crypto.createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(fs.readFileSync(path.join(FERRET_SRC, f)));
  for (const p of ferretPatches()) hash.update(path.basename(p)).update(fs.readFileSync(p));
  const out = path.join(FERRET_SRC, 'bin', `skm-ferretdb-${hash.digest('hex').slice(0, 12)}`);
  if (isExecutable(out)) return out;
  const go = goBinary();
  if (!go) {
    throw new EmbeddedDatabaseError(
      'no database available: set MONGODB_URI to a MongoDB server, install MongoDB (mongod on PATH or MONGOD_BIN), ' +
        'or install Go 1.24+ so the embedded FerretDB can be built (tools/ferretdb).',
    );
  }
  log(`building the embedded database (FerretDB ${FERRET_VERSION}, patched; first start only; about a minute)…`);
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  const build = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-ferretdb-build-'));
  try {
    // 1. The pristine module, from the module cache.
    const dl = await run(go, ['mod', 'download', '-json', `${FERRET_MODULE}@${FERRET_VERSION}`], FERRET_SRC, env);
    const dir = dl.code === 0 ? (JSON.parse(dl.stdout) as { Dir?: string }).Dir : undefined;
    if (!dir) throw new EmbeddedDatabaseError(`fetching FerretDB ${FERRET_VERSION} failed:\n${dl.output.trim().slice(-3000)}`);
    const src = path.join(build, 'ferretdb');
    fs.cpSync(dir, src, { recursive: true });
    makeWritable(src); // the module cache is read-only
    // 2. Our patches, in order.
    for (const p of ferretPatches()) {
      const r = await run('git', ['apply', '--whitespace=nowarn', p], src, env);
      if (r.code !== 0) throw new EmbeddedDatabaseError(`applying ${path.basename(p)} to FerretDB failed:\n${r.output.trim().slice(-3000)}`);
    }
    // 3. Our program, built against the patched copy.
    const app = path.join(build, 'app');
    fs.mkdirSync(app);
    for (const f of ['main.go', 'go.sum']) fs.copyFileSync(path.join(FERRET_SRC, f), path.join(app, f));
    fs.writeFileSync(
      path.join(app, 'go.mod'),
      `${fs.readFileSync(path.join(FERRET_SRC, 'go.mod'), 'utf8')}\nreplace ${FERRET_MODULE} ${FERRET_VERSION} => ../ferretdb\n`,
    );
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    const result = await run(go, ['build', '-trimpath', '-o', tmp, '.'], app, env);
    if (result.code !== 0) {
      throw new EmbeddedDatabaseError(`building the embedded FerretDB failed:\n${result.output.trim().slice(-3000)}`);
    }
    fs.renameSync(tmp, out); // atomic: concurrent builders never see a half-written binary
    return out;
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
}

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, 0o644);
  }
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; output: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => (output += d.toString()));
    p.on('error', (e) => resolve({ code: -1, stdout, output: e.message }));
    p.on('exit', (code) => resolve({ code, stdout, output }));
  });
}

/** A loopback port remembered in `file`, so restarts reuse it; a new one when it is taken. */
async function reservePort(file: string): Promise<number> {
  const saved = Number(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : NaN);
  if (Number.isInteger(saved) && saved > 0 && (await portIsFree(saved))) return saved;
  const port = await freePort();
  fs.writeFileSync(file, String(port));
  return port;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new EmbeddedDatabaseError(`the embedded database did not open port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
