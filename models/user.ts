/** A person who manages surveys or reads results. Passwords are argon2id hashes only. */
import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const ROLES = ['admin', 'unit-manager', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const userSchema = new Schema(
  {
    email: { type: String, required: true, trim: true, lowercase: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    /** admin: everything; unit-manager: own unit and sub-units; viewer: read-only, own unit. */
    role: { type: String, enum: ROLES, required: true },
    /** Required for unit-manager and viewer. */
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', default: null },
    passwordHash: { type: String, required: true },
    /** Bumped by "log out everywhere" and by a password change: older sessions stop working. */
    sessionVersion: { type: Number, default: 0 },
    /** Set for a generated one-time password: the user must choose a new one after login. */
    mustChangePassword: { type: Boolean, default: false },
    disabled: { type: Boolean, default: false },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: true, strict: 'throw' },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ unitId: 1 });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
export const User = model('User', userSchema);
