/**
 * The unit report as data: all of a unit's surveys and its sub-units' for a period, in the same
 * report model (chapters of blocks) as the survey report, so the same PDF and DOCX renderers
 * lay it out. Breakdowns per survey, per sub-unit, per service and per indicator (the official
 * index), each combined the dashboard's way (dashboard.service compareSurveys).
 *
 * A combined index exists only across surveys with the very same element set and grade table.
 * When the surveys differ, the report says so plainly and gives each survey's own index instead
 * of a number that means nothing.
 *
 * Pure: no database, no Express; `buildUnitReport` gets everything in a UnitReportInput.
 */
import type { Lang } from '../../i18n';
import { formatPercent, performanceText } from '../../i18n/format';
import type { IkmResult } from '../../ikm';
import {
  blockKit,
  elementBlocks,
  extremesSentence,
  assembleReport,
  channelsTable,
  elementTable,
  indicatorSentence,
  introChapter,
  joinList,
  planTable,
  resultSentence,
  weakSentence,
  type Block,
  type PlanItem,
  type Report,
  type ReportElement,
  type ReportInput,
} from './report.model';

export interface UnitReportSurvey {
  title: string;
  unitName: string;
  periodLabel: string;
  templateName: string;
  kep25: boolean;
  respondents: number;
  /** The Krejcie–Morgan minimum; null without a population estimate. */
  required: number | null;
  result: IkmResult | null;
  problem: string | null;
  indicator: ReportInput['indicator'];
  elements: readonly ReportElement[];
  plan: readonly PlanItem[];
}

/** A group of surveys (a sub-unit, a service, an indicator) and its combined figure. */
export interface UnitFigure {
  label: string;
  respondents: number;
  result: IkmResult | null;
  /** False when the group mixes element sets: then there is no combined index, by definition. */
  combinable: boolean;
}

export interface UnitReportInput {
  lang: Lang;
  unitName: string;
  periodLabel: string;
  surveys: readonly UnitReportSurvey[];
  /** All the surveys together; `elements` are the shared set's when combinable. */
  combined: (UnitFigure & { elements: readonly ReportElement[]; problem: string | null }) | null;
  byUnit: readonly UnitFigure[];
  byService: readonly UnitFigure[];
  official: readonly (UnitFigure & { code: string; name: string; year: number; target: number; indicator: ReportInput['indicator']; surveys: string[] })[];
  channels: readonly { source: string; n: number }[];
  generatedAt: Date;
  timeZone: string;
}

