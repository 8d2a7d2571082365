/**
 * Deleting expired documents (sessions, login-attempt slots, rate-limit windows, abandoned
 * uploads) in small bounded batches: neither engine gets one long delete that holds its write
 * lock, and on the embedded FerretDB each batch is a delete by `_id` (an indexed lookup) after a
 * read of at most `batch` ids. There is no TTL index on FerretDB, so every expiry is a sweep.
 */
import type { Collection, Document, Filter, InferIdType } from 'mongodb';

export interface SweepOptions<T extends Document> {
  /** Documents per batch (default 500). */
  batch?: number;
  /** Batches per call at most (default 20); the next call goes on where this one stopped. */
  maxBatches?: number;
  /** Called with the ids of each batch before they are deleted (e.g. to delete attached files). */
  onBatch?: (ids: InferIdType<T>[]) => Promise<void>;
}

/** Delete the documents matching `filter`, batch by batch. Returns how many were deleted. */
export async function sweepExpired<T extends Document>(collection: Collection<T>, filter: Filter<T>, opts: SweepOptions<T> = {}): Promise<number> {
  const batch = opts.batch ?? 500;
  const maxBatches = opts.maxBatches ?? 20;
  let deleted = 0;
  for (let i = 0; i < maxBatches; i += 1) {
    const ids = (
      await collection
        .find(filter, { projection: { _id: 1 } })
        .limit(batch)
        .toArray()
    ).map((d) => d._id);
    if (ids.length === 0) break;
    await opts.onBatch?.(ids);
    // The filter again: a document renewed since it was read (a session in use) stays.
    const r = await collection.deleteMany({ ...filter, _id: { $in: ids } } as Filter<T>);
    deleted += r.deletedCount;
    if (ids.length < batch) break;
  }
  return deleted;
}
