/**
 * An express-rate-limit Store kept in the database, so every app instance counts the same hits.
 * Fixed windows: "<prefix>:<windowMs>:<client hash>:<window start>" is a document's _id, and
 * hits are added with an atomic `$inc` upsert. Expired windows are deleted by a periodic sweep
 * (FerretDB has no TTL indexes).
 *
 * Write-behind: a hit is counted in memory at once and merged into the database every `syncMs`
 * (one write per window and sync, never two at once: FerretDB 1.x loses concurrent $inc on a
 * document). Each sync returns the window's total across all instances, so a decision uses
 * this instance's exact count plus the others' hits as of the last sync (at most `syncMs` old).
 * The submit path therefore waits for no extra database round trip.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import mongoose from 'mongoose';
import { RateLimit } from '../../../models/rate-limit';
import { isDuplicateKey } from '../../errors';

interface Window {
  /** The database's total at the last sync (all instances). */
  synced: number;
  /** Hits counted here and not yet written. */
  pending: number;
  end: Date;
}

export class DatabaseRateLimitStore implements Store {
  windowMs = 60_000;
  readonly prefix: string;
  private readonly syncMs: number;
  private readonly windows = new Map<string, Window>();
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private readonly sweeper: NodeJS.Timeout;

  constructor(opts: { prefix: string; syncMs?: number; sweepEveryMs?: number }) {
    this.prefix = opts.prefix;
    this.syncMs = opts.syncMs ?? 100;
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), opts.sweepEveryMs ?? 5 * 60_000);
    this.sweeper.unref();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private current(key: string, now = Date.now()): { id: string; end: Date } {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    return { id: `${this.prefix}:${this.windowMs}:${key}:${start}`, end: new Date(start + this.windowMs) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { id, end } = this.current(key);
    let w = this.windows.get(id);
    if (!w) this.windows.set(id, (w = { synced: 0, pending: 0, end }));
    w.pending += 1;
    this.scheduleSync();
    return { totalHits: w.synced + w.pending, resetTime: end };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { id, end } = this.current(key);
    const w = this.windows.get(id);
    if (w) return { totalHits: w.synced + w.pending, resetTime: end };
    const doc = await RateLimit.findById(id).lean();
    return doc ? { totalHits: doc.hits, resetTime: end } : undefined;
  }

  async decrement(key: string): Promise<void> {
    const { id, end } = this.current(key);
    let w = this.windows.get(id);
    if (!w) this.windows.set(id, (w = { synced: 0, pending: 0, end }));
    w.pending -= 1;
    this.scheduleSync();
  }

  async resetKey(key: string): Promise<void> {
    const { id } = this.current(key);
    this.windows.delete(id);
    await RateLimit.deleteOne({ _id: id });
  }

  private scheduleSync(): void {
    if (this.syncTimer) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.sync();
    }, this.syncMs);
    this.syncTimer.unref();
  }

  /** Write the pending hits and learn every window's total. Never two syncs at once. */
  async sync(): Promise<void> {
    while (this.syncing) await this.syncing;
    this.syncing = this.syncOnce().finally(() => (this.syncing = undefined));
    await this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.windows].map(async ([id, w]) => {
        if (w.pending === 0) {
          if (w.end.getTime() <= now) this.windows.delete(id);
          return;
        }
        const n = w.pending;
        w.pending = 0;
        try {
          w.synced = await this.inc(id, n, w.end);
        } catch {
          w.pending += n; // the database is unreachable: keep counting here, write later
          this.scheduleSync();
        }
      }),
    );
  }

  private async inc(id: string, n: number, expiresAt: Date): Promise<number> {
    const update = { $inc: { hits: n }, $setOnInsert: { expiresAt } };
    const opts = { upsert: true, new: true, lean: true } as const;
    try {
      return (await RateLimit.findOneAndUpdate({ _id: id }, update, opts))?.hits ?? n;
    } catch (e) {
      // Two instances created the same new window at once: it exists now, so this is an update.
      if (!isDuplicateKey(e)) throw e;
      return (await RateLimit.findOneAndUpdate({ _id: id }, update, opts))?.hits ?? n;
    }
  }

  /** Delete windows that have ended. */
  async sweep(now = new Date()): Promise<number> {
    const r = await RateLimit.deleteMany({ expiresAt: mongoose.trusted({ $lt: now }) });
    return r.deletedCount;
  }

  shutdown(): void {
    clearInterval(this.sweeper);
    clearTimeout(this.syncTimer);
  }
}
