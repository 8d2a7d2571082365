/**
 * The standard profile has one definition (server/results/profile.ts): the keys counted are the
 * keys the dashboard filters by, whatever a question's kind says, and an age in years falls in
 * the same group for the counters and the import.
 */
import { Types } from 'mongoose';
import { AGE_GROUPS, ageGroup, countedProfileKeys, STANDARD_PROFILE_KEYS, STANDARD_PROFILE_OPTIONS } from '../../server/results';
import { StatsDelta } from '../../server/results/counters';
import { parseFilter } from '../../server/features/dashboard/dashboard.service';
import { choiceKey } from '../../server/features/import/import.mapping';
import { STANDARD_PROFILE } from '../../server/features/survey-form/profile';

const survey = {
  _id: new Types.ObjectId(),
  elements: [{ key: 'u1' }, { key: 'u2' }],
  profileQuestions: [{ key: 'kanal', kind: null }, { key: 'catatan', kind: 'text' }, { key: 'jalur' }, { key: 'gender', kind: 'choice' }],
};

describe('standard profile: one definition', () => {
  test('counted keys: the standard ones, then the survey’s own choice questions (a null or missing kind is the default, choice)', () => {
    expect(countedProfileKeys([survey])).toEqual([...STANDARD_PROFILE_KEYS, 'kanal', 'jalur']);
  });

  test('over several surveys: each key once, in first-seen order, free-text questions left out', () => {
    const other = {
      profileQuestions: [
        { key: 'jalur', kind: 'choice' },
        { key: 'zona', kind: 'choice' },
        { key: 'kanal', kind: 'text' },
      ],
    };
    expect(countedProfileKeys([survey, other])).toEqual([...STANDARD_PROFILE_KEYS, 'kanal', 'jalur', 'zona']);
    expect(countedProfileKeys([{ profileQuestions: null }, {}])).toEqual([...STANDARD_PROFILE_KEYS]);
  });

  test('what the counters count is what the dashboard filters by (a question whose kind is null included)', () => {
    const delta = new StatsDelta(survey);
    const profile = { gender: 'p', age: '34', kanal: 'wa', jalur: 'loket', catatan: 'cepat' };
    expect(delta.add({ surveyId: survey._id, year: 2026, month: 3, service: '', answers: [{ k: 'u1', v: 4 }], profile })).toBe(true);
    const counted = [...delta.buckets.get('all')!.inc.keys()].filter((p) => p.startsWith('p.')).map((p) => p.split('.')[1]);
    const query = Object.fromEntries(Object.entries(profile).map(([k, v]) => [`p_${k}`, v]));
    const filtered = Object.keys(parseFilter(query, countedProfileKeys([survey])).profile ?? {});
    expect(counted.sort()).toEqual(filtered.sort());
    expect(counted).toContain('kanal');
    expect(counted).not.toContain('catatan');
  });

  test('an age in years falls in the same group for the counters and the import; a group is kept', () => {
    const options = AGE_GROUPS.map((key) => ({ key, name: { id: key, en: key } }));
    for (let age = 0; age <= 120; age++) {
      const group = ageGroup(String(age));
      expect(AGE_GROUPS).toContain(group);
      expect(choiceKey(String(age), options, 'age')).toBe(group);
    }
    expect([ageGroup('19'), ageGroup('20'), ageGroup('29'), ageGroup('59'), ageGroup('60')]).toEqual(['u20', '20-29', '20-29', '50-59', '60plus']);
    for (const g of AGE_GROUPS) expect(ageGroup(g)).toBe(g);
  });

  test('the form asks the standard questions with the standard options', () => {
    expect(STANDARD_PROFILE.map((q) => [q.key, q.options.map((o) => o.key)])).toEqual(STANDARD_PROFILE_KEYS.map((k) => [k, [...STANDARD_PROFILE_OPTIONS[k]]]));
  });
});
