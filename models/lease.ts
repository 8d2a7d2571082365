/**
 * Leases for work that one app process should do at a time (the periodic counter reconcile).
 * A lease is taken by inserting "<name>:<period number>" as the _id: the insert either succeeds
 * (held for that period) or fails with E11000 (someone else holds it). No update, so no atomic
 * read-modify-write is needed on any engine.
 */
import { Schema, model } from 'mongoose';

const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { strict: 'throw', versionKey: false },
);

export const Lease = model('Lease', leaseSchema, 'leases');
