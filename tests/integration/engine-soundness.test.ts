/**
 * The embedded engine is a sound database (issue 8), proven with the raw Node driver, independent
 * of the app: updates are atomic under concurrency, every reply answers the query that asked for
 * it (also around unacknowledged writes and timed-out queries), equality lookups on indexed
 * fields use the index, pushdown never loses a matching document, and a kill -9 loses no
 * acknowledged write. Sized for CI; the long version is bench/engine.ts.
 *
 * Runs against whatever server the test run uses (the embedded FerretDB, or a real mongod).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, ObjectId, type Collection, type Db, type Document } from 'mongodb';
import { startEmbeddedDatabase } from '../../server/db/embedded';
import { testDatabaseUri } from '../support/db';

jest.setTimeout(120_000);

const isFerret = process.env.SKM_TEST_DB_KIND !== 'mongod';

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = new MongoClient(testDatabaseUri(), { maxPoolSize: 25 });
  await client.connect();
  db = client.db(`skm_engine_${crypto.randomBytes(4).toString('hex')}`);
});

afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await client.close();
});

/** Run `n` async workers at once, each calling `body(worker, i)` `each` times in a row. */
async function workers(n: number, each: number, body: (w: number, i: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      for (let i = 0; i < each; i += 1) await body(w, i);
    }),
  );
}

