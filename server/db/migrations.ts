/**
 * Data migrations: changes to documents written by an earlier version, applied once per
 * database at start, in the background (the app serves meanwhile), and recorded in
 * `migrations` when finished. Each is idempotent: a restart halfway runs it again safely.
 *
 * They read a collection once, in `_id` order through one cursor (no sort or range the
 * embedded engine would evaluate per batch), and write each changed document by `_id`.
 */
import type { Logger } from 'pino';
import { Migration } from '../../models/migration';
import { Response } from '../../models/response';
import { dayKey, reconcile, suggestionKey } from '../responses';

export interface DataMigration {
  id: string;
  /** Returns how many documents it changed. */
  run: () => Promise<number>;
}

export const MIGRATIONS: readonly DataMigration[] = [
  {
    // Responses with a suggestion get the day it was given (Response.suggestionKey), by which
    // the suggestions are read newest first (server/features/dashboard/suggestions.service.ts).
    id: '2026-11-response-suggestion-key',
    async run() {
      let changed = 0;
      const cursor = Response.collection.find({}, { projection: { surveyId: 1, suggestion: 1, submittedAt: 1, suggestionKey: 1 } }).batchSize(1000);
      for await (const d of cursor) {
        if (typeof d.suggestion !== 'string' || d.suggestion === '' || typeof d.suggestionKey === 'string') continue;
        if (!(d.submittedAt instanceof Date)) continue;
        await Response.collection.updateOne({ _id: d._id }, { $set: { suggestionKey: suggestionKey(d.surveyId, dayKey(d.submittedAt)) } });
        changed += 1;
      }
      return changed;
    },
  },
  {
    // The profile cells (models/survey-stats.ts) of the responses stored before they existed:
    // the reconcile finds them missing and rebuilds the survey's counters (when no response is
    // being counted; otherwise the periodic reconcile does it later, and meanwhile a profile
    // filter recounts from the raw responses, see server/results/read-model.ts loadCells).
    id: '2026-11-profile-cells',
    async run() {
      const report = await reconcile();
      return report.drifted.filter((d) => d.repaired).length;
    },
  },
];

/** Runs the migrations this database has not had yet, in order. Resolves when all are done. */
export async function runMigrations(
  opts: { logger?: Pick<Logger, 'info' | 'warn'>; now?: () => Date; migrations?: readonly DataMigration[] } = {},
): Promise<string[]> {
  const now = opts.now ?? (() => new Date());
  const done = new Set((await Migration.find({}, { _id: 1 }).lean()).map((m) => String(m._id)));
  const ran: string[] = [];
  for (const m of opts.migrations ?? MIGRATIONS) {
    if (done.has(m.id)) continue;
    const changed = await m.run();
    await Migration.updateOne({ _id: m.id }, { $set: { doneAt: now(), changed } }, { upsert: true });
    opts.logger?.info({ migration: m.id, changed }, 'data migration done');
    ran.push(m.id);
  }
  return ran;
}
