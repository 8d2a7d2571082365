/**
 * Reading suggestions newest first by day (server/features/dashboard/suggestions.service.ts):
 * the order and the pages equal a plain sort of all suggestions, whatever the gaps between
 * days, ties in time, hidden ones and search; the walk reads about what it shows.
 */
import { useTestDatabase } from '../support/db';
import { Response } from '../../models/response';
import { formatCursor, walkSuggestions, type SuggestionItem } from '../../server/features/dashboard/suggestions.service';
import { dayKey, dayKeysDescending } from '../../server/responses';
import { prng } from '../../server/lib/prng';
import { MIGRATIONS, runMigrations } from '../../server/db/migrations';
import { makeSurvey, makeUnit, storeAll, storeResponse, type ResponseInput } from './dashboard-fixtures';

useTestDatabase();

const scores = [3, 3, 3, 3, 3, 3, 3, 3, 3];

test('dayKey reads the day in WIB; dayKeysDescending walks back across months and years', () => {
  expect(dayKey(new Date('2022-12-31T16:59:59Z'))).toBe('2022-12-31');
  expect(dayKey(new Date('2022-12-31T17:00:00Z'))).toBe('2023-01-01');
  expect(dayKeysDescending(new Date('2022-12-30T05:00:00Z'), new Date('2023-01-02T05:00:00Z'))).toEqual([
    '2023-01-02',
    '2023-01-01',
    '2022-12-31',
    '2022-12-30',
  ]);
});

test('pages walked with the cursor equal a sort of every suggestion, with gaps, ties, hidden ones and search', async () => {
  const survey = await makeSurvey(await makeUnit());
  const rnd = prng(7);
  // 60 suggestions on a few far-apart days of 2022 (and several at the very same moment), plus answers without one.
  const days = [Date.UTC(2022, 0, 3, 2), Date.UTC(2022, 0, 3, 20), Date.UTC(2022, 5, 1, 9), Date.UTC(2022, 11, 31, 16, 30)];
  const inputs: ResponseInput[] = [];
  for (let i = 0; i < 60; i++) {
    const at = new Date(days[i % days.length]! + (i % 3 === 0 ? 0 : Math.floor(rnd() * 3600_000)));
    const month = Number(dayKey(at).slice(5, 7));
    inputs.push({ scores, month, submittedAt: at, suggestion: `Saran ${i} ${i % 4 === 0 ? 'antrean' : 'ruang tunggu'}` });
    if (i % 10 === 0) inputs.push({ scores, month, submittedAt: at });
  }
  await storeAll(survey, inputs);
  const hideMe = await Response.findOne({ surveyId: survey._id, suggestion: 'Saran 8 antrean' });
  await Response.updateOne({ _id: hideMe!._id }, { $set: { suggestionHidden: true } });

  const stored = (await Response.find({ surveyId: survey._id }).lean()).filter((d) => d.suggestion !== '');
  const expected = (includeHidden: boolean, text = ''): string[] =>
    stored
      .filter((d) => (includeHidden || !d.suggestionHidden) && d.suggestion.includes(text))
      .sort((a, b) => b.submittedAt.getTime() - a.submittedAt.getTime() || (String(a._id) < String(b._id) ? 1 : -1))
      .map((d) => d.suggestion);

  const walkAll = async (opts: { includeHidden?: boolean; text?: string }, limit: number): Promise<string[]> => {
    const out: string[] = [];
    let before: SuggestionItem | undefined;
    for (;;) {
      const page = await walkSuggestions(survey, {
        ...opts,
        limit,
        before: before && { at: before.submittedAt, id: before.id },
        now: new Date('2026-11-29T00:00:00Z'),
      });
      out.push(...page.items.map((x) => x.text));
      if (!page.more) return out;
      expect(page.items).toHaveLength(limit);
      before = page.items[page.items.length - 1];
      expect(formatCursor(before!)).toMatch(/^\d+_[0-9a-f]{24}$/);
    }
  };

  expect(await walkAll({}, 7)).toEqual(expected(false));
  expect(await walkAll({ includeHidden: true }, 50)).toEqual(expected(true));
  expect(await walkAll({ text: 'antrean' }, 4)).toEqual(expected(false, 'antrean'));
  expect(expected(false)).toHaveLength(59);
  expect((await walkSuggestions(survey, { limit: 5 })).items.map((x) => x.text)).toEqual(expected(false).slice(0, 5));
  expect((await walkSuggestions(survey, { limit: 100, text: 'tidak ada' })).items).toEqual([]);
});

test('a survey without suggestions: nothing, no more', async () => {
  const survey = await makeSurvey(await makeUnit(), { period: { year: 2022, quarter: 2 } });
  await storeResponse(survey, { scores, month: 5 });
  expect(await walkSuggestions(survey, { limit: 5 })).toEqual({ items: [], more: false });
});

test('migration: a response stored before suggestionKey existed gets it once; a second start changes nothing', async () => {
  const survey = await makeSurvey(await makeUnit());
  const stored = await storeResponse(survey, { scores, month: 4, submittedAt: new Date('2022-04-10T18:00:00Z'), suggestion: 'Lama' });
  await Response.collection.updateOne({ _id: stored._id }, { $unset: { suggestionKey: '' } });
  expect((await walkSuggestions(survey, { limit: 5 })).items).toEqual([]);

  const ran = await runMigrations({ migrations: MIGRATIONS });
  const again = await runMigrations({ migrations: MIGRATIONS });

  expect(ran).toContain('2026-11-response-suggestion-key');
  expect(again).toEqual([]);
  expect((await Response.findById(stored._id).lean())!.suggestionKey).toBe(`${String(survey._id)}:2022-04-11`);
  expect((await walkSuggestions(survey, { limit: 5 })).items.map((x) => x.text)).toEqual(['Lama']);
});
