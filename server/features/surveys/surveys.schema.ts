/**
 * What the survey forms accept. Field names are the form's input names, so each error comes
 * back beside its field. Lists (services, profile questions) are edited as plain text, one
 * entry per line, so the pages work without JavaScript.
 */
import { z } from 'zod';
import { TEMPLATE_IDS } from '../../ikm';
import { Invalid } from '../../errors';

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

const checkbox = z.literal('on').optional().transform((v) => v === 'on');

export const periodFields = {
  year: z.string().trim().regex(/^\d{4}$/, 'surveys.err.year').transform(Number).refine((y) => y >= 2000 && y <= 2100, 'surveys.err.year'),
  semester: optionalInt(1, 2, 'surveys.err.semester'),
  quarter: optionalInt(1, 4, 'surveys.err.quarter'),
  month: optionalInt(1, 12, 'surveys.err.month'),
};

const titleField = z.string().trim().min(1, 'admin.required').max(200, 'admin.tooLong');

// Why the slug rule: it is the public URL /s/<slug>, printed on posters and QR codes.
export const createSchema = z
  .object({
    title: titleField,
    slug: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'surveys.err.slug'),
    unitId: z.string().regex(/^[0-9a-f]{24}$/i, 'surveys.err.unit'),
    ...periodFields,
    source: z.enum([...TEMPLATE_IDS, 'custom', 'copy'] as unknown as [string, ...string[]], { message: 'surveys.err.template' }),
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
    ...periodFields,
    population: optionalInt(1, 100_000_000, 'surveys.err.population'),
    opensAt: date('start'),
    closesAt: date('end'),
    suggestionEnabled: checkbox,
    oneResponsePerDevice: checkbox,
  })
  .refine((v) => !v.opensAt || !v.closesAt || v.opensAt < v.closesAt, { path: ['closesAt'], message: 'surveys.err.closesBeforeOpens' });

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

function lineError(field: string, line: number): never {
  throw new Invalid({ [field]: { key: 'surveys.err.line', params: { line } } });
}

/** Services, one a line: `key | nama | name` (the English name may be left out). */
export function parseServices(src: unknown): Choice[] {
  const out: Choice[] = [];
  const seen = new Set<string>();
  text(src)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      if (!raw.trim()) return;
      const [key = '', id = '', en = ''] = raw.split('|').map((s) => s.trim());
      if (!CHOICE_KEY.test(key) || !id || seen.has(key) || id.length > 200 || en.length > 200) lineError('services', i + 1);
      seen.add(key);
      out.push({ key, name: { id, en: en || id } });
    });
  return out;
}

export function formatServices(services: readonly Choice[]): string {
  return services.map((s) => `${s.key} | ${s.name.id} | ${s.name.en}`).join('\n');
}

export interface ProfileQuestion {
  key: string;
  label: { id: string; en: string };
  kind: 'choice' | 'text';
  options: Choice[];
  required: boolean;
}

/**
 * Profile questions as text: a question line `key | label | English label | choice|text | required`
 * followed, for choice questions, by option lines starting with "-": `- key | nama | name`.
 */
export function parseProfileQuestions(src: unknown): ProfileQuestion[] {
  const out: ProfileQuestion[] = [];
  const seen = new Set<string>();
  text(src)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (!line) return;
      if (line.startsWith('-')) {
        const q = out[out.length - 1];
        const [key = '', id = '', en = ''] = line.slice(1).split('|').map((s) => s.trim());
        if (!q || q.kind !== 'choice' || !CHOICE_KEY.test(key) || !id || q.options.some((o) => o.key === key)) lineError('profile', i + 1);
        q.options.push({ key, name: { id, en: en || id } });
        return;
      }
      const [key = '', id = '', en = '', kind = 'choice', required = ''] = line.split('|').map((s) => s.trim());
      const k = kind.toLowerCase();
      if (!QUESTION_KEY.test(key) || !id || seen.has(key) || !['choice', 'text', 'pilihan', 'teks'].includes(k)) lineError('profile', i + 1);
      if (required && !['required', 'wajib'].includes(required.toLowerCase())) lineError('profile', i + 1);
      seen.add(key);
      out.push({ key, label: { id, en: en || id }, kind: k === 'text' || k === 'teks' ? 'text' : 'choice', options: [], required: Boolean(required) });
    });
  const empty = out.findIndex((q) => q.kind === 'choice' && q.options.length === 0);
  if (empty >= 0) throw new Invalid({ profile: { key: 'surveys.err.noOptions', params: { key: out[empty]!.key } } });
  return out;
}

export function formatProfileQuestions(qs: readonly ProfileQuestion[]): string {
  return qs
    .flatMap((q) => [
      `${q.key} | ${q.label.id} | ${q.label.en} | ${q.kind}${q.required ? ' | required' : ''}`,
      ...q.options.map((o) => `- ${o.key} | ${o.name.id} | ${o.name.en}`),
    ])
    .join('\n');
}
