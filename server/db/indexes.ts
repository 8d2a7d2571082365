/** Create every model's indexes (idempotent). Run at start, before the app takes traffic. */
import mongoose from 'mongoose';

export async function syncAllIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((e: { codeName?: string }) => {
      if (e.codeName !== 'NamespaceExists') throw e;
    });
    await model.createIndexes();
  }
}
