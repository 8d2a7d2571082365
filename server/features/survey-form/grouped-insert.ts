/**
 * Group commit for inserts: documents submitted concurrently are written with one
 * `insertMany({ ordered: false })`, one batch in flight at a time. Each caller's promise settles
 * only when the write that contains its document has been acknowledged (with the connection's
 * write concern: journaled, majority), and fails with that document's own error (e.g. E11000
 * for a reused idempotency key) without affecting the others in the batch. If the whole batch
 * fails (connection lost), every caller fails; some documents may have been stored, which the
 * idempotency key makes harmless: the retry finds its own document.
 */
import type { Collection, Document, MongoBulkWriteError } from 'mongodb';

type Pending = { doc: Document; resolve: () => void; reject: (e: unknown) => void };

export class GroupedInsert {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly collection: () => Collection,
    private readonly maxBatch = 200,
  ) {}

  insert(doc: Document): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      await this.collection().insertMany(
        batch.map((p) => p.doc),
        { ordered: false },
      );
      batch.forEach((p) => p.resolve());
    } catch (e) {
      const failed = new Map<number, unknown>();
      const bulk = e as Partial<MongoBulkWriteError>;
      const list = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : bulk.writeErrors ? [bulk.writeErrors] : [];
      // Not acknowledged as durable, or not a per-document failure: nobody may be thanked.
      if (list.length === 0 || (bulk.writeConcernError ?? null) !== null || (bulk.result?.getWriteConcernError?.() ?? undefined) !== undefined) {
        batch.forEach((p) => p.reject(e));
        return;
      }
      for (const w of list) failed.set(w.index, Object.assign(new Error(w.errmsg ?? 'write error'), { code: w.code }));
      batch.forEach((p, i) => (failed.has(i) ? p.reject(failed.get(i)) : p.resolve()));
    }
  }
}
