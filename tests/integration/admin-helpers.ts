/** Builders shared by the admin integration tests: units with their path, surveys, form posts. */
import type { Express } from 'express';
import type { Types } from 'mongoose';
import { Unit } from '../../models/unit';
import { Survey } from '../../models/survey';
import { elementsFromTemplate } from '../../server/results';
import type { LoggedInAgent } from '../support/auth';

let n = 0;

export async function createUnit(name: string, parent?: { _id: Types.ObjectId; path: Types.ObjectId[] }) {
  n += 1;
  const unit = new Unit({ name, slug: `unit-${n}-${Date.now()}`, parentId: parent?._id ?? null });
  unit.path = [...(parent?.path ?? []), unit._id];
  await unit.save();
  return unit;
}

export async function createSurvey(unit: { _id: Types.ObjectId; path: Types.ObjectId[] }, extra: Record<string, unknown> = {}) {
  n += 1;
  return Survey.create({
    unitId: unit._id,
    unitPath: unit.path,
    title: `Survei uji ${n}`,
    slug: `survei-uji-${n}-${Date.now()}`,
    period: { year: 2024 },
    template: 'permenpanrb-14-2017',
    elements: elementsFromTemplate('permenpanrb-14-2017'),
    ...extra,
  });
}

/** POST a form as a logged-in agent, with a fresh CSRF token. */
export async function postForm(who: LoggedInAgent, path: string, fields: Record<string, string> = {}) {
  return who.agent
    .post(path)
    .type('form')
    .send({ ...fields, _csrf: await who.csrf() });
}

export type { Express };
