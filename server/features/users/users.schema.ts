/** Input of the user and unit forms (admins only), with the reason for each rule. */
import { z } from 'zod';
import { ROLES, type Role } from '../../../models/user';
import { UNIT_TIME_ZONE_IDS } from '../../i18n/format';

const objectId = z.string().regex(/^[0-9a-f]{24}$/i, 'users.unitRequired');

// Why the refine: unit managers and viewers are scoped by their unit; without one they see nothing.
const userFields = {
  name: z.string().trim().min(1, 'admin.required').max(200, 'admin.tooLong'),
  role: z.enum(ROLES, { message: 'users.roleInvalid' }),
  unitId: z
    .union([z.literal(''), objectId])
    .optional()
    .transform((v) => (v ? v : null)),
};
const needsUnit = (v: { role: Role; unitId: string | null }) => v.role === 'admin' || v.unitId !== null;

export const createUserSchema = z
  .object({ email: z.string().trim().toLowerCase().email('users.emailInvalid').max(254, 'users.emailInvalid'), ...userFields })
  .refine(needsUnit, { path: ['unitId'], message: 'users.unitRequired' });
export type CreateUserInput = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    ...userFields,
    disabled: z
      .literal('on')
      .optional()
      .transform((v) => v === 'on'),
  })
  .refine(needsUnit, { path: ['unitId'], message: 'users.unitRequired' });
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

// Units are in Indonesia: the three zones of the country, nothing else to mistype.
const unitTimeZone = z.enum(UNIT_TIME_ZONE_IDS, { message: 'units.err.timeZone' });

const unitName = z.string().trim().min(1, 'admin.required').max(200, 'admin.tooLong');

// Why the slug rule: it appears in API URLs (/api/v1/units/<slug>/indicators) and imports.
export const createUnitSchema = z.object({
  name: unitName,
  slug: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'surveys.err.slug'),
  parentId: z.union([z.literal(''), z.string().regex(/^[0-9a-f]{24}$/i, 'units.err.parent')]).optional(),
  /** WIB, WITA or WIT; absent: the configured default. */
  timeZone: unitTimeZone.optional(),
});
export type CreateUnitInput = z.infer<typeof createUnitSchema>;

/** A unit's name and clock (absent time zone: unchanged). */
export const renameUnitSchema = z.object({ name: unitName, timeZone: unitTimeZone.optional() });
export type RenameUnitInput = z.infer<typeof renameUnitSchema>;
