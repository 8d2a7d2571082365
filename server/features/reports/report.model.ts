/**
 * The annual report (Laporan Hasil SKM, reference 2.8) as data: chapters of headings,
 * paragraphs, tables and charts, every number computed by server/ikm and formatted here once
 * (92,26). The PDF, DOCX and public HTML renderers only lay this model out, so the three never
 * drift apart; XLSX and CSV carry the same figures as cells (report.xlsx.ts, report.csv.ts).
 *
 * Edge cases are sentences, never zeros or failures: no responses, an element nobody answered,
 * fewer respondents than the Krejcie–Morgan sample, no population, no target, a questionnaire
 * that changed between periods (left out of the trend), and sets of 10 or 14 elements.
 *
 * Pure: no database, no Express; `buildReport` gets everything in a ReportInput.
 */
import { translate, type Lang, type MessageKey, type Params } from '../../i18n';
import { formatNumber, formatPercent, performanceText } from '../../i18n/format';
import type { ElementResult, IkmResult, SampleAdequacy, Achievement } from '../../ikm';

/* ---------------------------------------------------------------- the model */

export interface ChartSpec {
  type: 'bar' | 'line';
  horizontal?: boolean;
  stacked?: boolean;
  percent?: boolean;
  min?: number;
  max?: number;
  target?: number | null;
  targetLabel?: string | null;
  labels: string[];
  datasets: { label: string; data: (number | null)[]; high?: number[]; low?: number[] }[];
  /** The report's language: axis numbers are written its way (1,5 in Indonesian). */
  lang?: Lang;
}

export interface Column {
  label: string;
  /** Numbers are right-aligned. */
  num?: boolean;
}

export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string; note?: boolean }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; id: string; caption: string; columns: Column[]; rows: string[][]; footer?: string[] }
  | { kind: 'chart'; id: string; caption: string; spec: ChartSpec };

export interface Chapter {
  id: string;
  title: string;
  blocks: Block[];
}

export interface Report {
  lang: Lang;
  title: string;
  unitName: string;
  surveyTitle: string;
  periodLabel: string;
  generatedOn: string;
  /** The key figures (cover, public card): label → formatted value. */
  headline: { label: string; value: string }[];
  chapters: Chapter[];
}

/* ---------------------------------------------------------------- the input */

export interface YearMonth {
  year: number;
  month: number;
}

export interface ReportElement {
  key: string;
  code: string;
  name: { id: string; en: string };
  question: { id: string; en: string };
  labels: { id: string[]; en: string[] };
}

export interface PlanItem {
  elementKey: string;
  problem: string;
  action: string;
  responsible: string;
  year: number;
  quarter: number;
  status: 'planned' | 'in-progress' | 'done';
  evidence: string;
}

export interface TrendPoint {
  label: string;
  current: boolean;
  /** False when the questionnaire's elements differ from this survey's. */
  comparable: boolean;
  respondents: number;
  result: IkmResult | null;
}

export interface ReportInput {
  lang: Lang;
  unitName: string;
  survey: {
    title: string;
    templateName: string;
    gradeTable: 'permenpanrb-14-2017' | 'kepmenpan-25-2004';
    period: { year: number; semester?: number | null; quarter?: number | null };
    elements: readonly ReportElement[];
    services: readonly { key: string; name: { id: string; en: string } }[];
    profileQuestions: readonly { key: string; label: { id: string; en: string }; options: readonly { key: string; name: { id: string; en: string } }[] }[];
    indicator: {
      code: string;
      name: string;
      target: number;
      polarity?: string | null;
      cap?: number | null;
      achievementDecimals?: number | null;
      achievementRounding?: string | null;
    } | null;
  };
  /** The months asked for (undefined = the whole survey). */
  from?: YearMonth;
  to?: YearMonth;
  /** First and last month holding data in the selection; null when there is none. */
  dataRange: { from: YearMonth; to: YearMonth } | null;
  respondents: number;
  completeRespondents: number;
  result: IkmResult | null;
  problem: string | null;
  sample: SampleAdequacy | null;
  indicator: { code: string; name: string; target: number; realization: number; achievement: Achievement } | null;
  /** Profile key → value → respondents, keys in display order. */
  profiles: ReadonlyMap<string, ReadonlyMap<string, number>>;
  services: readonly { key: string; respondents: number; result: IkmResult | null }[];
  channels: readonly { source: string; n: number }[];
  trend: readonly TrendPoint[];
  plan: readonly PlanItem[];
  previousPlan: { periodLabel: string; items: readonly PlanItem[] } | null;
  generatedAt: Date;
  timeZone: string;
}

