/**
 * The form's survey-definition cache on the real database: requests that find the cached copy
 * too old while it is being read share that one read (issue 14: at 50 clients every submission
 * arriving during a read started a read of its own), and the copy they get is as fresh as asked.
 */
import { useTestDatabase } from '../support/db';
import { Survey } from '../../models/survey';
import { Unit } from '../../models/unit';
import { elementsFromTemplate } from '../../server/results';
import { SurveyDefinitions } from '../../server/features/survey-form/survey-definitions';

useTestDatabase();

async function openSurvey(slug: string) {
  const unit = await Unit.create({ name: 'Unit Definisi', slug: `unit-${slug}` });
  return Survey.create({
    unitId: unit._id,
    unitPath: [unit._id],
    title: 'Survei Definisi',
    slug,
    period: { year: 2026 },
    template: 'stakeholder',
    elements: elementsFromTemplate('stakeholder'),
    services: [{ key: 'a', name: { id: 'A', en: 'A' } }],
    status: 'open',
  });
}

test('concurrent requests for a stale definition share one read, and a change made before it is seen by all', async () => {
  await openSurvey('survei-definisi');
  const clock = { t: 1_000_000 };
  const defs = new SurveyDefinitions({ freshMs: 15_000, staleMs: 3_600_000 }, () => clock.t);
  const first = await defs.bySlug('survei-definisi');
  expect(first?.status).toBe('open');

  await Survey.updateOne({ slug: 'survei-definisi' }, { $set: { status: 'closed' } });
  clock.t += 2_000; // older than a submission's 1 s
  const copies = await Promise.all(Array.from({ length: 20 }, () => defs.bySlug('survei-definisi', 1_000)));
  expect(new Set(copies).size).toBe(1); // one read, shared: each read makes an object of its own
  expect(copies[0]).not.toBe(first);
  expect(copies[0]?.status).toBe('closed');

  // Fresh enough for the next requests: no read at all (the very same copy).
  expect(await defs.bySlug('survei-definisi', 1_000)).toBe(copies[0]);
  // Once that read is done, the next stale request reads again.
  clock.t += 2_000;
  expect(await defs.bySlug('survei-definisi', 1_000)).not.toBe(copies[0]);
});

test('a survey that does not exist is null for every request sharing the read', async () => {
  const defs = new SurveyDefinitions({ freshMs: 15_000, staleMs: 3_600_000 });
  const r = await Promise.all(Array.from({ length: 5 }, () => defs.bySlug('tidak-ada')));
  expect(r).toEqual([null, null, null, null, null]);
});
