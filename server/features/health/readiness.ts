/**
 * Readiness that means "can serve": the app is not draining, and the database answers a ping and
 * accepts a small write (a read-only or full data store is not ready), within a generous budget.
 * The probe runs at most once per `cacheMs`; callers in between get the last result, so a busy
 * database never makes /readyz flap and /readyz never queues probes. Recovers by itself: the next
 * probe after the store is writable again says ready.
 */
import mongoose from 'mongoose';

export interface ReadinessState {
  ready: boolean;
  database: 'ok' | 'unreachable' | 'not-writable' | 'unknown';
  reason?: string;
  draining?: boolean;
  checkedAt: number;
}

/** The app's life: `draining` turns true on SIGTERM, before anything closes. */
export class Lifecycle {
  draining = false;
}

export interface ProbeOptions {
  now?: () => number;
  cacheMs?: number;
  timeoutMs?: number;
  /** The checks; default: ping, then an upsert of this process's probe document. */
  check?: () => Promise<ReadinessState['database']>;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

async function defaultCheck(): Promise<ReadinessState['database']> {
  const conn = mongoose.connection;
  if (conn.readyState !== 1 || !conn.db) return 'unreachable';
  await conn.db.admin().command({ ping: 1 });
  try {
    await conn.db.collection<{ _id: string; at: Date }>('readiness').updateOne({ _id: `probe:${process.pid}` }, { $set: { at: new Date() } }, { upsert: true });
  } catch (e) {
    throw Object.assign(new Error((e as Error).message), { database: 'not-writable' as const });
  }
  return 'ok';
}

export class ReadinessProbe {
  private last: ReadinessState | undefined;
  private running: Promise<ReadinessState> | undefined;
  private readonly now: () => number;
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private readonly check: NonNullable<ProbeOptions['check']>;

  constructor(
    private readonly lifecycle: Lifecycle,
    opts: ProbeOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.cacheMs = opts.cacheMs ?? 2_000;
    this.timeoutMs = opts.timeoutMs ?? 5_000;
    this.check = opts.check ?? defaultCheck;
  }

  async state(): Promise<ReadinessState> {
    if (this.lifecycle.draining)
      return { ready: false, database: this.last?.database ?? 'unknown', draining: true, reason: 'shutting down', checkedAt: this.now() };
    const fresh = this.last && this.now() - this.last.checkedAt < this.cacheMs;
    if (fresh) return this.last!;
    if (!this.running) {
      this.running = this.probe().finally(() => (this.running = undefined));
    }
    // A probe is under way: answer with the last result rather than waiting (never flaps, never queues).
    return this.last ?? this.running;
  }

  private async probe(): Promise<ReadinessState> {
    const startedAt = this.now();
    let state: ReadinessState;
    try {
      const database = await withTimeout(this.check(), this.timeoutMs);
      state = { ready: database === 'ok', database, checkedAt: startedAt };
    } catch (e) {
      const database = (e as { database?: ReadinessState['database'] }).database ?? 'unreachable';
      state = { ready: false, database, reason: (e as Error).message, checkedAt: startedAt };
    }
    this.last = state;
    return state;
  }
}
