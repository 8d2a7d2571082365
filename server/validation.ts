/**
 * Validation with zod: every field error collected at once, as message keys per field, so a
 * form can come back with the user's input intact and each problem beside its field.
 * No Express here: routes use it through `validate(schema)` (server/web/validate.ts).
 */
import type { z } from 'zod';
import { Invalid, type FieldErrors } from './errors';
import type { MessageKey } from './i18n';

/**
 * Parse `input` with `schema`. Issue messages in the schema are message keys
 * (e.g. `z.string().min(1, 'form.required')`); zod's own defaults become `fallback`.
 */
export function parseOrInvalid<S extends z.ZodType>(schema: S, input: unknown, fallback: MessageKey = 'error.invalid'): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields: FieldErrors = {};
  for (const issue of r.error.issues) {
    const field = issue.path.map(String).join('.') || '_';
    if (fields[field]) continue;
    fields[field] = (/^[a-z][A-Za-z]*\.[A-Za-z.]+$/.test(issue.message) ? issue.message : fallback) as MessageKey;
  }
  throw new Invalid(fields);
}
