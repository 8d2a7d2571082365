/**
 * Data migrations already applied to this database (server/db/migrations.ts), one document per
 * migration, `_id` = its name: written once, when the migration has finished.
 */
import { Schema, model } from 'mongoose';

const migrationSchema = new Schema(
  {
    _id: { type: String, required: true },
    doneAt: { type: Date, required: true },
    /** How many documents it changed. */
    changed: { type: Number, default: 0 },
  },
  { versionKey: false },
);

export const Migration = model('Migration', migrationSchema, 'migrations');