describe('atomic updates', () => {
  it('20 concurrent clients × 50 $inc on one document end at exactly 1,000', async () => {
    const c = db.collection<{ _id: string; n: number }>('counters');
    await c.insertOne({ _id: 'one', n: 0 });
    await workers(20, 50, async () => {
      await c.updateOne({ _id: 'one' }, { $inc: { n: 1 } });
    });
    expect((await c.findOne({ _id: 'one' }))?.n).toBe(1000);
  });

  it('an admin $set racing with 400 concurrent $inc of the same document is never lost', async () => {
    const c = db.collection<{ _id: string; n: number; status: string; title?: string }>('surveys');
    await c.insertOne({ _id: 's', n: 0, status: 'open' });
    let setAcknowledged = false;
    await Promise.all([
      workers(20, 20, async () => {
        await c.updateOne({ _id: 's' }, { $inc: { n: 1 } });
      }),
      (async () => {
        // Let the increments start, then close the survey in the middle of them.
        for (let i = 0; i < 20; i += 1) await c.findOne({ _id: 's' });
        await c.updateOne({ _id: 's' }, { $set: { status: 'closed', title: 'Ditutup' } });
        setAcknowledged = true;
      })(),
    ]);
    expect(setAcknowledged).toBe(true);
    const doc = await c.findOne({ _id: 's' });
    expect(doc).toMatchObject({ n: 400, status: 'closed', title: 'Ditutup' });
  });

  it('findOneAndUpdate $inc hands out every number exactly once', async () => {
    const c = db.collection<{ _id: string; seq: number }>('sequences');
    await c.insertOne({ _id: 'seq', seq: 0 });
    const got: number[] = [];
    await workers(10, 30, async () => {
      const r = await c.findOneAndUpdate({ _id: 'seq' }, { $inc: { seq: 1 } }, { returnDocument: 'after' });
      got.push(r!.seq);
    });
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('concurrent upserts of one _id create one document and count every increment', async () => {
    const c = db.collection<{ _id: string; n: number }>('upserts');
    await workers(10, 20, async () => {
      await c.updateOne({ _id: 'bucket' }, { $inc: { n: 1 } }, { upsert: true }).catch(async (e: Error) => {
        // MongoDB itself may answer a racing upsert with E11000; the retry is what drivers do.
        if (!/E11000|duplicate/i.test(e.message)) throw e;
        await c.updateOne({ _id: 'bucket' }, { $inc: { n: 1 } }, { upsert: true });
      });
    });
    expect(await c.countDocuments({})).toBe(1);
    expect((await c.findOne({ _id: 'bucket' }))?.n).toBe(200);
  });
});

describe('every reply answers its own query', () => {
  const N = 300;
  let items: Collection<{ _id: number; key: string; title: string; group: string }>;

  beforeAll(async () => {
    items = db.collection('items');
    await items.createIndex({ key: 1 }, { unique: true });
    await items.createIndex({ group: 1 });
    await items.insertMany(Array.from({ length: N }, (_, i) => ({ _id: i, key: `k-${i}`, title: `Survei ${i}`, group: `g-${i % 10}` })));
  });

  it('2,000 mixed concurrent queries, around unacknowledged (w:0) sweeps and timed-out queries, all get their own answer', async () => {
    const junk = db.collection<{ _id: number; expires: Date }>('sessions');
    await junk.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i, expires: new Date(Date.now() - (i % 2) * 3600_000) })));
    const wrong: string[] = [];
    let sweeps = 0;
    let timeouts = 0;
    await Promise.all([
      workers(20, 100, async (w, i) => {
        const n = (w * 7919 + i * 104729) % N;
        switch (i % 4) {
          case 0: {
            const d = await items.findOne({ key: `k-${n}` });
            if (d?.title !== `Survei ${n}`) wrong.push(`findOne k-${n} → ${JSON.stringify(d)}`);
            break;
          }
          case 1: {
            const d = await items.findOne({ _id: n });
            if (d?.key !== `k-${n}`) wrong.push(`findOne _id ${n} → ${JSON.stringify(d)}`);
            break;
          }
          case 2: {
            const count = await items.countDocuments({ group: `g-${n % 10}` });
            if (count !== N / 10) wrong.push(`count g-${n % 10} → ${count}`);
            break;
          }
          default: {
            const r = await items.updateOne({ _id: n }, { $set: { touched: w } });
            if (r.matchedCount !== 1) wrong.push(`update ${n} → ${JSON.stringify(r)}`);
          }
        }
      }),
      // The session store's expiry sweep is an unacknowledged deleteMany (w: 0): the server must
      // send no reply, or the connection answers every later query with the previous reply.
      workers(1, 20, async (_, i) => {
        await junk.deleteMany({ _id: { $gte: i * 10, $lt: i * 10 + 5 } }, { writeConcern: { w: 0 } });
        sweeps += 1;
      }),
      // Queries given up by the client: their connection must never serve a stale reply.
      workers(2, 10, async () => {
        await items
          .find({ title: { $regex: 'Survei' } })
          .maxTimeMS(1)
          .toArray()
          .catch(() => {
            timeouts += 1;
          });
      }),
    ]);
    expect(sweeps).toBe(20);
    expect(timeouts).toBeGreaterThanOrEqual(0);
    expect(wrong).toEqual([]);
    // The unacknowledged deletes did happen (the next acknowledged read sees them).
    expect(await junk.countDocuments({ _id: { $lt: 200 } })).toBe(100);
  });
});

