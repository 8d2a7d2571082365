/**
 * The role × route matrix of the admin area and the API token pages: each role may do exactly
 * what the table says; everything else is 403 (or, for anonymous visitors, a login redirect
 * for pages and 403 for posts, which carry no valid CSRF token).
 */
import request from 'supertest';
import { useTestDatabase } from '../support/db';
import { testApp } from '../support/app';
import { createUser, loginAs, type LoggedInAgent } from '../support/auth';
import { elementsFromTemplate } from '../../server/results';
import { createToken } from '../../server/features/api/tokens.service';
import { createSurvey, createUnit } from './admin-helpers';

useTestDatabase();
const app = testApp();

type Role = 'admin' | 'umOwn' | 'umParent' | 'umOther' | 'viewer' | 'viewerOther' | 'anon';
const ROLES: Role[] = ['admin', 'umOwn', 'umParent', 'umOther', 'viewer', 'viewerOther', 'anon'];
/** A status code, or 'login' for a 303 to the login page. */
type Outcome = number | 'login';

const ctx = {
  agents: {} as Record<Exclude<Role, 'anon'>, LoggedInAgent>,
  ids: {} as { survey: string; unit: string; otherUnit: string; user: string; token: string },
};

let seq = 0;
function elementFields(): Record<string, string> {
  const out: Record<string, string> = {};
  elementsFromTemplate('permenpanrb-14-2017').forEach((e, i) => {
    out[`name_id_${i}`] = `${e.name.id} ${seq}`;
    out[`name_en_${i}`] = e.name.en;
    out[`question_id_${i}`] = e.question.id;
    out[`question_en_${i}`] = e.question.en;
    [0, 1, 2, 3].forEach((j) => {
      out[`label_id_${i}_${j}`] = e.labels.id[j]!;
      out[`label_en_${i}_${j}`] = e.labels.en[j]!;
    });
  });
  return out;
}

interface Row {
  method: 'GET' | 'POST';
  path: () => string;
  body?: () => Record<string, string>;
  expect: Record<Role, Outcome>;
}

const L = 'login' as const;
// Columns: admin, unit manager of the survey's unit, unit manager of its parent unit, unit manager
// of another unit, viewer of the survey's unit, viewer of another unit, anonymous.
const row = (method: Row['method'], path: Row['path'], outcomes: Outcome[], body?: Row['body']): Row => ({
  method,
  path,
  body,
  expect: Object.fromEntries(ROLES.map((r, i) => [r, outcomes[i]!])) as Record<Role, Outcome>,
});

