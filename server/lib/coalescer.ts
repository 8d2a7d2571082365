/**
 * The one write coalescer: increments (or any mergeable change) for the same key are merged and
 * written with one database write, never two writes of one key at once (FerretDB 1.x applies an
 * update as read-modify-write, so two concurrent writes of one document lose one of them).
 *
 * - `add(key, delta)` merges the delta into the key's pending change and resolves once a write
 *   that contains it has been acknowledged.
 * - A failed write is not lost: its change goes back in front of whatever arrived meanwhile and is
 *   written again after `retryMs` (the callers keep waiting). `abandon()` gives up on everything
 *   and rejects the waiters (used when this process must stop writing, e.g. it lost its lease).
 * - `retryFailed: false`: a failed write is not retried; its callers are rejected (they have a
 *   recovery of their own, e.g. the counting outbox), and what arrived meanwhile is written next.
 * - `unacknowledged(key)` is the part of a key's change that no acknowledged write holds yet (in
 *   flight plus pending): a reader that adds it to the last acknowledged total counts every hit.
 *
 * - `minGapMs` (default 0): a key's writes start at least this far apart; what arrives in
 *   between waits and is merged, so a busy key costs one write per gap however many changes it
 *   gets (the counters: a shard is read-modify-written by the embedded engine, so fewer, larger
 *   writes save most of its CPU). An idle key's first change is written at once.
 *
 * Time is injected (`setTimer`, `now`), so tests move a clock instead of sleeping.
 */

export interface CoalescerOptions<D, R> {
  /** Writes the merged change of one key; resolves once the database acknowledged it. */
  write: (key: string, delta: D) => Promise<R>;
  merge: (a: D, b: D) => D;
  /** After a failed write, how long before the next attempt. */
  retryMs?: number;
  /** Default true. False: a failed write's callers are rejected instead of waiting for a retry. */
  retryFailed?: boolean;
  /** The least time between the starts of two writes of one key (default 0); a function is asked each time. */
  minGapMs?: number | (() => number);
  /** The clock for `minGapMs`, in ms. */
  now?: () => number;
  /** Called after each acknowledged write with its result (e.g. the total the database now holds). */
  onWritten?: (key: string, result: R, delta: D) => void;
  /** Called for each failed write (logging); the change is retried. */
  onError?: (key: string, err: unknown) => void;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

interface Slot<D> {
  pending: D | undefined;
  pendingWaiters: Waiter[];
  inFlight: D | undefined;
  retry: { cancel(): void } | undefined;
  /** When the key's last write started (ms), for `minGapMs`. */
  lastStart: number;
}

const realTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return { cancel: () => clearTimeout(t) };
};

export class Coalescer<D, R = unknown> {
  private readonly slots = new Map<string, Slot<D>>();
  private readonly retryMs: number;
  private readonly now: () => number;
  /** Keys written recently: when their last write started (only with minGapMs). */
  private readonly lastStarts = new Map<string, number>();
  private readonly setTimer: NonNullable<CoalescerOptions<D, R>['setTimer']>;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly opts: CoalescerOptions<D, R>) {
    this.retryMs = opts.retryMs ?? 500;
    this.now = opts.now ?? Date.now;
    this.setTimer = opts.setTimer ?? realTimer;
  }

  add(key: string, delta: D): Promise<void> {
    let slot = this.slots.get(key);
    if (!slot)
      this.slots.set(
        key,
        (slot = { pending: undefined, pendingWaiters: [], inFlight: undefined, retry: undefined, lastStart: this.lastStarts.get(key) ?? -Infinity }),
      );
    slot.pending = slot.pending === undefined ? delta : this.opts.merge(slot.pending, delta);
    const done = new Promise<void>((resolve, reject) => slot.pendingWaiters.push({ resolve, reject }));
    if (slot.inFlight === undefined && slot.retry === undefined) this.schedule(key, slot);
    return done;
  }

  /** The change of `key` not yet acknowledged by the database (in flight and pending), or undefined. */
  unacknowledged(key: string): D | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    if (slot.inFlight === undefined) return slot.pending;
    return slot.pending === undefined ? slot.inFlight : this.opts.merge(slot.inFlight, slot.pending);
  }

  /** Keys with a change not yet acknowledged. */
  get size(): number {
    return this.slots.size;
  }

  /** Resolves when nothing is pending or in flight (a failing write keeps it waiting). */
  idle(): Promise<void> {
    if (this.slots.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stop writing: every waiting caller is rejected with `reason`; nothing more is written. */
  abandon(reason: unknown): void {
    for (const slot of this.slots.values()) {
      slot.retry?.cancel();
      slot.pendingWaiters.forEach((w) => w.reject(reason));
    }
    this.slots.clear();
    this.notifyIdle();
  }

  /** Writes the key's pending change now, or once `minGapMs` has passed since its last write started. */
  private schedule(key: string, slot: Slot<D>): void {
    const wait = slot.lastStart + this.gap() - this.now();
    if (wait > 0) slot.retry = this.setTimer(() => void this.flush(key, slot), wait);
    else void this.flush(key, slot);
  }

  private async flush(key: string, slot: Slot<D>): Promise<void> {
    slot.retry = undefined;
    const delta = slot.pending;
    if (delta === undefined) return;
    slot.lastStart = this.now();
    const waiters = slot.pendingWaiters;
    slot.pending = undefined;
    slot.pendingWaiters = [];
    slot.inFlight = delta;
    let result: R;
    try {
      result = await this.opts.write(key, delta);
    } catch (e) {
      if (this.slots.get(key) !== slot) return; // abandoned meanwhile
      slot.inFlight = undefined;
      this.opts.onError?.(key, e);
      if (this.opts.retryFailed === false) {
        waiters.forEach((w) => w.reject(e));
        this.settled(key, slot);
        return;
      }
      // Not acknowledged: the change goes back first, merged with what arrived meanwhile.
      slot.pending = slot.pending === undefined ? delta : this.opts.merge(delta, slot.pending);
      slot.pendingWaiters = [...waiters, ...slot.pendingWaiters];
      slot.retry = this.setTimer(() => void this.flush(key, slot), this.retryMs);
      return;
    }
    if (this.slots.get(key) !== slot) return;
    slot.inFlight = undefined;
    this.opts.onWritten?.(key, result, delta);
    waiters.forEach((w) => w.resolve());
    this.settled(key, slot);
  }

  /** The key's write is over: the next one if changes arrived meanwhile, else the key is idle. */
  private settled(key: string, slot: Slot<D>): void {
    if (slot.pending !== undefined) {
      this.schedule(key, slot);
      return;
    }
    this.slots.delete(key);
    this.rememberStart(key, slot.lastStart);
    this.notifyIdle();
  }

  private gap(): number {
    const g = this.opts.minGapMs;
    return typeof g === 'function' ? g() : (g ?? 0);
  }

  /** A key written less than `minGapMs` ago keeps its gap when its next change comes (bounded: old entries are dropped). */
  private rememberStart(key: string, at: number): void {
    const gap = this.gap();
    if (gap <= 0) return;
    const now = this.now();
    if (this.lastStarts.size > 10_000) for (const [k, t] of this.lastStarts) if (now - t >= gap) this.lastStarts.delete(k);
    this.lastStarts.set(key, at);
  }

  private notifyIdle(): void {
    if (this.slots.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}
