/**
 * Group commit for counters: concurrent increments of the same key are combined into one
 * database write (one in flight per key; whatever arrives meanwhile goes into the next write).
 * Each caller still waits for the write that includes its increment, and receives its own
 * running total, exactly as if the increments had been applied one by one.
 */
type Waiter = { resolve: (total: number) => void; reject: (e: unknown) => void };

export class GroupedIncrement {
  private readonly pending = new Map<string, Waiter[]>();
  private readonly inFlight = new Set<string>();

  /** `write(key, n)` applies `$inc: n` atomically and returns the new total (or 0 if unknown). */
  constructor(private readonly write: (key: string, n: number) => Promise<number>) {}

  add(key: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.inFlight.has(key)) void this.flush(key);
    });
  }

  private async flush(key: string): Promise<void> {
    const batch = this.pending.get(key);
    if (!batch) return;
    this.pending.delete(key);
    this.inFlight.add(key);
    try {
      const total = await this.write(key, batch.length);
      batch.forEach((w, i) => w.resolve(total - batch.length + i + 1));
    } catch (e) {
      batch.forEach((w) => w.reject(e));
    } finally {
      this.inFlight.delete(key);
      if (this.pending.has(key)) void this.flush(key);
    }
  }
}
