/**
 * An express-rate-limit Store kept in the database, so every app instance counts the same hits.
 * Fixed windows: "<prefix>:<windowMs>:<client hash>:<window start>" is a document's _id, and
 * hits are added with an atomic `$inc` upsert. Expired windows are deleted by a periodic sweep
 * (FerretDB has no TTL indexes).
 *
 * Write-behind through the one coalescer (server/lib/coalescer.ts): a hit is counted in memory
 * at once and written with the hits that arrive meanwhile (one write per window in flight, never
 * two at once: FerretDB 1.x loses concurrent $inc on a document). A decision uses the database's
 * total as of the last acknowledged write (all instances) plus every hit of this instance that no
 * acknowledged write holds yet, in flight included, so no hit is ever counted nowhere.
 * The submit path waits for no database round trip.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import mongoose from 'mongoose';
import { RateLimit } from '../../../models/rate-limit';
import { driverCollection } from '../../db/connection';
import { isDuplicateKey } from '../../errors';
import { Coalescer } from '../../lib/coalescer';

interface Window {
  /** The database's total at the last acknowledged write (all instances). */
  synced: number;
  end: Date;
}

export class DatabaseRateLimitStore implements Store {
  windowMs = 60_000;
  readonly prefix: string;
  private readonly now: () => number;
  private readonly windows = new Map<string, Window>();
  private readonly writes: Coalescer<number, number>;
  private readonly sweeper: NodeJS.Timeout;

  /**
   * `writeGapMs`: a busy window is written at most this often (default 0: each time the previous
   * write is acknowledged). Decisions are exact meanwhile (this instance's hits are counted at
   * once); other instances see them up to the gap later.
   */
  constructor(opts: {
    prefix: string;
    now?: () => number;
    retryMs?: number;
    sweepEveryMs?: number;
    writeGapMs?: number;
    /** The timer for retries and the write gap (tests pass one they fire). */
    setTimer?: (fn: () => void, ms: number) => { cancel(): void };
  }) {
    this.prefix = opts.prefix;
    this.now = opts.now ?? Date.now;
    this.writes = new Coalescer<number, number>({
      write: (id, n) => this.inc(id, n, this.windows.get(id)?.end ?? new Date(this.now() + this.windowMs)),
      merge: (a, b) => a + b,
      retryMs: opts.retryMs ?? 1_000,
      minGapMs: opts.writeGapMs ?? 0,
      now: this.now,
      ...(opts.setTimer ? { setTimer: opts.setTimer } : {}),
      onWritten: (id, total) => {
        const w = this.windows.get(id);
        if (w) w.synced = total;
      },
    });
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), opts.sweepEveryMs ?? 5 * 60_000);
    this.sweeper.unref();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private current(key: string): { id: string; end: Date } {
    const start = Math.floor(this.now() / this.windowMs) * this.windowMs;
    return { id: `${this.prefix}:${this.windowMs}:${key}:${start}`, end: new Date(start + this.windowMs) };
  }

  private total(id: string, w: Window): number {
    return w.synced + (this.writes.unacknowledged(id) ?? 0);
  }

  private add(key: string, n: number): { id: string; w: Window } {
    const { id, end } = this.current(key);
    let w = this.windows.get(id);
    if (!w) {
      this.forgetEnded();
      this.windows.set(id, (w = { synced: 0, end }));
    }
    // A failure is retried by the coalescer; the hits stay counted here meanwhile.
    this.writes.add(id, n).catch(() => undefined);
    return { id, w };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { id, w } = this.add(key, 1);
    return { totalHits: this.total(id, w), resetTime: w.end };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { id, end } = this.current(key);
    const w = this.windows.get(id);
    if (w) return { totalHits: this.total(id, w), resetTime: end };
    const doc = await RateLimit.findById(id).lean();
    return doc ? { totalHits: doc.hits, resetTime: end } : undefined;
  }

  async decrement(key: string): Promise<void> {
    this.add(key, -1);
  }

  async resetKey(key: string): Promise<void> {
    const { id } = this.current(key);
    this.windows.delete(id);
    await RateLimit.deleteOne({ _id: id });
  }

  /** Resolves when every hit counted so far is written (and each window's total learnt). */
  async sync(): Promise<void> {
    await this.writes.idle();
  }

  private forgetEnded(): void {
    const now = this.now();
    for (const [id, w] of this.windows) if (w.end.getTime() <= now && this.writes.unacknowledged(id) === undefined) this.windows.delete(id);
  }

  private async inc(id: string, n: number, expiresAt: Date): Promise<number> {
    // Through the driver: the values are already of the schema's types, and mongoose's casting
    // and defaults cost more CPU than the command itself on this per-submission path.
    const write = () =>
      driverCollection<{ _id: string; hits: number; expiresAt: Date }>(RateLimit).findOneAndUpdate(
        { _id: id },
        { $inc: { hits: n }, $setOnInsert: { expiresAt } },
        { upsert: true, returnDocument: 'after' },
      );
    try {
      return (await write())?.hits ?? n;
    } catch (e) {
      // Two instances created the same new window at once: it exists now, so this is an update.
      if (!isDuplicateKey(e)) throw e;
      return (await write())?.hits ?? n;
    }
  }

  /** Delete windows that have ended. */
  async sweep(now = new Date()): Promise<number> {
    const r = await RateLimit.deleteMany({ expiresAt: mongoose.trusted({ $lt: now }) });
    return r.deletedCount;
  }

  shutdown(): void {
    clearInterval(this.sweeper);
  }
}
