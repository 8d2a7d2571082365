/**
 * Output of `skm ikm` and `skm sample`: a readable table (Bahasa Indonesia by default, numbers
 * the Indonesian way: 91,48) or one JSON object with unrounded numbers.
 */
import type { Achievement, IkmResult, Lang, SampleAdequacy } from '../ikm';
import { formatNumber, formatPercent, performanceText } from '../i18n/format';
import type { Messages } from './messages';

/** What `skm ikm` reports beyond the method result. */
export interface IkmReport {
  readonly result: IkmResult;
  readonly templateName: string;
  readonly input: string;
  readonly blankRows: number;
  readonly target?: number;
  readonly achievement?: Achievement;
  readonly cap?: number;
  readonly sample?: SampleAdequacy;
}

/** The JSON shape of issue 3, with unrounded numbers. */
export function ikmJson(report: IkmReport, lang: Lang): Record<string, unknown> {
  const r = report.result;
  const out: Record<string, unknown> = {
    respondents: r.respondents,
    elements: r.elements.map((e) => ({
      code: e.code,
      name: e.name[lang],
      answered: e.answered,
      total: e.total,
      nrr: e.nrr,
      weighted: e.weighted,
      score: e.score,
    })),
    ikm: r.ikm,
    score: r.score,
    grade: r.grade,
    performance: performanceText(r.performance, lang),
  };
  if (report.target !== undefined) out.target = report.target;
  if (report.achievement !== undefined) out.achievement = report.achievement.capped;
  if (report.sample !== undefined) out.sample = report.sample;
  return out;
}

function decimalsOf(x: number): number {
  const s = String(x);
  const dot = s.indexOf('.');
  return dot < 0 || s.includes('e') ? 0 : s.length - dot - 1;
}

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** A plain-text table; columns flagged `right` are right-aligned (numbers). */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: readonly boolean[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => pad(cell, widths[c]!, right[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** The human-readable report of `skm ikm`. */
export function ikmText(report: IkmReport, m: Messages, lang: Lang): string {
  const r = report.result;
  const n = (x: number, d: number) => formatNumber(x, d, lang);
  const nrrDecimals = Math.max(3, r.options.nrrDecimals ?? 0);
  const weightedDecimals = Math.max(3, r.options.weightedDecimals ?? 0, r.options.weightDecimals ?? 0);
  const byKey = new Map(r.elements.map((e) => [e.key, e] as const));
  const describe = (keys: readonly string[]) =>
    keys
      .map((k) => byKey.get(k)!)
      .map((e) => `${e.code} ${e.name[lang]} (NRR ${n(e.nrr, nrrDecimals)})`)
      .join('; ');

  const labels = [m.template(), m.file(), m.respondents(), m.ikm(), m.score(), m.grade(), m.performance(), m.highest(), m.lowest()];
  if (report.achievement !== undefined) labels.push(m.target(), m.achievement());
  if (report.sample !== undefined) labels.push(m.sampleLine());
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const label = (text: string) => text.padEnd(labelWidth + 1);
  const respondents = [`${n(r.respondents, 0)}`];
  if (r.completeRespondents !== null) respondents.push(m.completeNote(n(r.completeRespondents, 0)));
  if (report.blankRows > 0) respondents.push(m.blankRowsNote(n(report.blankRows, 0)));
  const lines: string[] = [
    m.title(),
    `${label(m.template())}: ${report.templateName}`,
    `${label(m.file())}: ${report.input}`,
    `${label(m.respondents())}: ${respondents[0]}${respondents.length > 1 ? ` (${respondents.slice(1).join('; ')})` : ''}`,
    '',
    ...table(
      [m.colCode(), m.colName(), m.colAnswered(), '1', '2', '3', '4', m.colTotal(), m.colNrr(), m.colWeighted(), m.colScore(), m.colGrade()],
      r.elements.map((e) => [
        e.code,
        e.name[lang],
        n(e.answered, 0),
        ...e.distribution.map((c) => n(c, 0)),
        n(e.total, 0),
        n(e.nrr, nrrDecimals),
        n(e.weighted, weightedDecimals),
        n(e.score, 2),
        e.grade,
      ]),
      [false, false, true, true, true, true, true, true, true, true, true, false],
    ),
    '',
    `${label(m.ikm())}: ${n(r.ikm, 4)}`,
    `${label(m.score())}: ${n(r.score, 2)}`,
    `${label(m.grade())}: ${r.grade}`,
    `${label(m.performance())}: ${performanceText(r.performance, lang)}`,
    `${label(m.highest())}: ${describe(r.highest)}`,
    `${label(m.lowest())}: ${describe(r.lowest)}`,
  ];
  if (report.target !== undefined && report.achievement !== undefined) {
    const a = report.achievement;
    const mode = a.rounding === 'truncate' ? 'truncate' : 'half-up';
    lines.push(`${label(m.target())}: ${n(report.target, decimalsOf(report.target))}`);
    const capNote = a.capApplied && report.cap !== undefined ? ` (${m.capped(report.cap)})` : '';
    lines.push(`${label(m.achievement())}: ${formatPercent(a.capped, a.decimals, lang, { mode })}${capNote}`);
  }
  if (report.sample !== undefined) {
    const s = report.sample;
    const verdict = s.adequate ? m.adequate() : m.notAdequate(n(s.shortfall, 0));
    lines.push(`${label(m.sampleLine())}: ${n(s.required, 0)} (${m.population().toLowerCase()} ${n(s.population, 0)}; ${verdict})`);
  }
  lines.push('');
  const legacy: string[] = [];
  if (r.options.weightDecimals !== undefined) legacy.push(m.legacyWeight(r.options.weightDecimals, n(r.weight, r.options.weightDecimals)));
  if (r.options.nrrDecimals !== undefined) legacy.push(m.legacyNrr(r.options.nrrDecimals));
  if (r.options.weightedDecimals !== undefined) legacy.push(m.legacyWeighted(r.options.weightedDecimals));
  lines.push(legacy.length > 0 ? m.legacyNote(legacy.join('; ')) : m.exactNote());
  return `${lines.join('\n')}\n`;
}

/** The human-readable answer of `skm sample`. */
export function sampleText(population: number, required: number, exact: number, adequacy: SampleAdequacy | undefined, m: Messages, lang: Lang): string {
  const n = (x: number, d: number) => formatNumber(x, d, lang);
  const lines = [`${m.population()}: ${n(population, 0)}`, `${m.sampleLine()}: ${n(required, 0)}`, `(${m.sampleFormula()}: ${n(exact, 2)})`];
  if (adequacy) {
    const verdict = adequacy.adequate ? m.adequate() : m.notAdequate(n(adequacy.shortfall, 0));
    lines.push(`${m.respondents()}: ${n(adequacy.respondents, 0)} (${verdict})`);
  }
  return `${lines.join('\n')}\n`;
}
