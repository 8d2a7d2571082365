/** An organisation unit (a directorate and its sub-units). */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const unitSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** Short stable identifier used in URLs and imports, e.g. "dit-pkr". */
    slug: { type: String, required: true, trim: true, lowercase: true, maxlength: 80 },
    parentId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    /**
     * Ancestors from the root down, this unit included. "This unit and its sub-units" is then
     * one indexed equality match on `path` (no $graphLookup, which FerretDB lacks).
     */
    path: { type: [Schema.Types.ObjectId], default: [] },
    /** IANA time zone of the unit's clock (WIB by default): timestamps in exports use it. */
    timeZone: { type: String, trim: true, maxlength: 64, default: 'Asia/Jakarta' },
  },
  { timestamps: true, strict: 'throw' },
);

unitSchema.index({ slug: 1 }, { unique: true });
unitSchema.index({ path: 1 });
unitSchema.index({ parentId: 1 });

export type UnitDoc = InferSchemaType<typeof unitSchema> & { _id: Types.ObjectId };
export const Unit = model('Unit', unitSchema);