/* ---------------------------------------------------------------- helpers */

export function formatters(lang: Lang) {
  const months = translate(lang, 'dash.months').split(',');
  return {
    t: (key: MessageKey | string, params?: Params) => translate(lang, key, params),
    num: (x: number, d = 2) => formatNumber(x, d, lang),
    int: (x: number) => formatNumber(x, 0, lang),
    pct: (part: number, whole: number) => (whole > 0 ? formatPercent((part / whole) * 100, 1, lang) : '–'),
    month: (m: YearMonth) => `${months[m.month - 1] ?? m.month} ${m.year}`,
    text: (x: { id: string; en: string } | null | undefined) => (x ? x[lang] : ''),
  };
}

/** "2022", "2022 S1", "2022 TW 3". */
export function surveyPeriodLabel(p: ReportInput['survey']['period']): string {
  return `${p.year}${p.semester ? ` S${p.semester}` : ''}${p.quarter ? ` TW ${p.quarter}` : ''}`;
}

/** A profile answer's label: the form's standard label, the survey's option name, or the value. */
export function profileValueLabel(lang: Lang, key: string, value: string, options?: readonly { key: string; name: { id: string; en: string } }[]): string {
  const k = `profile.${key}.${value}`;
  const std = translate(lang, k);
  if (std !== k) return std;
  return options?.find((o) => o.key === value)?.name[lang] ?? value;
}

export function profileKeyLabel(lang: Lang, key: string, label?: { id: string; en: string }): string {
  const k = `profile.${key}`;
  const std = translate(lang, k);
  return std !== k ? std : (label?.[lang] ?? key);
}

/** "A, B dan C" with the language's "and". */
export function joinList(items: readonly string[], and: string): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')}${and}${items[items.length - 1]}`;
}

/**
 * Elements grouped by equal exact NRR, best (or worst) first, until at least `min` elements
 * are taken: each group is one mention, a group of more than one is a tie.
 */
export function rankedGroups(elements: readonly ElementResult[], direction: 'high' | 'low', min = 2): ElementResult[][] {
  const sorted = [...elements].sort((a, b) => (direction === 'high' ? b.nrr - a.nrr : a.nrr - b.nrr));
  const groups: ElementResult[][] = [];
  let taken = 0;
  for (const e of sorted) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.nrr === e.nrr) last.push(e);
    else {
      if (taken >= min) break;
      groups.push([e]);
    }
    taken += 1;
  }
  return groups;
}

/** The sentence naming the highest and lowest elements ("Unsur dengan nilai tertinggi adalah …"). */
export function extremesSentence(result: IkmResult, lang: Lang, names: (key: string) => string): string {
  const f = formatters(lang);
  const and = f.t('rep.and');
  const first = result.elements[0]!;
  if (result.elements.every((e) => e.nrr === first.nrr)) return f.t('rep.allEqual', { value: f.num(first.nrr) });
  const describe = (groups: ElementResult[][]) =>
    joinList(
      groups.map((g) =>
        g.length === 1
          ? `${names(g[0]!.key)} (${f.num(g[0]!.nrr)})`
          : f.t('rep.tie', {
              list: joinList(
                g.map((e) => names(e.key)),
                and,
              ),
              value: f.num(g[0]!.nrr),
            }),
      ),
      and,
    );
  const n = Math.min(2, Math.floor(result.elements.length / 2));
  return `${f.t('rep.highest', { list: describe(rankedGroups(result.elements, 'high', n)) })}; ${f.t('rep.lowest', { list: describe(rankedGroups(result.elements, 'low', n)) })}`;
}

