/**
 * The counting outbox: before a batch of responses is inserted, the ids it will insert are
 * written here under the batch id "<writer>:<seq>", and every response stores that batch id. The
 * entry is deleted once the batch's responses are in the counters. An entry that outlives its
 * writer (a crash, a lost connection) is resolved later: the responses it names that carry its
 * batch id are counted, exactly once (server/responses/outbox.ts). The collection stays small
 * (one entry per batch in flight), so reading all of it is cheap on every engine.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const countingOutboxSchema = new Schema(
  {
    /** "<writer>:<seq>" */
    _id: { type: String, required: true },
    writer: { type: String, required: true },
    /** The response _ids this batch inserts (some may turn out to be stored before: retries). */
    ids: { type: [Schema.Types.ObjectId], default: [] },
    createdAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

export type CountingOutboxDoc = InferSchemaType<typeof countingOutboxSchema> & { _id: string };
export const CountingOutbox = model('CountingOutbox', countingOutboxSchema, 'countingoutbox');