const s = () => `/admin/surveys/${ctx.ids.survey}`;
const TABLE: Row[] = [
  //                                                        admin umOwn umPar umOth view  vOth  anon
  row('GET', () => '/admin', /*                          */ [200, 200, 200, 200, 200, 200, L]),
  row('GET', () => '/admin/account', /*                  */ [200, 200, 200, 200, 200, 200, L]),
  row('GET', () => '/admin/surveys', /*                  */ [200, 200, 200, 200, 200, 200, L]),
  row('GET', () => '/admin/surveys/new', /*              */ [200, 200, 200, 200, 403, 403, L]),
  row('GET', s, /*                                       */ [200, 200, 200, 403, 200, 403, L]),
  row(
    'POST',
    () => '/admin/surveys',
    /*                 */ [303, 303, 303, 403, 403, 403, 403],
    () => ({ title: 'Baru', slug: `baru-${++seq}-${Date.now()}`, unitId: ctx.ids.unit, year: '2025', source: 'stakeholder' }),
  ),
  row(
    'POST',
    () => `${s()}/elements`,
    /*                */ [303, 303, 303, 403, 403, 403, 403],
    () => (++seq, elementFields()),
  ),
  row(
    'POST',
    () => `${s()}/settings`,
    /*                */ [303, 303, 303, 403, 403, 403, 403],
    () => ({ title: `Judul ${++seq}`, year: '2024' }),
  ),
  row(
    'POST',
    () => `${s()}/services`,
    /*                */ [303, 303, 303, 403, 403, 403, 403],
    () => ({ services: `svc${++seq} | Layanan ${seq} | Service` }),
  ),
  row(
    'POST',
    () => `${s()}/profile`,
    /*                 */ [303, 303, 303, 403, 403, 403, 403],
    () => ({ profile: `q${++seq} | Pertanyaan | Question | text` }),
  ),
  row(
    'POST',
    () => `${s()}/indicator`,
    /*               */ [303, 303, 303, 403, 403, 403, 403],
    () => ({
      code: 'IKK 3.1',
      name: 'Nilai kepuasan',
      target: String(80 + (++seq % 10)),
      polarity: 'higher',
      cap: 'none',
      achievementDecimals: '2',
      achievementRounding: 'round',
    }),
  ),
  row(
    'POST',
    () => `${s()}/status`,
    /*                  */ [303, 303, 303, 403, 403, 403, 403],
    () => ({ status: ++seq % 2 ? 'open' : 'closed' }),
  ),
  row(
    'POST',
    () => `${s()}/publish`,
    /*                 */ [303, 303, 303, 403, 403, 403, 403],
    () => ({ published: ++seq % 2 ? '1' : '0' }),
  ),
  row('GET', () => '/admin/users', /*                    */ [200, 403, 403, 403, 403, 403, L]),
  row('GET', () => '/admin/users/new', /*                */ [200, 403, 403, 403, 403, 403, L]),
  row(
    'POST',
    () => '/admin/users',
    /*                   */ [201, 403, 403, 403, 403, 403, 403],
    () => ({ email: `new-${++seq}-${Date.now()}@example.go.id`, name: 'Baru', role: 'viewer', unitId: ctx.ids.unit }),
  ),
  row('GET', () => `/admin/users/${ctx.ids.user}`, /*    */ [200, 403, 403, 403, 403, 403, L]),
  row(
    'POST',
    () => `/admin/users/${ctx.ids.user}`,
    /*   */ [303, 403, 403, 403, 403, 403, 403],
    () => ({ name: `Nama ${++seq}`, role: 'viewer', unitId: ctx.ids.otherUnit }),
  ),
  row('POST', () => `/admin/users/${ctx.ids.user}/reset-password`, [200, 403, 403, 403, 403, 403, 403]),
  row('GET', () => '/admin/units', /*                    */ [200, 403, 403, 403, 403, 403, L]),
  row(
    'POST',
    () => '/admin/units',
    /*                   */ [303, 403, 403, 403, 403, 403, 403],
    () => ({ name: 'Seksi Baru', slug: `seksi-${++seq}-${Date.now()}`, parentId: ctx.ids.unit }),
  ),
  row(
    'POST',
    () => `/admin/units/${ctx.ids.otherUnit}`,
    [303, 403, 403, 403, 403, 403, 403],
    () => ({ name: `Direktorat Lain ${++seq}` }),
  ),
  row('GET', () => '/admin/audit', /*                    */ [200, 403, 403, 403, 403, 403, L]),
  row('GET', () => '/admin/tokens', /*                   */ [200, 403, 403, 403, 403, 403, L]),
  row(
    'POST',
    () => '/admin/tokens',
    /*                  */ [201, 403, 403, 403, 403, 403, 403],
    () => ({ name: `Sistem ${++seq}`, unitId: ctx.ids.unit }),
  ),
  row('POST', () => `/admin/tokens/${ctx.ids.token}/revoke`, [303, 403, 403, 403, 403, 403, 403]),
];

beforeAll(async () => {
  const parent = await createUnit('Direktorat Induk');
  const unit = await createUnit('Subdirektorat Uji', parent);
  const other = await createUnit('Direktorat Lain');
  const survey = await createSurvey(unit);
  const admin = await createUser('admin');
  const users = {
    admin,
    umOwn: await createUser('unit-manager', unit._id),
    umParent: await createUser('unit-manager', parent._id),
    umOther: await createUser('unit-manager', other._id),
    viewer: await createUser('viewer', unit._id),
    viewerOther: await createUser('viewer', other._id),
  };
  const target = await createUser('viewer', unit._id);
  const token = await createToken({ id: String(admin._id), email: admin.email, name: admin.name }, { name: 'Untuk dicabut', unitId: String(unit._id) });
  const { ApiToken } = await import('../../models/api-token');
  const tokenDoc = await ApiToken.findOne({ name: token.name }).lean();
  ctx.ids = { survey: String(survey._id), unit: String(unit._id), otherUnit: String(other._id), user: String(target._id), token: String(tokenDoc!._id) };
  for (const [role, u] of Object.entries(users)) {
    ctx.agents[role as Exclude<Role, 'anon'>] = await loginAs(app, u.email);
  }
});

async function attempt(role: Role, r: Row) {
  const path = r.path();
  if (role === 'anon') {
    const anon = request(app);
    return r.method === 'GET'
      ? anon.get(path)
      : anon
          .post(path)
          .type('form')
          .send(r.body?.() ?? {});
  }
  const who = ctx.agents[role];
  if (r.method === 'GET') return who.agent.get(path);
  return who.agent
    .post(path)
    .type('form')
    .send({ ...(r.body?.() ?? {}), _csrf: await who.csrf() });
}

describe.each(TABLE.map((r) => [`${r.method} ${r.path().replace(/undefined|[0-9a-f]{24}/g, ':id')}`, r] as const))('%s', (_name, r) => {
  test.each(ROLES.map((role) => [role, r.expect[role]] as const))('%s → %s', async (role, outcome) => {
    const res = await attempt(role, r);
    if (outcome === 'login') {
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/admin\/login\?next=/);
    } else {
      expect(res.status).toBe(outcome);
    }
  });
});
