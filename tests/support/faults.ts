/**
 * The fault suite's harness: a real embedded database of its own (so it can be killed), the
 * compiled app as a real process (so it can be killed or stopped), and a load client that
 * records every idempotency key it sent and every acknowledgement it got. Used by
 * tests/integration/faults.test.ts (CI size) and bench/faults.ts (longer runs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { BSON } from 'mongodb';
import { ROOT } from '../../server/paths';
import { signStartToken } from '../../server/features/survey-form/form-token';

export const MAIN = path.join(ROOT, 'dist', 'server', 'main.js');
export const FAULT_SECRET = 'f'.repeat(40);

export interface AppProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node dist/server/main.js` on a free port against `uri` and waits for "ready at". */
/** Every app process started, so a failed test leaves none running (`killAll`). */
const started = new Set<ChildProcess>();

export function killAll(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  started.clear();
}

export function startApp(uri: string, env: Record<string, string> = {}): Promise<AppProcess> {
  if (!fs.existsSync(MAIN)) throw new Error('dist/server/main.js is missing: run `npm run build` (npm test does it first)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        MONGODB_URI: uri,
        PORT: '0',
        // Errors only: an unhandled error (a 500) shows in `output()`.
        LOG_LEVEL: 'error',
        SEED_DEMO: 'false',
        SESSION_SECRET: FAULT_SECRET,
        // Each simulated respondent has an address of its own (the per-address limit is not under test here).
        TRUST_PROXY: '1',
        COUNTER_RECOVERY_MS: '3000',
        ...env,
      },
    });
    started.add(child);
    let out = '';
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /ready at http:\/\/[^:]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), output: () => out, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`the app exited (${code}) before it was ready:\n${out}`)));
  });
}

export interface LoadReport {
  sent: number;
  /** Keys acknowledged (201 stored or 200 already stored), with the attempt count. */
  acked: Map<string, { status: number; attempts: number }>;
  /** Responses by status code or error name, over every attempt. */
  outcomes: Map<string, number>;
  /** Every 503 carried Retry-After. */
  retryAfterMissing: number;
}

export interface LoadOptions {
  port: () => number;
  slug: string;
  elements: readonly string[];
  keys: readonly string[];
  concurrency: number;
  /** Stop retrying after this moment (ms since epoch). */
  deadline: number;
  /** Called after each acknowledgement (e.g. to inject a fault after the n-th). */
  onAck?: (n: number) => void;
  /** Filled in as the run goes (readable while it runs). */
  report?: LoadReport;
}

export function newReport(): LoadReport {
  return { sent: 0, acked: new Map(), outcomes: new Map(), retryAfterMissing: 0 };
}

function post(port: number, agent: http.Agent, slug: string, body: string, ip: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: `/s/${slug}`,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          accept: 'application/json',
          'x-forwarded-for': ip,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined }));
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Sends one submission per key with `concurrency` clients (keep-alive), retrying a key until it is
 * acknowledged or the deadline passes, as a respondent pressing "send" again would.
 */
export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const report = o.report ?? newReport();
  const issuedAt = Date.now() - 60_000;
  const queue = [...o.keys];
  const bodyOf = (key: string, i: number) => {
    const fields: Record<string, string> = {
      _key: key,
      _t: signStartToken(FAULT_SECRET, o.slug, key, issuedAt),
      service: 'konsultasi',
      p_gender: i % 2 ? 'l' : 'p',
    };
    o.elements.forEach((k, j) => (fields[`a_${k}`] = String(((i + j) % 4) + 1)));
    return new URLSearchParams(fields).toString();
  };
  const count = (k: string) => report.outcomes.set(k, (report.outcomes.get(k) ?? 0) + 1);
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        const i = o.keys.indexOf(key);
        const body = bodyOf(key, i);
        for (let attempt = 1; Date.now() < o.deadline; attempt++) {
          report.sent++;
          try {
            const r = await post(o.port(), agent, o.slug, body, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
            count(String(r.status));
            if (r.status === 503 && !r.retryAfter) report.retryAfterMissing++;
            if (r.status === 201 || r.status === 200) {
              report.acked.set(key, { status: r.status, attempts: attempt });
              o.onAck?.(report.acked.size);
              break;
            }
          } catch (e) {
            count((e as NodeJS.ErrnoException).code ?? (e as Error).message);
          }
          await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 200))); // the respondent tries again
        }
      }
    }),
  );
  agent.destroy();
  return report;
}

