/**
 * A survey takes answers only within its period (issue 13, item 2): the pure check, its WIB
 * month boundaries, and availability built on it. Dates are fixed; no clock is read.
 */
import { periodBounds, periodPosition } from '../../../server/responses';
import { availability } from '../../../server/features/survey-form/survey-form.service';
import { noticePage } from '../../../server/features/survey-form/survey-form.view-model';
import type { FormSurvey } from '../../../server/features/survey-form/survey-form.types';

describe('periodPosition', () => {
  test('a year period: the last minute of 31 Dec WIB is inside, the next minute is after', () => {
    expect(periodPosition({ year: 2022 }, new Date('2022-12-31T16:59:00Z'))).toBe('within');
    expect(periodPosition({ year: 2022 }, new Date('2022-12-31T17:00:00Z'))).toBe('after');
    expect(periodPosition({ year: 2022 }, new Date('2026-11-20T03:00:00Z'))).toBe('after');
  });

  test('a year period: 1 Jan 00:00 WIB (31 Dec 17:00 UTC) is already inside', () => {
    expect(periodPosition({ year: 2022 }, new Date('2021-12-31T16:59:00Z'))).toBe('before');
    expect(periodPosition({ year: 2022 }, new Date('2021-12-31T17:00:00Z'))).toBe('within');
  });

  test('semester and quarter periods cover their months only', () => {
    expect(periodPosition({ year: 2024, semester: 1 }, new Date('2024-06-30T10:00:00Z'))).toBe('within');
    expect(periodPosition({ year: 2024, semester: 1 }, new Date('2024-07-01T10:00:00Z'))).toBe('after');
    expect(periodPosition({ year: 2024, quarter: 3 }, new Date('2024-06-15T10:00:00Z'))).toBe('before');
    expect(periodPosition({ year: 2024, quarter: 3 }, new Date('2024-08-15T10:00:00Z'))).toBe('within');
  });

  test('periodBounds: from 00:00 WIB on the first day to 00:00 WIB after the last', () => {
    expect(periodBounds({ year: 2024, semester: 2 })).toEqual({ start: new Date('2024-06-30T17:00:00Z'), end: new Date('2024-12-31T17:00:00Z') });
  });
});

const survey = (over: Partial<FormSurvey> = {}) =>
  ({ title: 'SKM', status: 'open', opensAt: null, closesAt: null, period: { year: 2022 }, ...over }) as FormSurvey;

describe('availability with the period', () => {
  test('an open 2022 survey in Nov 2026: closed, and the notice names the ended period', () => {
    const now = new Date('2026-11-20T03:00:00Z');
    expect(availability(survey(), now)).toBe('closed');
    expect(noticePage(survey(), 'closed', 'id', now).message).toContain('periode 2022, yang sudah berakhir');
    expect(noticePage(survey({ period: { year: 2022, semester: 2 } }), 'closed', 'en', now).message).toContain('period Semester 2 2022, which has ended');
  });

  test('an open survey within its period: open; before it: not yet, with the period’s first day', () => {
    expect(availability(survey(), new Date('2022-05-01T00:00:00Z'))).toBe('open');
    const before = new Date('2021-11-01T00:00:00Z');
    expect(availability(survey(), before)).toBe('not-yet');
    expect(noticePage(survey(), 'not-yet', 'id', before).message).toContain('1 Januari 2022');
  });

  test('status and dates still rule inside the period', () => {
    const now = new Date('2022-05-01T00:00:00Z');
    expect(availability(survey({ status: 'draft' }), now)).toBe('draft');
    expect(availability(survey({ status: 'closed' }), now)).toBe('closed');
    expect(availability(survey({ closesAt: new Date('2022-04-01T00:00:00Z') }), now)).toBe('closed');
    expect(availability(survey({ opensAt: new Date('2022-06-01T00:00:00Z') }), now)).toBe('not-yet');
  });
});
