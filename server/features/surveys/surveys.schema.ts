/**
 * What the survey forms accept. Field names are the form's input names, so each error comes
 * back beside its field. Lists (services, profile questions) are repeatable rows (see below),
 * so the pages work without JavaScript.
 */
import { z } from 'zod';
import { TEMPLATE_IDS } from '../../ikm';
import { Invalid, type FieldErrors } from '../../errors';

const optionalInt = (min: number, max: number, message: 'surveys.err.semester' | 'surveys.err.quarter' | 'surveys.err.month' | 'surveys.err.population') =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? Number(v) : null))
    .refine((v) => v === null || (Number.isInteger(v) && v >= min && v <= max), message);

/**
 * A calendar date from a date input, read in Western Indonesia Time (WIB, UTC+7): opening at
 * the start of that day, closing at its end, so "closes 31 December" includes 31 December.
 */
export const WIB_OFFSET = '+07:00';

/** The WIB calendar date of a stored instant, for a date input. */
export function wibDate(d: Date | null | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}

const date = (edge: 'start' | 'end') =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{4}-\d{2}-\d{2}$/.test(v), 'surveys.err.date')
    // A day that does not exist (31 February) must not roll over into the next month.
    .refine((v) => !v || wibDate(new Date(`${v}T12:00:00${WIB_OFFSET}`)) === v, 'surveys.err.date')
    .transform((v) => (v ? new Date(`${v}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}${WIB_OFFSET}`) : null));

const checkbox = z
  .literal('on')
  .optional()
  .transform((v) => v === 'on');

export const periodFields = {
  year: z
    .string()
    .trim()
    .regex(/^\d{4}$/, 'surveys.err.year')
    .transform(Number)
    .refine((y) => y >= 2000 && y <= 2100, 'surveys.err.year'),
  semester: optionalInt(1, 2, 'surveys.err.semester'),
  quarter: optionalInt(1, 4, 'surveys.err.quarter'),
  month: optionalInt(1, 12, 'surveys.err.month'),
};

const titleField = z.string().trim().min(1, 'admin.required').max(200, 'admin.tooLong');

// Why the slug rule: it is the public URL /s/<slug>, printed on posters and QR codes.
export const createSchema = z
  .object({
    title: titleField,
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'surveys.err.slug'),
    unitId: z.string().regex(/^[0-9a-f]{24}$/i, 'surveys.err.unit'),
    ...periodFields,
    source: z.enum([...TEMPLATE_IDS, 'custom', 'copy'], { message: 'surveys.err.template' }),
    customCount: z.string().trim().optional(),
    copyFrom: z.string().trim().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.source === 'custom') {
      const k = Number(v.customCount);
      if (!Number.isInteger(k) || k < 1 || k > 15) ctx.addIssue({ code: 'custom', path: ['customCount'], message: 'surveys.err.customCount' });
    }
    if (v.source === 'copy' && !/^[0-9a-f]{24}$/i.test(v.copyFrom ?? '')) {
      ctx.addIssue({ code: 'custom', path: ['copyFrom'], message: 'surveys.err.copyFrom' });
    }
  });
export type CreateInput = z.infer<typeof createSchema>;

export const settingsSchema = z
  .object({
    title: titleField,
    description: z.string().trim().max(2000, 'admin.tooLong').optional().default(''),
    titleEn: z.string().trim().max(200, 'admin.tooLong').optional().default(''),
    descriptionEn: z.string().trim().max(2000, 'admin.tooLong').optional().default(''),
    ...periodFields,
    population: optionalInt(1, 100_000_000, 'surveys.err.population'),
    opensAt: date('start'),
    closesAt: date('end'),
    suggestionEnabled: checkbox,
    oneResponsePerDevice: checkbox,
  })
  .refine((v) => !v.opensAt || !v.closesAt || v.opensAt < v.closesAt, { path: ['closesAt'], message: 'surveys.err.closesBeforeOpens' });
export type SettingsInput = z.infer<typeof settingsSchema>;

// The achievement options mirror server/ikm achievement(): agencies differ on cap and rounding.
export const indicatorSchema = z.object({
  code: z.string().trim().min(1, 'admin.required').max(40, 'admin.tooLong'),
  name: z.string().trim().min(1, 'admin.required').max(300, 'admin.tooLong'),
  target: z
    .string()
    .trim()
    .regex(/^\d{1,3}([.,]\d{1,4})?$/, 'surveys.err.target')
    .transform((v) => Number(v.replace(',', '.')))
    .refine((v) => v > 0 && v <= 100, 'surveys.err.target'),
  polarity: z.enum(['higher', 'lower'], { message: 'admin.required' }),
  cap: z.enum(['none', '100', '120'], { message: 'admin.required' }).transform((v) => (v === 'none' ? null : Number(v))),
  achievementDecimals: z.enum(['0', '1', '2', '3', '4'], { message: 'admin.required' }).transform(Number),
  achievementRounding: z.enum(['round', 'truncate'], { message: 'admin.required' }),
});

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export interface ElementTexts {
  name: { id: string; en: string };
  question: { id: string; en: string };
  labels: { id: string[]; en: string[] };
}