describe('pushdown to indexes', () => {
  let people: Collection<Document>;

  beforeAll(async () => {
    people = db.collection('people');
    await people.createIndex({ email: 1 }, { unique: true });
    await people.createIndex({ unitId: 1, year: 1 });
    await people.createIndex({ tags: 1 });
  });

  it('equality on a uniquely indexed field uses the index (explain)', async () => {
    await people.insertOne({ email: 'a@example.go.id' });
    const plan = JSON.stringify(await people.find({ email: 'a@example.go.id' }).explain());
    if (isFerret) {
      expect(plan).toMatch(/USING INDEX [^"]*_email_1/);
      expect(plan).toMatch(/"pushdown":true|"filterPushdown":true/i);
    } else {
      expect(plan).toMatch(/IXSCAN/);
    }
    const byId = JSON.stringify(await people.find({ _id: new ObjectId() }).explain());
    if (isFerret) expect(byId).toMatch(/USING INDEX [^"]*__id_/);
  });

  it('never loses a matching document: arrays, $eq, $in, special characters, other types', async () => {
    const unitId = new ObjectId();
    const strange = ['<b>&amp;"kutip"\\</b>', 'Bebas pungutan — “gratifikasi” ✓', 'emoji 😀 ', '\u2028line\u2029', 'tab\tnewline\n', ''];
    await people.insertMany([
      ...strange.map((email, i) => ({ email: `x${i}${email}`, unitId, year: 2022, tags: 't' })),
      { email: 'arr@example.go.id', unitId, year: 2022, tags: ['a', 'b'] },
      { email: 'num@example.go.id', unitId: unitId.toHexString(), year: 2022.0, tags: 7 },
      { email: 'bool@example.go.id', active: true, tags: [] },
    ]);
    for (const [i, s] of strange.entries()) {
      expect(await people.countDocuments({ email: `x${i}${s}` })).toBe(1);
      expect(await people.countDocuments({ email: { $eq: `x${i}${s}` } })).toBe(1);
    }
    // MongoDB matches an array field by any element.
    expect((await people.find({ tags: 'a' }).toArray()).map((d) => d.email)).toEqual(['arr@example.go.id']);
    expect(await people.countDocuments({ tags: { $in: ['b', 't'] } })).toBe(strange.length + 1);
    // An ObjectId and its hex string are different values; a number is not a string.
    expect(await people.countDocuments({ unitId })).toBe(strange.length + 1);
    expect(await people.countDocuments({ unitId: unitId.toHexString() })).toBe(1);
    expect(await people.countDocuments({ unitId, year: 2022 })).toBe(strange.length + 1);
    expect(await people.countDocuments({ active: true })).toBe(1);
    expect(await people.countDocuments({ active: false })).toBe(0);
    expect(await people.countDocuments({ email: 'nobody' })).toBe(0);
    // Aggregation $match is pushed down the same way.
    const grouped = await people.aggregate<{ _id: number; n: number }>([{ $match: { unitId } }, { $group: { _id: '$year', n: { $sum: 1 } } }]).toArray();
    expect(grouped).toEqual([{ _id: 2022, n: strange.length + 1 }]);
  });

  it('the unique index still refuses a duplicate, and updates and deletes by _id still work', async () => {
    await expect(people.insertOne({ email: 'a@example.go.id' })).rejects.toThrow(/duplicate|E11000/i);
    const { insertedId } = await people.insertOne({ email: 'del@example.go.id', n: 1 });
    expect((await people.updateOne({ _id: insertedId }, { $inc: { n: 1 } })).modifiedCount).toBe(1);
    expect((await people.findOne({ _id: insertedId }))?.n).toBe(2);
    expect((await people.deleteOne({ _id: insertedId })).deletedCount).toBe(1);
    expect(await people.findOne({ _id: insertedId })).toBeNull();
  });
});

describe('crash safety of the embedded engine', () => {
  it('kill -9 of the engine during inserts loses no acknowledged write', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skm-engine-crash-'));
    const engine = await startEmbeddedDatabase({ dataDir, engine: 'ferretdb', restartDelayMs: 100 });
    const c2 = new MongoClient(engine.uri, { serverSelectionTimeoutMS: 20_000, maxPoolSize: 10 });
    try {
      const coll = c2.db('crash').collection<{ _id: string; w: number }>('writes');
      const acked: string[] = [];
      let killed = false;
      await Promise.all([
        workers(8, 40, async (w, i) => {
          const _id = `w${w}-${i}`;
          try {
            await coll.insertOne({ _id, w });
            acked.push(_id);
          } catch {
            // Refused or cut off by the crash: not acknowledged, so it may or may not be stored.
          }
          if (!killed && acked.length >= 60) {
            killed = true;
            process.kill(engine.pid()!, 'SIGKILL');
          }
        }),
      ]);
      expect(killed).toBe(true);
      const stored = new Set((await coll.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      const lost = acked.filter((id) => !stored.has(id));
      expect(acked.length).toBeGreaterThan(60);
      expect(lost).toEqual([]);
    } finally {
      await c2.close();
      await engine.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
