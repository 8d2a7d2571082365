/**
 * Demo data for a newcomer: on an empty database, the story of Direktorat Pemberdayaan
 * Kelompok Rentan. Its 2022 stakeholder survey (template `stakeholder`, 3 services,
 * population 1,800, indicator IKK 3.1 with target 90) has 1,250 responses with varied
 * profiles, services and months, and its 2021 survey (1,000 responses, target 88) gives the
 * trend. The figures — 92,26 (A, Sangat Baik), capaian 102,51% in 2022; 88,90 in 2021 — are
 * computed by server/ikm from the stored responses; demo-data.ts explains how the answers were
 * chosen. Responses are stored like any others, through the response pipeline (server/responses,
 * source "import", key scope "demo"). Both are closed: a survey takes answers only within its
 * period. The survey open to respondents, `skm-dit-pkr`, is the same questionnaire for the
 * current year (from the clock passed in), without responses yet. Deterministic for a given
 * clock; runs only when no unit exists.
 */
import type { Config } from '../../config';
import { Unit } from '../../../models/unit';
import { Survey } from '../../../models/survey';
import { elementsFromTemplate } from '../../results';
import { storeResponses, type PipelineSurvey } from '../../responses';
import { DEMO_2021, DEMO_2022, demoResponses, type DemoPeriod } from './demo-data';

export interface SeedContext {
  config: Config;
  log: (line: string) => void;
  /** The clock: the open survey's period is this moment's year (WIB). Default: now. */
  now?: Date;
}

export const DEMO_UNIT_SLUG = 'dit-pkr';
export const DEMO_SURVEY_SLUG = 'skm-dit-pkr-2022';
export const DEMO_SURVEY_2021_SLUG = 'skm-dit-pkr-2021';
/** The demo survey open to respondents: this year's period. */
export const DEMO_FORM_SLUG = 'skm-dit-pkr';

const SERVICES = [
  { key: 'konsultasi', name: { id: 'Konsultasi teknis', en: 'Technical consultation' } },
  { key: 'data', name: { id: 'Permintaan data dan informasi', en: 'Data and information requests' } },
  { key: 'bimtek', name: { id: 'Bimbingan teknis', en: 'Technical guidance' } },
];

async function storeDemoResponses(survey: PipelineSurvey, period: DemoPeriod): Promise<number> {
  const rows = demoResponses(
    period,
    survey.elements.map((e) => e.key),
  );
  const outcomes = await storeResponses(
    survey,
    'demo',
    rows.map((r, i) => ({ ...r, key: `demo-${period.year}-${String(i + 1).padStart(5, '0')}`, source: 'import' as const })),
  );
  return outcomes.filter((o) => o === 'stored').length;
}

/** Returns true when it created the demo, false when the database already had data. */
export async function seedDemo(ctx: SeedContext): Promise<boolean> {
  if ((await Unit.estimatedDocumentCount()) > 0) return false;
  const unit = await Unit.create({ name: 'Direktorat Pemberdayaan Kelompok Rentan', slug: DEMO_UNIT_SLUG, path: [] });
  unit.path = [unit._id];
  await unit.save();
  const common = {
    unitId: unit._id,
    unitPath: unit.path,
    template: 'stakeholder',
    elements: elementsFromTemplate('stakeholder'),
    services: SERVICES,
    published: true,
  };
  const s2021 = await Survey.create({
    ...common,
    title: 'Survei Kepuasan Stakeholder 2021',
    description: 'Survei kepuasan pemangku kepentingan Direktorat Pemberdayaan Kelompok Rentan tahun 2021.',
    slug: DEMO_SURVEY_2021_SLUG,
    period: { year: 2021 },
    status: 'closed',
    population: 1700,
    indicator: { code: 'IKK 3.1', name: 'Nilai Kepuasan Stakeholder', target: 88 },
  });
  const s2022 = await Survey.create({
    ...common,
    title: 'Survei Kepuasan Stakeholder 2022',
    description: 'Survei kepuasan pemangku kepentingan Direktorat Pemberdayaan Kelompok Rentan tahun 2022.',
    slug: DEMO_SURVEY_SLUG,
    period: { year: 2022 },
    status: 'closed',
    population: 1800,
    indicator: { code: 'IKK 3.1', name: 'Nilai Kepuasan Stakeholder', target: 90 },
  });
  const year = new Date((ctx.now ?? new Date()).getTime() + 7 * 3600 * 1000).getUTCFullYear();
  await Survey.create({
    ...common,
    title: `Survei Kepuasan Stakeholder ${year}`,
    description: `Survei kepuasan pemangku kepentingan Direktorat Pemberdayaan Kelompok Rentan tahun ${year}.`,
    slug: DEMO_FORM_SLUG,
    period: { year },
    status: 'open',
    population: 1800,
    indicator: { code: 'IKK 3.1', name: 'Nilai Kepuasan Stakeholder', target: 90 },
  });
  const n2021 = await storeDemoResponses(s2021, DEMO_2021);
  const n2022 = await storeDemoResponses(s2022, DEMO_2022);
  ctx.log(
    `demo: ${unit.name}, surveys ${DEMO_SURVEY_2021_SLUG} (${n2021} responses) and ${DEMO_SURVEY_SLUG} (${n2022} responses); open for answers: /s/${DEMO_FORM_SLUG}`,
  );
  return true;
}