/**
 * The element texts from the form's flat fields (name_id_0, question_en_0, label_id_0_1, …),
 * for `count` elements. Every text is required, in both languages.
 */
export function parseElementTexts(body: Record<string, unknown>, count: number): ElementTexts[] {
  const fields: Record<string, 'admin.required' | 'admin.tooLong'> = {};
  const read = (name: string, max: number) => {
    const v = text(body[name]);
    if (!v) fields[name] = 'admin.required';
    else if (v.length > max) fields[name] = 'admin.tooLong';
    return v;
  };
  const out: ElementTexts[] = [];
  for (let i = 0; i < count; i += 1) {
    out.push({
      name: { id: read(`name_id_${i}`, 120), en: read(`name_en_${i}`, 120) },
      question: { id: read(`question_id_${i}`, 500), en: read(`question_en_${i}`, 500) },
      labels: {
        id: [0, 1, 2, 3].map((j) => read(`label_id_${i}_${j}`, 80)),
        en: [0, 1, 2, 3].map((j) => read(`label_en_${i}_${j}`, 80)),
      },
    });
  }
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return out;
}

export interface Choice {
  key: string;
  name: { id: string; en: string };
}

const CHOICE_KEY = /^[a-z0-9][a-z0-9_-]{0,59}$/;
const QUESTION_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/*
 * Services and profile questions are edited as ordinary repeatable rows (issue 13, item 5): a
 * name in Indonesian, an optional English name, and a key derived from the name unless typed.
 * A row whose name and key are empty is dropped (that is how a row is removed). Without
 * JavaScript, "add a row" is a submit button (`_add`) that re-renders the section with one
 * more empty row and saves nothing. Field names:
 *   services           svc_rows, svc_<i>_id, svc_<i>_en, svc_<i>_key
 *   profile questions  pq_rows, pq_<i>_id, pq_<i>_en, pq_<i>_key, pq_<i>_kind, pq_<i>_required,
 *                      pq_<i>_opts, pq_<i>_o<j>_id, pq_<i>_o<j>_en, pq_<i>_o<j>_key
 */

/** At most this many rows are read, whatever svc_rows says. */
const MAX_ROWS = 60;