function achievementRule(ind: NonNullable<ReportInput['survey']['indicator']>, f: ReturnType<typeof formatters>): string {
  let rule = f.t(ind.polarity === 'lower' ? 'rep.rule.lower' : 'rep.rule.higher');
  if (ind.cap === 100 || ind.cap === 120) rule += f.t('rep.rule.cap', { cap: ind.cap });
  const d = ind.achievementDecimals ?? 2;
  rule += f.t(ind.achievementRounding === 'truncate' ? 'rep.rule.truncate' : 'rep.rule.round', { d });
  return rule;
}

/**
 * The block builders a report is written with: numbered table and figure captions, paragraphs,
 * headings, and the columns of an index table. The survey report and the unit report share them.
 */
export function blockKit(lang: Lang) {
  const f = formatters(lang);
  const t = f.t;
  let tableNo = 0;
  let figureNo = 0;
  return {
    lang,
    f,
    t,
    table: (id: string, captionKey: string, params: Params, columns: Column[], rows: string[][], footer?: string[]): Block => ({
      kind: 'table',
      id,
      caption: t(captionKey, { ...params, n: ++tableNo }),
      columns,
      rows,
      ...(footer ? { footer } : {}),
    }),
    chart: (id: string, captionKey: string, params: Params, spec: ChartSpec): Block => ({
      kind: 'chart',
      id,
      caption: t(captionKey, { ...params, n: ++figureNo }),
      spec: { ...spec, lang },
    }),
    p: (text: string, note = false): Block => ({ kind: 'paragraph', text, ...(note ? { note } : {}) }),
    h: (text: string): Block => ({ kind: 'heading', text }),
    /** Columns of a table of indexes by service, period, survey or sub-unit. */
    scoreColumns: (first: string): Column[] => [
      { label: first },
      { label: t('rep.col.respondents'), num: true },
      { label: t('rep.col.score'), num: true },
      { label: t('rep.col.grade') },
    ],
    /** A row of such a table; `missing` says why there is no index. */
    scoreRow: (label: string, respondents: number, result: IkmResult | null, missing: string): string[] => [
      label,
      f.int(respondents),
      result ? f.num(result.score) : missing,
      result ? result.grade : '–',
    ],
  };
}

export type BlockKit = ReturnType<typeof blockKit>;

/** BAB I: background, legal basis (with the questionnaires used), purpose. */
export function introChapter(kit: BlockKit, unit: string, templates: readonly string[], kep25: boolean): Block[] {
  const { t, h, p } = kit;
  return [
    h(t('rep.ch1.a')),
    p(t('rep.ch1.a.text', { unit })),
    h(t('rep.ch1.b')),
    {
      kind: 'list',
      items: [
        t('rep.ch1.b.law'),
        t('rep.ch1.b.reg'),
        ...(kep25 ? [t('rep.ch1.b.kep25')] : []),
        ...templates.map((template) => t('rep.ch1.b.template', { template })),
      ],
    },
    h(t('rep.ch1.c')),
    p(t('rep.ch1.c.text', { unit })),
  ];
}

/** "IKM <unit> periode <period> adalah 3,69 (skala 1–4), atau 92,26 …" */
export function resultSentence(kit: BlockKit, unit: string, period: string, res: IkmResult): string {
  const { f, t } = kit;
  return t('rep.ch3.b.result', {
    unit,
    period,
    ikm: f.num(res.ikm, 2),
    score: f.num(res.score, 2),
    grade: res.grade,
    performance: performanceText(res.performance, kit.lang),
  });
}

/** "IKK 3.1 …: target 90,00, realisasi 92,26, capaian 102,51%." */
export function indicatorSentence(kit: BlockKit, ind: NonNullable<ReportInput['indicator']>): string {
  const { f, t } = kit;
  return t('rep.indicator.text', {
    code: ind.code,
    name: ind.name,
    target: f.num(ind.target),
    realization: f.num(ind.realization),
    achievement: formatPercent(ind.achievement.display, ind.achievement.decimals, kit.lang),
  });
}

