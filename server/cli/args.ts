/**
 * Command-line parsing for `skm`: `--name value` or `--name=value`, plus boolean flags.
 * Hand-written (not util.parseArgs) so every refusal is our own message in the user's language.
 */
import { isTemplateId, TEMPLATE_IDS, type AchievementCap, type Lang, type Polarity, type TemplateId } from '../ikm';
import { usageError } from './errors';

const VALUE_OPTIONS = [
  'input',
  'template',
  'target',
  'cap',
  'polarity',
  'achievement-decimals',
  'achievement-rounding',
  'weight-decimals',
  'nrr-decimals',
  'weighted-decimals',
  'population',
  'respondents',
  'lang',
] as const;
const FLAG_OPTIONS = ['json', 'help'] as const;

type ValueOption = (typeof VALUE_OPTIONS)[number];
type FlagOption = (typeof FLAG_OPTIONS)[number];

/** The raw parse: command word, option values, flags. */
export interface RawArgs {
  readonly command: string | undefined;
  readonly values: Partial<Record<ValueOption, string>>;
  readonly flags: ReadonlySet<FlagOption>;
}

const isValueOption = (s: string): s is ValueOption => (VALUE_OPTIONS as readonly string[]).includes(s);
const isFlagOption = (s: string): s is FlagOption => (FLAG_OPTIONS as readonly string[]).includes(s);

/** The language asked for, read before anything else so that every error can use it. */
export function detectLang(argv: readonly string[]): Lang {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang' && argv[i + 1] === 'en') return 'en';
    if (a === '--lang=en') return 'en';
  }
  return 'id';
}

/** Splits argv into a command word, option values and flags. */
export function parseRaw(argv: readonly string[]): RawArgs {
  let command: string | undefined;
  const values: Partial<Record<ValueOption, string>> = {};
  const flags = new Set<FlagOption>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h') {
      flags.add('help');
      continue;
    }
    if (!a.startsWith('--')) {
      if (command === undefined) command = a;
      else throw usageError((m) => m.unknownOption(a));
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq >= 0 ? eq : undefined);
    if (isFlagOption(name) && eq < 0) {
      flags.add(name);
    } else if (isValueOption(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw usageError((m) => m.missingValue(`--${name}`));
      values[name] = value;
    } else {
      throw usageError((m) => m.unknownOption(a));
    }
  }
  return { command, values, flags };
}

/** A whole number in [lo, hi] from option `name`, or undefined when absent. */
export function intOption(raw: RawArgs, name: ValueOption, lo: number, hi: number): number | undefined {
  const v = raw.values[name];
  if (v === undefined) return undefined;
  const n = /^\d+$/.test(v.trim()) ? Number(v.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) throw usageError((m) => m.badInteger(`--${name}`, v, lo, hi));
  return n;
}

/** A positive decimal from option `name` ("90", "92.26" or "92,26"), or undefined when absent. */
export function positiveNumberOption(raw: RawArgs, name: ValueOption): number | undefined {
  const v = raw.values[name];
  if (v === undefined) return undefined;
  const text = v.trim();
  const n = /^\d+(?:[.,]\d+)?$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) throw usageError((m) => m.badNumber(`--${name}`, v));
  return n;
}

function choice<T extends string>(raw: RawArgs, name: ValueOption, choices: readonly T[]): T | undefined {
  const v = raw.values[name];
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw usageError((m) => m.badChoice(`--${name}`, v, choices.join(', ')));
  return v as T;
}

/** Everything `skm ikm` needs, validated. */
export interface IkmArgs {
  readonly input: string;
  readonly template: TemplateId | undefined;
  readonly target: number | undefined;
  readonly cap: AchievementCap;
  readonly polarity: Polarity;
  readonly achievementDecimals: number;
  readonly achievementRounding: 'round' | 'truncate';
  readonly weightDecimals: number | undefined;
  readonly nrrDecimals: number | undefined;
  readonly weightedDecimals: number | undefined;
  readonly population: number | undefined;
  readonly json: boolean;
  readonly lang: Lang;
}

function langOption(raw: RawArgs): Lang {
  return choice(raw, 'lang', ['id', 'en'] as const) ?? 'id';
}

/** Validates the options of `skm ikm`. */
export function ikmArgs(raw: RawArgs): IkmArgs {
  const input = raw.values.input;
  if (input === undefined || input.trim() === '') throw usageError((m) => m.missingOption('--input'));
  const template = raw.values.template;
  if (template !== undefined && !isTemplateId(template)) {
    throw usageError((m) => m.badChoice('--template', template, TEMPLATE_IDS.join(', ')));
  }
  const cap = choice(raw, 'cap', ['none', '100', '120'] as const) ?? 'none';
  return {
    input,
    template,
    target: positiveNumberOption(raw, 'target'),
    cap: cap === 'none' ? 'none' : cap === '100' ? 100 : 120,
    polarity: choice(raw, 'polarity', ['higher', 'lower'] as const) ?? 'higher',
    achievementDecimals: intOption(raw, 'achievement-decimals', 0, 6) ?? 2,
    achievementRounding: choice(raw, 'achievement-rounding', ['round', 'truncate'] as const) ?? 'round',
    weightDecimals: intOption(raw, 'weight-decimals', 0, 12),
    nrrDecimals: intOption(raw, 'nrr-decimals', 0, 12),
    weightedDecimals: intOption(raw, 'weighted-decimals', 0, 12),
    population: intOption(raw, 'population', 1, Number.MAX_SAFE_INTEGER),
    json: raw.flags.has('json'),
    lang: langOption(raw),
  };
}

/** Everything `skm sample` needs, validated. */
export interface SampleArgs {
  readonly population: number;
  readonly respondents: number | undefined;
  readonly json: boolean;
  readonly lang: Lang;
}

/** Validates the options of `skm sample`. */
export function sampleArgs(raw: RawArgs): SampleArgs {
  const population = intOption(raw, 'population', 1, Number.MAX_SAFE_INTEGER);
  if (population === undefined) throw usageError((m) => m.missingOption('--population'));
  return {
    population,
    respondents: intOption(raw, 'respondents', 0, Number.MAX_SAFE_INTEGER),
    json: raw.flags.has('json'),
    lang: langOption(raw),
  };
}
