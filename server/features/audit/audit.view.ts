/**
 * The audit trail as people read it (issue 13, item 9): actions named in the user's language,
 * before/after as a field-by-field list of changes (whole values, never cut mid-word), and times
 * in the time zone of the unit the entry concerns (WIB, WITA or WIT), with the zone named.
 * Formatting only; nothing is rounded.
 */
import { translate, type Lang } from '../../i18n';
import { formatDateTimeIn, formatNumber } from '../../i18n/format';

/** The actions the app records (for the filter); each has a label `audit.action.<action>`. */
export const AUDIT_ACTIONS = [
  'survey.create',
  'survey.copy',
  'survey.settings',
  'survey.elements',
  'survey.services',
  'survey.profile',
  'survey.indicator',
  'survey.open',
  'survey.close',
  'survey.publish',
  'survey.unpublish',
  'survey.import',
  'suggestion.hide',
  'suggestion.unhide',
  'user.create',
  'user.update',
  'user.disable',
  'user.resetPassword',
  'user.bootstrapAdmin',
  'unit.create',
  'unit.rename',
  'unit.update',
  'token.create',
  'token.revoke',
] as const;

export function actionLabel(action: string, lang: Lang): string {
  const key = `audit.action.${action}`;
  const text = translate(lang, key);
  return text === key ? action : text;
}

function valueText(v: unknown, lang: Lang, timeZone: string): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'number') return formatNumber(v, Number.isInteger(v) ? 0 : 2, lang);
  if (typeof v === 'boolean') return translate(lang, v ? 'audit.yes' : 'audit.no');
  if (v instanceof Date) return whenText(v, lang, timeZone);
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export interface Change {
  field: string;
  before: string;
  after: string;
}

/** The fields that differ between before and after (all fields of a creation or deletion). */
export function changesOf(before: unknown, after: unknown, lang: Lang, timeZone = 'Asia/Jakarta'): Change[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((f) => ({ field: f, before: f in b ? valueText(b[f], lang, timeZone) : '–', after: f in a ? valueText(a[f], lang, timeZone) : '–' }));
}

/** "29 Nov 2026 20.02 WIB" (or WITA, WIT: the unit's zone). */
export function whenText(d: Date, lang: Lang, timeZone = 'Asia/Jakarta'): string {
  return formatDateTimeIn(d, timeZone, lang);
}