/** A follow-up plan (RTL) as a table. */
export function planTable(kit: BlockKit, id: string, captionKey: string, params: Params, items: readonly PlanItem[], elName: (key: string) => string): Block {
  const { f, t } = kit;
  const columns: Column[] = [
    { label: t('rep.col.no'), num: true },
    { label: t('rep.col.element') },
    { label: t('rep.col.problem') },
    { label: t('rep.col.action') },
    { label: t('rep.col.when') },
    { label: t('rep.col.responsible') },
    { label: t('rep.col.status') },
  ];
  const row = (x: PlanItem, i: number) => [
    f.int(i + 1),
    elName(x.elementKey),
    x.problem,
    x.action,
    t('rep.quarter', { q: x.quarter, year: x.year }),
    x.responsible,
    t(`rep.status.${x.status}`),
  ];
  return kit.table(id, captionKey, params, columns, items.map(row));
}

/** The elements graded C or D, or that there are none. */
export function weakSentence(kit: BlockKit, res: IkmResult, elName: (key: string) => string): string {
  const { f, t } = kit;
  const weak = res.elements.filter((e) => e.grade === 'C' || e.grade === 'D');
  if (!weak.length) return t('rep.noWeak');
  return t('rep.weak', {
    list: joinList(
      weak.map((e) => `${elName(e.key)} (${f.num(e.score)}, ${e.grade})`),
      t('rep.and'),
    ),
  });
}

/** Responses per collection channel (online, kiosk, import); null when there are none. */
export function channelsTable(kit: BlockKit, channels: readonly { source: string; n: number }[]): Block | null {
  const { f, t } = kit;
  const total = channels.reduce((s, c) => s + c.n, 0);
  if (total === 0) return null;
  return kit.table(
    'channels',
    'rep.table.channels',
    {},
    [{ label: t('rep.channel') }, { label: t('rep.col.count'), num: true }, { label: t('rep.col.share'), num: true }],
    channels.map((c) => [t(`rep.channel.${c.source}`), f.int(c.n), f.pct(c.n, total)]),
  );
}

/** The per-element results table (answered, total, NRR, weighted NRR, 25–100 score, grade), the index as its footer. */
export function elementTable(kit: BlockKit, res: IkmResult, elName: (key: string) => string, id: string, captionKey: string, params: Params): Block {
  const { f, t } = kit;
  return kit.table(
    id,
    captionKey,
    params,
    [
      { label: t('rep.col.code') },
      { label: t('rep.col.element') },
      { label: t('rep.col.answered'), num: true },
      { label: t('rep.col.total'), num: true },
      { label: t('rep.col.nrr'), num: true },
      { label: t('rep.col.weighted'), num: true },
      { label: t('rep.col.score'), num: true },
      { label: t('rep.col.grade') },
    ],
    res.elements.map((e) => [e.code, elName(e.key), f.int(e.answered), f.int(e.total), f.num(e.nrr, 3), f.num(e.weighted, 3), f.num(e.score, 2), e.grade]),
    ['', t('rep.row.ikm'), '', '', '', f.num(res.ikm, 3), f.num(res.score, 2), res.grade],
  );
}

