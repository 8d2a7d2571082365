/**
 * Demo data for a newcomer: on an empty database, one directorate and its open stakeholder
 * survey, so `npm start` shows a working product. Deterministic; runs only when no unit exists.
 */
import type { Config } from '../../config';
import { Unit } from '../../../models/unit';
import { Survey } from '../../../models/survey';
import { elementsFromTemplate } from '../surveys/elements';

export interface SeedContext {
  config: Config;
  log: (line: string) => void;
}

export const DEMO_UNIT_SLUG = 'dit-pkr';
export const DEMO_SURVEY_SLUG = 'skm-dit-pkr-2022';

/** Returns true when it created the demo, false when the database already had data. */
export async function seedDemo(_ctx: SeedContext): Promise<boolean> {
  if ((await Unit.estimatedDocumentCount()) > 0) return false;
  const unit = await Unit.create({ name: 'Direktorat Pemberdayaan Kelompok Rentan', slug: DEMO_UNIT_SLUG, path: [] });
  unit.path = [unit._id];
  await unit.save();
  await Survey.create({
    unitId: unit._id,
    unitPath: unit.path,
    title: 'Survei Kepuasan Stakeholder 2022',
    description: 'Survei kepuasan pemangku kepentingan Direktorat Pemberdayaan Kelompok Rentan tahun 2022.',
    slug: DEMO_SURVEY_SLUG,
    period: { year: 2022 },
    template: 'stakeholder',
    elements: elementsFromTemplate('stakeholder'),
    services: [
      { key: 'konsultasi', name: { id: 'Konsultasi teknis', en: 'Technical consultation' } },
      { key: 'data', name: { id: 'Permintaan data dan informasi', en: 'Data and information requests' } },
      { key: 'bimtek', name: { id: 'Bimbingan teknis', en: 'Technical guidance' } },
    ],
    status: 'open',
    population: 1800,
    indicator: { code: 'IKK 3.1', name: 'Nilai Kepuasan Stakeholder', target: 90 },
    published: true,
  });
  return true;
}
