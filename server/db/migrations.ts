/**
 * Data migrations: changes to documents written by an earlier version, applied once per
 * database at start, in the background (the app serves meanwhile), and recorded in
 * `migrations` when finished. Each is idempotent: a restart halfway runs it again safely.
 *
 * They read a collection once, in `_id` order through one cursor (no sort or range the
 * embedded engine would evaluate per batch), and write each changed document by `_id`.
 */
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import { Migration } from '../../models/migration';
import { Response } from '../../models/response';
import { dayKey, reconcile, responseId, suggestionKey, type KeyScope } from '../responses';
import { isDuplicateKey } from '../errors';

const SCOPES: readonly KeyScope[] = ['form', 'import', 'demo', 'bench'];

/**
 * A response stored before its _id was derived from its key (a random ObjectId and a unique
 * index on idempotencyKey) is stored again under the derived _id, then the old copy is deleted.
 * Without this, a retry of it arriving after the upgrade (a respondent's browser sending the same
 * form again) is a new _id, so it would be stored a second time. Returns whether it moved it.
 * Safe to repeat: a copy already made is a duplicate key, and the old one is deleted then.
 */
async function rekeyLegacyResponse(d: { _id: Types.ObjectId; surveyId?: unknown; source?: unknown; idempotencyKey?: unknown }): Promise<boolean> {
  if (typeof d.idempotencyKey !== 'string' || d.surveyId === undefined || d.surveyId === null) return false;
  const surveyId = String(d.surveyId);
  const key = d.idempotencyKey;
  if (SCOPES.some((scope) => String(responseId(surveyId, scope, key)) === String(d._id))) return false;
  const full = await Response.collection.findOne({ _id: d._id });
  if (!full) return false; // gone meanwhile
  // The form stored web and kiosk responses under the key the browser sent; an import under its row key.
  const scope: KeyScope = full.source === 'import' ? 'import' : 'form';
  const { _id: oldId, ...rest } = full;
  try {
    await Response.collection.insertOne({ ...rest, _id: responseId(surveyId, scope, key) });
  } catch (e) {
    if (!isDuplicateKey(e)) throw e; // copied before a restart: only the old one is left to delete
  }
  await Response.collection.deleteOne({ _id: oldId });
  return true;
}

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
  {
    // Responses stored before the response pipeline (random _id): moved to the _id their key
    // derives, so that a retry after the upgrade is recognised as already stored. The counters
    // are unchanged (the same response, counted once, under another _id).
    id: '2026-11-response-derived-ids',
    async run() {
      let changed = 0;
      const cursor = Response.collection.find({}, { projection: { surveyId: 1, source: 1, idempotencyKey: 1 } }).batchSize(1000);
      for await (const d of cursor) if (await rekeyLegacyResponse(d)) changed += 1;
      return changed;
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