/** The results per element: the table, the index table, the chart with the target line, the answer distribution. */
export function elementBlocks(kit: BlockKit, res: IkmResult, respondents: number, elName: (key: string) => string, target: number | null): Block[] {
  const { f, t, table, chart } = kit;
  return [
    elementTable(kit, res, elName, 'elements', 'rep.table.elements', {}),
    table(
      'index',
      'rep.table.index',
      {},
      [{ label: t('rep.col.item') }, { label: t('rep.col.value'), num: true }],
      [
        [t('rep.row.respondents'), f.int(respondents)],
        [t('rep.row.ikm'), f.num(res.ikm, 2)],
        [t('rep.row.score'), f.num(res.score, 2)],
        [t('rep.row.grade'), res.grade],
        [t('rep.row.performance'), performanceText(res.performance, kit.lang)],
      ],
    ),
    chart(
      'elements',
      'rep.chart.elements',
      {},
      {
        type: 'bar',
        horizontal: true,
        min: 25,
        max: 100,
        target,
        targetLabel: target !== null ? `${t('rep.row.target')} ${f.num(target)}` : null,
        labels: res.elements.map((e) => `${e.code} ${elName(e.key)}`),
        datasets: [
          {
            label: t('rep.col.score'),
            data: res.elements.map((e) => e.score),
            high: res.elements.flatMap((e, i) => (res.highest.includes(e.key) ? [i] : [])),
            low: res.elements.flatMap((e, i) => (res.lowest.includes(e.key) ? [i] : [])),
          },
        ],
      },
    ),
    table(
      'distribution',
      'rep.table.distribution',
      {},
      [
        { label: t('rep.col.element') },
        ...[1, 2, 3, 4].map((n) => ({ label: t(`rep.col.score${n}`), num: true })),
        { label: t('rep.col.answered'), num: true },
      ],
      res.elements.map((e) => [`${e.code} ${elName(e.key)}`, ...e.distribution.map((c) => `${f.pct(c, e.answered)} (${f.int(c)})`), f.int(e.answered)]),
    ),
    chart(
      'distribution',
      'rep.chart.distribution',
      {},
      {
        type: 'bar',
        horizontal: true,
        stacked: true,
        percent: true,
        min: 0,
        max: 100,
        labels: res.elements.map((e) => e.code),
        datasets: [0, 1, 2, 3].map((i) => ({
          label: t(`rep.col.score${i + 1}`),
          data: res.elements.map((e) => (e.answered ? (e.distribution[i]! / e.answered) * 100 : 0)),
        })),
      },
    ),
  ];
}

/* ---------------------------------------------------------------- the builder */

