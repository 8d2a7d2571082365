/**
 * Messages in Bahasa Indonesia (default) and English. Each feature keeps its own table
 * (server/i18n/<feature>.ts exporting `id` and `en` with the same keys) and registers it here.
 * Depends on nothing outside server/i18n.
 */
import * as core from './core';
import * as form from './form';
import * as admin from './admin';
import * as dashboard from './dashboard';
import * as reports from './reports';

const tables = [core, form, admin, dashboard, reports] as const;

type Merge<T extends readonly { id: object }[]> = T extends readonly [infer H extends { id: object }, ...infer R extends { id: object }[]]
  ? H['id'] & Merge<R>
  : unknown;

export type MessageKey = keyof Merge<typeof tables>;
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];
export type Params = Record<string, string | number>;

const messages: Record<Lang, Record<string, string>> = {
  id: Object.assign({}, ...tables.map((t) => t.id)),
  en: Object.assign({}, ...tables.map((t) => t.en)),
};

export function isLang(v: unknown): v is Lang {
  return v === 'id' || v === 'en';
}

/** Translate a key; `{name}` placeholders are replaced from params. Unknown keys return the key. */
export function translate(lang: Lang, key: MessageKey | string, params: Params = {}): string {
  const text = messages[lang][key] ?? messages.id[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export type Translator = (key: MessageKey | string, params?: Params) => string;

export function translator(lang: Lang): Translator {
  return (key, params) => translate(lang, key, params);
}
