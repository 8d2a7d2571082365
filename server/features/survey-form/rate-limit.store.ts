/**
 * An express-rate-limit Store kept in the database, so every app instance counts the same hits.
 * Fixed windows: the key plus the window's start is the document's _id, incremented atomically
 * with an upsert. Expired windows are deleted by a periodic sweep (no TTL index on FerretDB).
 * Concurrent hits on one key share a write (GroupedIncrement).
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import mongoose from 'mongoose';
import { RateLimit } from '../../../models/rate-limit';
import { isDuplicateKey } from '../../errors';
import { GroupedIncrement } from './grouped-increment';

export class DatabaseRateLimitStore implements Store {
  windowMs = 60_000;
  readonly prefix: string;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly counter = new GroupedIncrement((id, n) => this.inc(id, n));

  constructor(opts: { prefix: string; sweepEveryMs?: number }) {
    this.prefix = opts.prefix;
    const every = opts.sweepEveryMs ?? 5 * 60_000;
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), every);
    this.sweeper.unref();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private window(now = Date.now()): { start: number; end: Date } {
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    return { start, end: new Date(start + this.windowMs) };
  }

  private id(key: string, start: number): string {
    return `${this.prefix}:${this.windowMs}:${key}:${start}`;
  }

  private async inc(id: string, n: number): Promise<number> {
    const expiresAt = new Date(Number(id.slice(id.lastIndexOf(':') + 1)) + this.windowMs);
    const update = { $inc: { hits: n }, $setOnInsert: { expiresAt } };
    const opts = { upsert: true, new: true, lean: true } as const;
    try {
      const doc = await RateLimit.findOneAndUpdate({ _id: id }, update, opts);
      return doc?.hits ?? n;
    } catch (e) {
      // Two instances upserting the same new window at once: the loser retries as an update.
      if (!isDuplicateKey(e)) throw e;
      const doc = await RateLimit.findOneAndUpdate({ _id: id }, update, opts);
      return doc?.hits ?? n;
    }
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { start, end } = this.window();
    const totalHits = await this.counter.add(this.id(key, start));
    return { totalHits, resetTime: end };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { start, end } = this.window();
    const doc = await RateLimit.findById(this.id(key, start)).lean();
    return doc ? { totalHits: doc.hits, resetTime: end } : undefined;
  }

  async decrement(key: string): Promise<void> {
    const { start } = this.window();
    await RateLimit.updateOne({ _id: this.id(key, start) }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    const { start } = this.window();
    await RateLimit.deleteOne({ _id: this.id(key, start) });
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