export function buildReport(input: ReportInput): Report {
  const { lang } = input;
  const kit = blockKit(lang);
  const { f, t, table, chart, p, h, scoreColumns, scoreRow } = kit;
  const unit = input.unitName;
  const res = input.result;
  const els = input.survey.elements;
  const elName = (key: string) => f.text(els.find((e) => e.key === key)?.name) || key;
  const svcName = (key: string) => f.text(input.survey.services.find((s) => s.key === key)?.name) || key || '–';
  const periodLabel =
    input.from && input.to
      ? t('rep.periodRange', { from: f.month(input.from), to: f.month(input.to) })
      : input.from || input.to
        ? t('rep.periodRange', { from: f.month(input.from ?? input.dataRange?.from ?? input.to!), to: f.month(input.to ?? input.dataRange?.to ?? input.from!) })
        : surveyPeriodLabel(input.survey.period);
  const problemText = t(`rep.problem.${input.problem ?? 'no-answers'}`);
  const k = els.length;
  const target = input.indicator?.target ?? null;

  /* BAB I */
  const ch1 = introChapter(kit, unit, [input.survey.templateName], input.survey.gradeTable === 'kepmenpan-25-2004');

  /* BAB II */
  const ch2: Block[] = [h(t('rep.ch2.a')), p(t('rep.ch2.a.text', { unit })), h(t('rep.ch2.b'))];
  const channels = channelsTable(kit, input.channels);
  if (channels) ch2.push(p(t('rep.ch2.b.text', { k })), channels);
  else ch2.push(p(t('rep.ch2.b.none')));
  ch2.push(h(t('rep.ch2.c')), p(t('rep.ch2.c.text', { unit })), h(t('rep.ch2.d')));
  ch2.push(
    p(
      input.dataRange
        ? t('rep.ch2.d.text', { period: periodLabel, from: f.month(input.dataRange.from), to: f.month(input.dataRange.to) })
        : t('rep.ch2.d.empty', { period: periodLabel }),
    ),
  );
  ch2.push(h(t('rep.ch2.e')));
  if (input.sample) {
    ch2.push(p(t('rep.ch2.e.text', { population: f.int(input.sample.population), required: f.int(input.sample.required), n: f.int(input.respondents) })));
    ch2.push(p(input.sample.adequate ? t('rep.ch2.e.ok') : t('rep.ch2.e.short', { shortfall: f.int(input.sample.shortfall) }), !input.sample.adequate));
  } else ch2.push(p(t('rep.ch2.e.noPopulation', { n: f.int(input.respondents) }), true));

  /* BAB III */
  const ch3: Block[] = [h(t('rep.ch3.a'))];
  if (input.respondents > 0) {
    ch3.push(p(t('rep.ch3.a.text', { n: f.int(input.respondents), complete: f.int(input.completeRespondents) })));
    for (const [key, values] of input.profiles) {
      const total = [...values.values()].reduce((s, n) => s + n, 0);
      if (total === 0) continue;
      const q = input.survey.profileQuestions.find((x) => x.key === key);
      const name = key === 'service' ? t('rep.col.service') : profileKeyLabel(lang, key, q?.label);
      const rows = [...values.entries()].map(([v, n]) => ({ label: profileValueLabel(lang, key, v, q?.options), n }));
      ch3.push(
        table(
          `profile-${key}`,
          'rep.table.profile',
          { name: name.toLowerCase() },
          [{ label: t('rep.col.option') }, { label: t('rep.col.count'), num: true }, { label: t('rep.col.share'), num: true }],
          rows.map((r) => [r.label, f.int(r.n), f.pct(r.n, total)]),
        ),
        chart(
          `profile-${key}`,
          'rep.chart.profile',
          { name: name.toLowerCase() },
          { type: 'bar', horizontal: true, labels: rows.map((r) => r.label), datasets: [{ label: t('rep.col.count'), data: rows.map((r) => r.n) }] },
        ),
      );
    }
  } else ch3.push(p(t('rep.ch3.a.none'), true));

  ch3.push(h(t('rep.ch3.b')));
  const weight = res ? res.weight : 1 / k;
  ch3.push(p(t('rep.ch3.b.text', { k, weight: f.num(weight, 4) })));
  if (k !== 9 || input.survey.gradeTable !== 'permenpanrb-14-2017') {
    ch3.push(p(t('rep.ch3.b.k', { k, table: input.survey.gradeTable === 'kepmenpan-25-2004' ? 'KEP/25/M.PAN/2/2004' : 'PermenPANRB 14/2017' }), true));
  }
  if (res) {
    ch3.push(p(resultSentence(kit, unit, periodLabel, res)));
    if (input.sample && !input.sample.adequate)
      ch3.push(p(t('rep.belowSample', { n: f.int(input.respondents), required: f.int(input.sample.required) }), true));
    ch3.push(...elementBlocks(kit, res, input.respondents, elName, target));
  } else ch3.push(p(problemText, true));

  // The indicator (e.g. IKK 3.1).
  const ind = input.survey.indicator;
  if (input.indicator && ind) {
    const a = input.indicator.achievement;
    ch3.push(
      p(indicatorSentence(kit, input.indicator)),
      table(
        'indicator',
        'rep.table.indicator',
        {},
        [{ label: t('rep.col.item') }, { label: t('rep.col.value'), num: true }],
        [
          [t('rep.row.indicator'), `${input.indicator.code} ${input.indicator.name}`],
          [t('rep.row.target'), f.num(input.indicator.target)],
          [t('rep.row.realization'), f.num(input.indicator.realization)],
          [t('rep.row.achievement'), formatPercent(a.display, a.decimals, lang)],
          [t('rep.row.rule'), achievementRule(ind, f)],
        ],
      ),
    );
  } else if (ind && ind.target > 0 && !res) {
    ch3.push(p(t('rep.noIndicatorResult', { code: ind.code }), true));
  } else if (!input.indicator) {
    ch3.push(p(t('rep.noTarget'), true));
  }

  // Per service.
  const svcRows = input.services.filter((s) => s.respondents > 0);
  if (svcRows.length > 1 || (svcRows.length === 1 && svcRows[0]!.key !== '')) {
    ch3.push(
      p(t('rep.services.text')),
      table(
        'services',
        'rep.table.services',
        {},
        scoreColumns(t('rep.col.service')),
        svcRows.map((s) => scoreRow(svcName(s.key), s.respondents, s.result, t('rep.services.noResult'))),
      ),
    );
  }

  /* BAB IV */
  const ch4: Block[] = [h(t('rep.ch4.a'))];
  let extremes: string | null = null;
  if (res) {
    extremes = extremesSentence(res, lang, elName);
    ch4.push(p(extremes), p(weakSentence(kit, res, elName)));
  } else ch4.push(p(t('rep.noAnalysis'), true));
  ch4.push(h(t('rep.ch4.b')));
  if (input.plan.length) ch4.push(planTable(kit, 'plan', 'rep.table.plan', {}, input.plan, elName));
  else ch4.push(p(t('rep.plan.none'), true));

  ch4.push(h(t('rep.ch4.c')));
  const earlier = input.trend.filter((x) => !x.current);
  const comparable = input.trend.filter((x) => x.comparable);
  if (earlier.length === 0) ch4.push(p(t('rep.trend.none')));
  for (const x of earlier.filter((x) => !x.comparable)) ch4.push(p(t('rep.trend.changed', { period: x.label }), true));
  let trendSentence: string | null = null;
  if (comparable.some((x) => !x.current)) {
    ch4.push(p(t('rep.trend.text')));
    ch4.push(
      table(
        'trend',
        'rep.table.trend',
        {},
        scoreColumns(t('rep.col.period')),
        comparable.map((x) => scoreRow(x.label, x.respondents, x.result, t('rep.trend.noScore'))),
      ),
      chart(
        'trend',
        'rep.chart.trend',
        {},
        {
          type: 'line',
          min: 25,
          max: 100,
          target,
          targetLabel: target !== null ? `${t('rep.row.target')} ${f.num(target)}` : null,
          labels: comparable.map((x) => x.label),
          datasets: [{ label: t('rep.col.score'), data: comparable.map((x) => (x.result ? x.result.score : null)) }],
        },
      ),
    );
    const prev = [...comparable].reverse().find((x) => !x.current && x.result);
    if (prev && res) {
      const a = res.scoreRounded;
      const b = prev.result!.scoreRounded;
      const params = {
        period: prev.label,
        prev: f.num(prev.result!.score),
        score: f.num(res.score),
        delta: f.num(Math.abs(res.scoreRounded - prev.result!.scoreRounded)),
      };
      trendSentence = t(a > b ? 'rep.trend.up' : a < b ? 'rep.trend.down' : 'rep.trend.same', params);
      ch4.push(p(trendSentence));
    }
  }

  /* BAB V */
  const ch5: Block[] = [];
  if (res) {
    ch5.push(p(resultSentence(kit, unit, periodLabel, res)));
    if (input.indicator) ch5.push(p(indicatorSentence(kit, input.indicator)));
    else ch5.push(p(t('rep.noTarget'), true));
    if (extremes) ch5.push(p(extremes));
    if (trendSentence) ch5.push(p(trendSentence));
    if (input.sample && !input.sample.adequate)
      ch5.push(p(t('rep.belowSample', { n: f.int(input.respondents), required: f.int(input.sample.required) }), true));
  } else ch5.push(p(problemText, true), p(t('rep.ch5.none')));

  /* Lampiran */
  const annex: Block[] = [h(t('rep.annex.1')), p(t('rep.annex.1.text'))];
  annex.push(
    table(
      'questionnaire',
      'rep.table.questionnaire',
      {},
      [{ label: t('rep.col.code') }, { label: t('rep.col.element') }, { label: t('rep.col.question') }, { label: t('rep.col.answers') }],
      els.map((e) => [e.code, f.text(e.name), f.text(e.question), e.labels[lang].map((l, i) => `${i + 1} = ${l}`).join('; ')]),
    ),
  );
  annex.push(h(t('rep.annex.2')));
  if (res) {
    annex.push(
      table(
        'processing',
        'rep.table.processing',
        {},
        [{ label: t('rep.col.item') }, ...res.elements.map((e) => ({ label: e.code, num: true }))],
        [
          [t('rep.col.total'), ...res.elements.map((e) => f.int(e.total))],
          [t('rep.col.answered'), ...res.elements.map((e) => f.int(e.answered))],
          [t('rep.col.nrr'), ...res.elements.map((e) => f.num(e.nrr, 3))],
          [t('rep.col.weighted'), ...res.elements.map((e) => f.num(e.weighted, 3))],
        ],
        [
          `${t('rep.row.ikm')}: ${f.num(res.ikm, 3)} · ${t('rep.row.score')}: ${f.num(res.score, 2)} · ${t('rep.row.grade')}: ${res.grade}`,
          ...res.elements.map(() => ''),
        ],
      ),
    );
  } else annex.push(p(problemText, true));
  annex.push(h(t('rep.annex.3')), p(t('rep.annex.3.text')));
  annex.push(h(t('rep.annex.4')));
  if (input.previousPlan && input.previousPlan.items.length) {
    annex.push(
      table(
        'previous-plan',
        'rep.table.prevPlan',
        {},
        [
          { label: t('rep.col.no'), num: true },
          { label: t('rep.col.element') },
          { label: t('rep.col.action') },
          { label: t('rep.col.when') },
          { label: t('rep.col.status') },
          { label: t('rep.col.evidence') },
        ],
        input.previousPlan.items.map((x, i) => [
          f.int(i + 1),
          x.elementKey,
          x.action,
          t('rep.quarter', { q: x.quarter, year: x.year }),
          t(`rep.status.${x.status}`),
          x.evidence || '–',
        ]),
      ),
    );
  } else annex.push(p(t('rep.prevPlan.none')));

  const headline: Report['headline'] = [{ label: t('rep.row.respondents'), value: f.int(input.respondents) }];
  if (res)
    headline.push(
      { label: t('rep.row.score'), value: f.num(res.score) },
      { label: t('rep.row.grade'), value: `${res.grade} (${performanceText(res.performance, lang)})` },
    );
  if (input.indicator)
    headline.push({
      label: `${t('rep.row.achievement')} ${input.indicator.code}`,
      value: formatPercent(input.indicator.achievement.display, input.indicator.achievement.decimals, lang),
    });

  return assembleReport(
    kit,
    { unitName: unit, surveyTitle: input.survey.title, periodLabel, generatedAt: input.generatedAt, timeZone: input.timeZone, headline },
    [ch1, ch2, ch3, ch4, ch5, annex],
  );
}