/** A key from a name: "Rehabilitasi Sosial" → "rehabilitasi-sosial" (ASCII, lower case). */
export function keyFromName(name: string, sep: '-' | '_', max: number): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^[${sep}]+|[${sep}]+$`, 'g'), '')
    .slice(0, max)
    .replace(new RegExp(`[${sep}]+$`), '');
  return base;
}

function rowCount(body: Record<string, unknown>, name: string): number {
  const n = Number(text(body[name]));
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_ROWS) : 0;
}

type RowErrors = FieldErrors;

/** A unique key: the typed one (checked), or one derived from the name (made unique with -2, -3…). */
function rowKey(
  typed: string,
  name: string,
  field: string,
  pattern: RegExp,
  sep: '-' | '_',
  max: number,
  seen: Set<string>,
  errors: RowErrors,
  fallback: string,
): string {
  if (typed) {
    if (!pattern.test(typed)) errors[field] = sep === '-' ? 'surveys.err.choiceKey' : 'surveys.err.questionKey';
    else if (seen.has(typed)) errors[field] = 'surveys.err.keyTwice';
    seen.add(typed);
    return typed;
  }
  let base = keyFromName(name, sep, max - 3);
  if (!pattern.test(base)) base = sep === '_' ? `q_${base}`.slice(0, max - 3).replace(/_+$/, '') : fallback;
  if (!pattern.test(base)) base = fallback;
  let key = base;
  for (let n = 2; seen.has(key); n += 1) key = `${base}${sep}${n}`;
  seen.add(key);
  return key;
}

function choiceRows(body: Record<string, unknown>, prefix: string, count: number, errors: RowErrors): Choice[] {
  const out: Choice[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i += 1) {
    const id = text(body[`${prefix}${i}_id`]);
    const en = text(body[`${prefix}${i}_en`]);
    const typed = text(body[`${prefix}${i}_key`]).toLowerCase();
    if (!id && !typed && !en) continue;
    if (!id) errors[`${prefix}${i}_id`] = 'admin.required';
    else if (id.length > 200) errors[`${prefix}${i}_id`] = 'admin.tooLong';
    if (en.length > 200) errors[`${prefix}${i}_en`] = 'admin.tooLong';
    const key = rowKey(typed, id, `${prefix}${i}_key`, CHOICE_KEY, '-', 60, seen, errors, `pilihan-${i + 1}`);
    out.push({ key, name: { id, en: en || id } });
  }
  return out;
}

/** Services from the rows. */
export function parseServiceRows(body: Record<string, unknown>): Choice[] {
  const errors: RowErrors = {};
  const out = choiceRows(body, 'svc_', rowCount(body, 'svc_rows'), errors);
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return out;
}

/** The form values of stored services (one empty row after them for a new one). */
/** A choice as stored (the schema's type: texts may be absent on old documents). */
type StoredChoice = { key: string; name?: { id: string; en: string } | null };

function choiceValues(prefix: string, c: StoredChoice): Record<string, string> {
  const id = c.name?.id ?? '';
  const en = c.name?.en ?? '';
  return { [`${prefix}id`]: id, [`${prefix}en`]: en === id ? '' : en, [`${prefix}key`]: c.key };
}

export function serviceRowValues(services: readonly StoredChoice[]): Record<string, string> {
  const v: Record<string, string> = { svc_rows: String(services.length + 1) };
  services.forEach((c, i) => Object.assign(v, choiceValues(`svc_${i}_`, c)));
  return v;
}

export interface ProfileQuestion {
  key: string;
  label: { id: string; en: string };
  kind: 'choice' | 'text';
  options: Choice[];
  required: boolean;
}

/** Profile questions from the rows; a choice question needs at least one option. */
export function parseProfileRows(body: Record<string, unknown>): ProfileQuestion[] {
  const errors: RowErrors = {};
  const out: ProfileQuestion[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < rowCount(body, 'pq_rows'); i += 1) {
    const p = `pq_${i}_`;
    const id = text(body[`${p}id`]);
    const en = text(body[`${p}en`]);
    const typed = text(body[`${p}key`]).toLowerCase();
    const kind = text(body[`${p}kind`]) === 'text' ? 'text' : 'choice';
    const options = kind === 'choice' ? choiceRows(body, `${p}o`, rowCount(body, `${p}opts`), errors) : [];
    if (!id && !typed && !en && options.length === 0) continue;
    if (!id) errors[`${p}id`] = 'admin.required';
    else if (id.length > 200) errors[`${p}id`] = 'admin.tooLong';
    if (en.length > 200) errors[`${p}en`] = 'admin.tooLong';
    const key = rowKey(typed, id, `${p}key`, QUESTION_KEY, '_', 40, seen, errors, `pertanyaan_${i + 1}`);
    if (kind === 'choice' && options.length === 0) errors[`${p}o0_id`] = { key: 'surveys.err.noOptions', params: { key: id || key } };
    out.push({ key, label: { id, en: en || id }, kind, options, required: body[`${p}required`] === 'on' });
  }
  if (Object.keys(errors).length > 0) throw new Invalid(errors);
  return out;
}

/** The form values of stored profile questions (one empty option row per choice question, one empty question). */
export function profileRowValues(
  qs: readonly { key: string; label?: { id: string; en: string } | null; kind?: string | null; required?: boolean | null; options: readonly StoredChoice[] }[],
): Record<string, string> {
  const v: Record<string, string> = { pq_rows: String(qs.length + 1), [`pq_${qs.length}_opts`]: '2', [`pq_${qs.length}_kind`]: 'choice' };
  qs.forEach((q, i) => {
    const p = `pq_${i}_`;
    Object.assign(v, choiceValues(p, { key: q.key, name: q.label }), {
      [`${p}kind`]: q.kind === 'text' ? 'text' : 'choice',
      [`${p}required`]: q.required ? 'on' : '',
    });
    v[`${p}opts`] = String(q.options.length + 1);
    q.options.forEach((o, j) => Object.assign(v, choiceValues(`${p}o${j}_`, o)));
  });
  return v;
}

/**
 * "Add a row" without JavaScript: the submitted values with one more row where `_add` says
 * ("svc", "pq", or "pq_<i>" for an option of question i). Nothing is saved.
 */
export function withAddedRow(body: Record<string, unknown>): { values: Record<string, unknown>; focus: string } | null {
  const add = text(body._add);
  const bump = (name: string, min: number) => {
    const n = Math.min(MAX_ROWS, Math.max(rowCount(body, name), min) + 1);
    return { n, values: { ...body, [name]: String(n) } };
  };
  if (add === 'svc') {
    const { n, values } = bump('svc_rows', 0);
    return { values, focus: `svc_${n - 1}_id` };
  }
  if (add === 'pq') {
    const { n, values } = bump('pq_rows', 0);
    return { values: { ...values, [`pq_${n - 1}_opts`]: '2', [`pq_${n - 1}_kind`]: 'choice' }, focus: `pq_${n - 1}_id` };
  }
  const m = /^pq_(\d{1,2})$/.exec(add);
  if (m) {
    const { n, values } = bump(`pq_${m[1]}_opts`, 0);
    return { values, focus: `pq_${m[1]}_o${n - 1}_id` };
  }
  return null;
}
