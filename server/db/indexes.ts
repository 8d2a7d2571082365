/** Create every model's indexes (idempotent). Run at start, before the app takes traffic. */
import mongoose from 'mongoose';

/**
 * Indexes older versions created and this one no longer wants: uniqueness now comes from _ids
 * derived from the keys (server/responses), and a left-over unique index would refuse a valid
 * document (a second counter shard of a bucket; a form key equal to another survey's key); an
 * unused index only slows every insert.
 */
const RETIRED: { collection: string; index: string }[] = [
  { collection: 'responses', index: 'idempotencyKey_1' },
  { collection: 'surveystats', index: 'surveyId_1_bucket_1' },
  { collection: 'deviceresponses', index: 'surveyId_1_deviceHash_1' },
  // Two-field lookups the embedded engine served from their first field only (suggestionKey replaces them).
  { collection: 'responses', index: 'surveyId_1_suggestionDay_1' },
  { collection: 'responses', index: 'surveyId_1_suggestionHidden_1' },
];

export async function syncAllIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((e: { codeName?: string }) => {
      if (e.codeName !== 'NamespaceExists') throw e;
    });
    await model.createIndexes();
  }
  for (const r of RETIRED) {
    await mongoose.connection.db
      ?.collection(r.collection)
      .dropIndex(r.index)
      .catch(() => undefined); // absent: nothing to retire
  }
}