/** A report from its cover facts and its six parts: BAB I–V and the Lampiran. */
export function assembleReport(
  kit: BlockKit,
  cover: { unitName: string; surveyTitle: string; periodLabel: string; generatedAt: Date; timeZone: string; headline: Report['headline'] },
  parts: readonly [Block[], Block[], Block[], Block[], Block[], Block[]],
): Report {
  const { t } = kit;
  const ids = ['bab-1', 'bab-2', 'bab-3', 'bab-4', 'bab-5', 'lampiran'];
  const titles = ['rep.ch1', 'rep.ch2', 'rep.ch3', 'rep.ch4', 'rep.ch5', 'rep.annex'];
  return {
    lang: kit.lang,
    title: t('rep.title'),
    unitName: cover.unitName,
    surveyTitle: cover.surveyTitle,
    periodLabel: cover.periodLabel,
    generatedOn: formatDate(cover.generatedAt, cover.timeZone),
    headline: cover.headline,
    chapters: parts.map((blocks, i) => ({ id: ids[i]!, title: t(titles[i]!), blocks })),
  };
}

/** "2023-01-05 14:03:09" in a time zone (IANA name), for files people open elsewhere. */
/** One formatter per time zone: building an Intl.DateTimeFormat costs more than formatting a date with it (a raw export formats one per row). */
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(d: Date, timeZone: string): string {
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateTimeFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(d);
  const get = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

export function formatDate(d: Date, timeZone: string): string {
  return formatDateTime(d, timeZone).slice(0, 10);
}

/** Every block of a report, in order, with its chapter. */
export function* blocksOf(report: Report): Generator<{ chapter: Chapter; block: Block }> {
  for (const chapter of report.chapters) for (const block of chapter.blocks) yield { chapter, block };
}