export function buildUnitReport(input: UnitReportInput): Report {
  const { lang } = input;
  const kit = blockKit(lang);
  const { f, t, table, chart, p, h, scoreColumns, scoreRow } = kit;
  const unit = input.unitName;
  const period = input.periodLabel;
  const surveys = input.surveys;
  const comb = input.combined;
  const missing = (x: UnitFigure) => (x.combinable ? t('rep.services.noResult') : t('rep.unit.mixed'));
  const respondents = surveys.reduce((s, x) => s + x.respondents, 0);
  const target = input.official[0]?.target ?? null;
  const barChart = (id: string, captionKey: string, rows: readonly UnitFigure[]): Block =>
    chart(
      id,
      captionKey,
      {},
      {
        type: 'bar',
        horizontal: true,
        min: 25,
        max: 100,
        target,
        targetLabel: target !== null ? `${t('rep.row.target')} ${f.num(target)}` : null,
        labels: rows.map((x) => x.label),
        datasets: [{ label: t('rep.col.score'), data: rows.map((x) => (x.result ? x.result.score : null)) }],
      },
    );

  /* BAB I */
  const templates = [...new Set(surveys.map((s) => s.templateName))];
  const ch1: Block[] = [
    ...introChapter(
      kit,
      unit,
      templates,
      surveys.some((s) => s.kep25),
    ),
    p(t('rep.unit.scope.text', { unit, period, n: f.int(surveys.length) })),
  ];

  /* BAB II */
  const ch2: Block[] = [h(t('rep.ch2.a')), p(t('rep.ch2.a.text', { unit })), h(t('rep.ch2.b'))];
  if (surveys.length) {
    ch2.push(
      table(
        'surveys',
        'rep.unit.table.surveys',
        {},
        [
          { label: t('dash.survey') },
          { label: t('dash.unitName') },
          { label: t('rep.col.period') },
          { label: t('rep.unit.col.questionnaire') },
          { label: t('rep.col.respondents'), num: true },
          { label: t('rep.unit.col.required'), num: true },
        ],
        surveys.map((s) => [s.title, s.unitName, s.periodLabel, s.templateName, f.int(s.respondents), s.required === null ? '–' : f.int(s.required)]),
      ),
    );
  } else ch2.push(p(t('rep.unit.none', { unit, period }), true));
  const channels = channelsTable(kit, input.channels);
  if (channels) ch2.push(channels);
  ch2.push(h(t('rep.ch2.c')), p(t('rep.ch2.c.text', { unit })), h(t('rep.ch2.d')), p(t('rep.unit.period.text', { period })), h(t('rep.ch2.e')));
  const short = surveys.filter((s) => s.required !== null && s.respondents < s.required);
  const noPopulation = surveys.filter((s) => s.required === null);
  if (short.length)
    ch2.push(
      p(
        t('rep.unit.short', {
          list: joinList(
            short.map((s) => `${s.title} (${f.int(s.respondents)} / ${f.int(s.required!)})`),
            t('rep.and'),
          ),
        }),
        true,
      ),
    );
  else if (surveys.length && noPopulation.length < surveys.length) ch2.push(p(t('rep.unit.sampleOk')));
  if (noPopulation.length)
    ch2.push(
      p(
        t('rep.unit.noPopulation', {
          list: joinList(
            noPopulation.map((s) => s.title),
            t('rep.and'),
          ),
        }),
        true,
      ),
    );

  /* BAB III */
  const ch3: Block[] = [
    h(t('rep.ch3.a')),
    p(respondents ? t('rep.unit.respondents', { n: f.int(respondents), surveys: f.int(surveys.length) }) : t('rep.ch3.a.none'), !respondents),
  ];
  ch3.push(h(t('rep.unit.ch3.combined')));
  const combinedResult = comb?.combinable ? comb.result : null;
  const elName = (key: string) => f.text(comb?.elements.find((e) => e.key === key)?.name) || key;
  if (!comb || !surveys.length) ch3.push(p(t('rep.unit.none', { unit, period }), true));
  else if (!comb.combinable) ch3.push(p(t('rep.unit.notCombinable', { sets: joinList(templates, t('rep.and')) }), true));
  else if (combinedResult) {
    ch3.push(p(resultSentence(kit, unit, period, combinedResult)));
    ch3.push(...elementBlocks(kit, combinedResult, comb.respondents, elName, target));
  } else ch3.push(p(t(`rep.problem.${comb.problem ?? 'no-answers'}`), true));

  ch3.push(h(t('rep.unit.ch3.official')));
  if (input.official.length) {
    ch3.push(
      p(t('dash.officialLead')),
      table(
        'official',
        'rep.unit.table.official',
        {},
        [
          { label: t('rep.row.indicator') },
          { label: t('rep.unit.col.counted') },
          { label: t('rep.col.respondents'), num: true },
          { label: t('rep.col.score'), num: true },
          { label: t('rep.row.target'), num: true },
          { label: t('rep.row.achievement'), num: true },
        ],
        input.official.map((o) => [
          `${o.code} ${o.name} (${o.year})`,
          o.surveys.join('; '),
          f.int(o.respondents),
          o.result ? f.num(o.result.score) : missing(o),
          f.num(o.target),
          o.indicator ? formatPercent(o.indicator.achievement.display, o.indicator.achievement.decimals, lang) : '–',
        ]),
      ),
    );
    for (const o of input.official) {
      if (o.indicator) ch3.push(p(indicatorSentence(kit, o.indicator)));
      else if (!o.combinable) ch3.push(p(t('rep.unit.officialMixed', { code: o.code, year: o.year }), true));
      else ch3.push(p(t('rep.noIndicatorResult', { code: o.code }), true));
    }
  } else ch3.push(p(t('dash.officialNone'), true));

  ch3.push(h(t('rep.unit.ch3.surveys')));
  if (surveys.length)
    ch3.push(
      table(
        'by-survey',
        'rep.unit.table.bySurvey',
        {},
        scoreColumns(t('dash.survey')),
        surveys.map((s) => scoreRow(`${s.title} (${s.unitName})`, s.respondents, s.result, t('rep.services.noResult'))),
      ),
    );
  // Per sub-unit and per service: a table, and a chart when any group has an index.
  const breakdown = (heading: string, id: string, captionKey: string, chartKey: string, first: string, rows: readonly UnitFigure[], none: string) => {
    ch3.push(h(t(heading)));
    if (!rows.length) return ch3.push(p(none, true));
    ch3.push(
      table(
        id,
        captionKey,
        {},
        scoreColumns(t(first)),
        rows.map((x) => scoreRow(x.label, x.respondents, x.result, missing(x))),
      ),
    );
    if (rows.some((x) => x.result)) ch3.push(barChart(id, chartKey, rows));
  };
  breakdown(
    'rep.unit.ch3.units',
    'by-unit',
    'rep.unit.table.byUnit',
    'rep.unit.chart.byUnit',
    'dash.unitName',
    input.byUnit,
    t('rep.unit.none', { unit, period }),
  );
  breakdown(
    'rep.unit.ch3.services',
    'by-service',
    'rep.table.services',
    'rep.unit.chart.byService',
    'rep.col.service',
    input.byService,
    t('rep.unit.noServices'),
  );

  /* BAB IV */
  const ch4: Block[] = [h(t('rep.ch4.a'))];
  const analysed: string[] = [];
  if (combinedResult) {
    const s = extremesSentence(combinedResult, lang, elName);
    analysed.push(s);
    ch4.push(p(s), p(weakSentence(kit, combinedResult, elName)));
  } else {
    // Different element sets: each survey is analysed on its own elements.
    for (const s of surveys) {
      if (!s.result) continue;
      const names = (key: string) => f.text(s.elements.find((e) => e.key === key)?.name) || key;
      ch4.push(p(`${s.title} (${s.unitName}): ${extremesSentence(s.result, lang, names)}`), p(weakSentence(kit, s.result, names)));
    }
  }
  if (!surveys.some((s) => s.result)) ch4.push(p(t('rep.noAnalysis'), true));
  const ranked = input.byUnit.filter((x) => x.result).sort((a, b) => b.result!.score - a.result!.score);
  let unitsSentence: string | null = null;
  if (ranked.length > 1) {
    const top = ranked[0]!;
    const bottom = ranked[ranked.length - 1]!;
    unitsSentence =
      top.result!.scoreRounded === bottom.result!.scoreRounded
        ? t('rep.unit.unitsEqual', { value: f.num(top.result!.score) })
        : t('rep.unit.unitsRange', { top: top.label, high: f.num(top.result!.score), bottom: bottom.label, low: f.num(bottom.result!.score) });
    ch4.push(p(unitsSentence));
  }
  ch4.push(h(t('rep.ch4.b')));
  const planned = surveys.filter((s) => s.plan.length);
  for (const s of planned) {
    const names = (key: string) => f.text(s.elements.find((e) => e.key === key)?.name) || key;
    ch4.push(planTable(kit, `plan-${s.title}`, 'rep.unit.table.plan', { survey: s.title }, s.plan, names));
  }
  if (!planned.length) ch4.push(p(t('rep.plan.none'), true));

  /* BAB V */
  const ch5: Block[] = [];
  if (combinedResult) ch5.push(p(resultSentence(kit, unit, period, combinedResult)));
  else if (comb && !comb.combinable) ch5.push(p(t('rep.unit.notCombinable', { sets: joinList(templates, t('rep.and')) }), true));
  for (const o of input.official) if (o.indicator) ch5.push(p(indicatorSentence(kit, o.indicator)));
  ch5.push(...analysed.map((s) => p(s)));
  if (unitsSentence) ch5.push(p(unitsSentence));
  if (short.length) ch5.push(p(t('rep.unit.shortConclusion', { n: f.int(short.length) }), true));
  if (!surveys.some((s) => s.result)) ch5.push(p(t('rep.ch5.none')));

  /* Lampiran: each survey's results per element */
  const annex: Block[] = [h(t('rep.unit.annex.1'))];
  for (const s of surveys) {
    const names = (key: string) => f.text(s.elements.find((e) => e.key === key)?.name) || key;
    if (!s.result) {
      annex.push(p(`${s.title} (${s.unitName}): ${t(`rep.problem.${s.problem ?? 'no-answers'}`)}`, true));
      continue;
    }
    annex.push(elementTable(kit, s.result, names, `elements-${s.title}`, 'rep.unit.table.surveyElements', { survey: `${s.title} (${s.unitName})` }));
  }
  if (!surveys.length) annex.push(p(t('rep.unit.none', { unit, period }), true));
  annex.push(h(t('rep.unit.annex.2')), p(t('rep.unit.annex.raw')));

  const headline: Report['headline'] = [
    { label: t('rep.unit.row.surveys'), value: f.int(surveys.length) },
    { label: t('rep.row.respondents'), value: f.int(respondents) },
  ];
  if (combinedResult)
    headline.push(
      { label: t('rep.row.score'), value: f.num(combinedResult.score) },
      { label: t('rep.row.grade'), value: `${combinedResult.grade} (${performanceText(combinedResult.performance, lang)})` },
    );
  else if (comb && !comb.combinable) headline.push({ label: t('rep.row.score'), value: t('rep.unit.mixed') });
  for (const o of input.official)
    if (o.indicator)
      headline.push({
        label: `${t('rep.row.achievement')} ${o.code} ${o.year}`,
        value: formatPercent(o.indicator.achievement.display, o.indicator.achievement.decimals, lang),
      });

  return assembleReport(
    kit,
    {
      unitName: unit,
      surveyTitle: t('rep.unit.scope', { n: f.int(surveys.length) }),
      periodLabel: period,
      generatedAt: input.generatedAt,
      timeZone: input.timeZone,
      headline,
    },
    [ch1, ch2, ch3, ch4, ch5, annex],
  );
}