/** Polls `fn` until it is true or `ms` pass (an external process is being waited for). */
export async function waitFor(fn: () => Promise<boolean>, ms: number, everyMs = 250): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn().catch(() => false)) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** One MongoDB command as the proxy sees it (OP_MSG section 0): its name and first value, e.g. `update` `surveystats`. */
export interface WireCommand {
  name: string;
  collection: unknown;
  body: Record<string, unknown>;
}

export type WireFault =
  /** The command never reaches the database: the connection drops first. */
  | 'drop-before'
  /** The command is applied, then the connection drops before its reply: a lost acknowledgement. */
  | 'drop-reply';

interface WireRule {
  match: (c: WireCommand) => boolean;
  fault: WireFault;
  times: number;
  fired: number;
  onFire: (() => void)[];
}

/**
 * A TCP proxy between the app and the database that injects faults at a chosen command: the
 * database itself is real and untouched. `arm(match, fault, times)` makes the next `times`
 * commands that match drop their connection, before the command reaches the database or
 * after it was applied and before its reply reaches the client (the acknowledgement is lost).
 */
export class WireProxy {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private rules: WireRule[] = [];
  port = 0;

  private constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {
    this.server = net.createServer((client) => this.pipe(client));
  }

  /** A proxy in front of the database of `uri` (mongodb://host:port/...). */
  static async start(uri: string): Promise<WireProxy> {
    const u = new URL(uri);
    const p = new WireProxy(u.hostname, Number(u.port || 27017));
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
    p.port = (p.server.address() as net.AddressInfo).port;
    return p;
  }

  /** `uri` with the proxy's address in place of the database's. */
  uri(uri: string): string {
    const u = new URL(uri);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** `fired` resolves when the rule first fires; it stays armed until it fired `times` times or `disarm()`. */
  arm(match: (c: WireCommand) => boolean, fault: WireFault, times = Infinity): { fired: Promise<void>; count: () => number; disarm: () => void } {
    const rule: WireRule = { match, fault, times, fired: 0, onFire: [] };
    this.rules.push(rule);
    const fired = new Promise<void>((r) => rule.onFire.push(r));
    return { fired, count: () => rule.fired, disarm: () => (this.rules = this.rules.filter((x) => x !== rule)) };
  }

  async stop(): Promise<void> {
    this.rules = [];
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private ruleFor(cmd: WireCommand): WireRule | undefined {
    const rule = this.rules.find((r) => r.fired < r.times && r.match(cmd));
    if (!rule) return undefined;
    if (++rule.fired >= rule.times) this.rules = this.rules.filter((x) => x !== rule);
    rule.onFire.forEach((f) => f());
    return rule;
  }

  private pipe(client: net.Socket): void {
    const server = net.connect(this.targetPort, this.host);
    this.sockets.add(client).add(server);
    const drop = () => {
      client.destroy();
      server.destroy();
    };
    client.on('close', drop).on('error', drop);
    server.on('close', drop).on('error', drop);
    /** Request ids whose reply must not reach the client. */
    const swallow = new Set<number>();
    frames(client, (msg) => {
      const cmd = parseCommand(msg);
      const rule = cmd ? this.ruleFor(cmd) : undefined;
      if (rule?.fault === 'drop-before') return drop();
      if (rule?.fault === 'drop-reply') swallow.add(msg.readInt32LE(4));
      server.write(msg);
    });
    frames(server, (msg) => {
      if (swallow.has(msg.readInt32LE(8))) return drop();
      client.write(msg);
    });
  }
}

/** Splits a socket's bytes into wire-protocol messages (int32 length first). */
function frames(socket: net.Socket, onMessage: (msg: Buffer) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    while (buf.length >= 4) {
      const len = buf.readInt32LE(0);
      if (buf.length < len) break;
      onMessage(buf.subarray(0, len));
      buf = buf.subarray(len);
    }
  });
}

const OP_MSG = 2013;

function parseCommand(msg: Buffer): WireCommand | undefined {
  if (msg.readInt32LE(12) !== OP_MSG || msg[20] !== 0) return undefined;
  try {
    const body = BSON.deserialize(msg.subarray(21, 21 + msg.readInt32LE(21)));
    const name = Object.keys(body)[0] ?? '';
    return { name, collection: body[name], body };
  } catch {
    return undefined;
  }
}
