/**
 * Expired documents are deleted in bounded batches (server/db/sweep.ts), and a document renewed
 * between the read and the delete stays: the session sweep, the login-attempt sweep and the
 * abandoned-upload sweep all go through it.
 */
import mongoose from 'mongoose';
import { sweepExpired } from '../../server/db/sweep';
import { sweepExpiredSessions } from '../../server/web/session';
import { useTestDatabase } from '../support/db';

useTestDatabase();

const now = new Date('2026-11-29T12:00:00Z');
const past = new Date(now.getTime() - 60_000);
const future = new Date(now.getTime() + 60_000);

function collection(name: string) {
  return mongoose.connection.db!.collection<{ _id: string; expires: Date }>(name);
}

describe('sweepExpired', () => {
  it('deletes at most batch × maxBatches per call, the rest on the next call, and never a live document', async () => {
    const c = collection('sweep_a');
    await c.insertMany([
      ...Array.from({ length: 1200 }, (_, i) => ({ _id: `old-${i}`, expires: past })),
      ...Array.from({ length: 10 }, (_, i) => ({ _id: `live-${i}`, expires: future })),
    ]);
    expect(await sweepExpired(c, { expires: { $lt: now } }, { batch: 500, maxBatches: 2 })).toBe(1000);
    expect(await c.countDocuments({})).toBe(210);
    expect(await sweepExpired(c, { expires: { $lt: now } }, { batch: 500, maxBatches: 2 })).toBe(200);
    expect(await sweepExpired(c, { expires: { $lt: now } }, { batch: 500, maxBatches: 2 })).toBe(0);
    expect((await c.find({}).toArray()).map((d) => d._id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `live-${i}`).sort());
  });

  it('a document renewed after it was read for deletion is kept; onBatch sees each batch before it goes', async () => {
    const c = collection('sweep_b');
    await c.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `s-${i}`, expires: past })));
    const seen: string[] = [];
    const deleted = await sweepExpired(
      c,
      { expires: { $lt: now } },
      {
        onBatch: async (ids) => {
          seen.push(...ids);
          await c.updateOne({ _id: 's-2' }, { $set: { expires: future } }); // the user came back
        },
      },
    );
    expect(seen.sort()).toEqual(['s-0', 's-1', 's-2', 's-3', 's-4']);
    expect(deleted).toBe(4);
    expect((await c.find({}).toArray()).map((d) => d._id)).toEqual(['s-2']);
  });
});

describe('session sweep', () => {
  it('removes expired sessions and keeps live ones', async () => {
    const c = collection('sessions');
    await c.insertMany([
      { _id: 'gone', expires: past },
      { _id: 'kept', expires: future },
    ]);
    expect(await sweepExpiredSessions(now)).toBe(1);
    expect((await c.find({}).toArray()).map((d) => d._id)).toEqual(['kept']);
  });
});
