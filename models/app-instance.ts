/**
 * One document per running app process ("writer"), refreshed every few seconds: it says the
 * process is alive, so its counter shards and outbox entries are left to it. A process whose
 * document is stale is dead (or fenced itself off), and any instance may resolve its outbox.
 * Also used at start to refuse a second instance on the embedded database.
 */
import { Schema, model, type InferSchemaType } from 'mongoose';

const appInstanceSchema = new Schema(
  {
    /** The writer id. */
    _id: { type: String, required: true },
    host: { type: String, default: '' },
    pid: { type: Number, default: 0 },
    startedAt: { type: Date, required: true },
    /** Last heartbeat. */
    seenAt: { type: Date, required: true },
    /** Set on a clean shutdown. */
    stoppedAt: { type: Date, default: null },
  },
  { strict: 'throw', versionKey: false },
);

export type AppInstanceDoc = InferSchemaType<typeof appInstanceSchema> & { _id: string };
export const AppInstance = model('AppInstance', appInstanceSchema, 'appinstances');
