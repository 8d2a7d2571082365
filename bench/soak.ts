/**
 * Soak benchmark: the real app (`node dist/server/main.js`, a process of its own) on the embedded
 * database, fed a steady stream of survey submissions (each from a client address of its own, as
 * respondents on their own phones) and some admin page reads (a logged-in administrator opening
 * the survey's dashboard and the survey list), for a given number of minutes. Every 30 s it
 * samples the resident memory (RSS) of the app and of the database process, and the
 * submissions answered in that interval with their p95 latency.
 *
 *   npm run build && nice -n 10 node dist/bench/soak.js [minutes=30] [submissions per second=25]
 *
 * It prints the series, then RSS at the end ÷ RSS after the warm-up (the first tenth of the run,
 * at least one sample) for both processes, and whether the throughput per interval stayed within
 * ±10% of its median ("flat"). At the end it checks that every acknowledged submission is stored
 * once and counted, and that the counters equal a recount.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import mongoose from 'mongoose';
import { Response } from '../models/response';
import { CountingOutbox } from '../models/counting-outbox';
import { AGE_GROUPS, STANDARD_PROFILE_OPTIONS, responseCounts, verifyStats } from '../server/results';
import { newIdempotencyKey, signStartToken } from '../server/features/survey-form/form-token';
import { killAll, startApp, waitFor } from '../tests/support/faults';
import { csrfFrom } from '../tests/support/auth';
import { benchSurvey, httpRequest, percentiles, processRssMb, runBench, withBenchDatabase, type BenchDatabase } from './harness';

const MINUTES = Number(process.argv[2] ?? 30);
const RATE = Number(process.argv[3] ?? 25);
const SAMPLE_MS = 30_000;
const ADMIN_EVERY_MS = 2_000;
const MAX_IN_FLIGHT = 200;
const SECRET = crypto.randomBytes(32).toString('hex');
const ADMIN = { email: 'soak-admin@example.go.id', password: crypto.randomBytes(12).toString('base64url') };

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

interface Sample {
  atMin: number;
  appRssMb: number;
  dbRssMb: number;
  accepted: number;
  failed: number;
  adminReads: number;
  p95: string;
}

async function run(db: BenchDatabase): Promise<void> {
  const survey = await benchSurvey([
    { key: 'konsultasi', name: { id: 'Konsultasi', en: 'Consultation' } },
    { key: 'perizinan', name: { id: 'Perizinan', en: 'Licensing' } },
  ]);
  const app = await startApp(db.embedded?.uri ?? process.env.MONGODB_URI!, {
    DB_NAME: mongoose.connection.name,
    NODE_ENV: 'production',
    SESSION_SECRET: SECRET,
    COUNTER_RECOVERY_MS: '60000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  });
  const appPid = app.child.pid;
  const dbPid = db.embedded?.pid();
  say(`app: node dist/server/main.js, pid ${appPid}; database pid ${dbPid ?? '(external: RSS not sampled)'}`);
  say(`offered load: ${RATE} submissions/s for ${MINUTES} min, one admin page read every ${ADMIN_EVERY_MS / 1000} s; samples every ${SAMPLE_MS / 1000} s`);

  // The administrator logs in through the real login form once (its cookies kept by hand).
  const adminAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const cookies = new Map<string, string>();
  const adminRequest = async (method: string, path: string, form?: Record<string, string>) => {
    const r = await httpRequest(adminAgent, app.port, {
      method,
      path,
      body: form ? new URLSearchParams(form).toString() : undefined,
      headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const c of [r.headers['set-cookie'] ?? []].flat()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return r;
  };
  const loginPage = await adminRequest('GET', '/admin/login');
  const login = await adminRequest('POST', '/admin/login', { ...ADMIN, _csrf: csrfFrom(loginPage.body.toString()) });
  if (login.status !== 303 && login.status !== 302) throw new Error(`admin login failed: HTTP ${login.status}`);
  const adminPages = [`/admin/surveys/${String(survey._id)}/dashboard`, '/admin/surveys'];

  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  const issuedAt = Date.now() - 60_000;
  let sent = 0;
  let inFlight = 0;
  let acceptedTotal = 0;
  let interval = { accepted: 0, failed: 0, adminReads: 0, ms: [] as number[] };
  const failures = new Map<string, number>();
  let retried = 0;

  const submit = async (i: number): Promise<void> => {
    const key = newIdempotencyKey();
    const fields: Record<string, string> = {
      _key: key,
      // A fresh start token per form: the run lasts longer than a token lives (12 hours is plenty, but be exact).
      _t: signStartToken(SECRET, survey.slug, key, Math.max(issuedAt, Date.now() - 60_000)),
      service: i % 3 ? 'konsultasi' : 'perizinan',
      p_gender: i % 2 ? 'l' : 'p',
      p_age: AGE_GROUPS[i % AGE_GROUPS.length]!,
      p_education: STANDARD_PROFILE_OPTIONS.education[i % 7]!,
      p_occupation: STANDARD_PROFILE_OPTIONS.occupation[(i >> 1) % 7]!,
      suggestion: i % 5 ? '' : `Saran ${i}: pelayanan sudah baik.`,
    };
    survey.elements.forEach((e, j) => (fields[`a_${e.key}`] = String(((i + j) % 4) + 1)));
    const t = process.hrtime.bigint();
    const body = new URLSearchParams(fields).toString();
    // Each respondent from an address of its own (TRUST_PROXY=1): the per-address limit is in force.
    const headers = { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` };
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await httpRequest(agent, app.port, { method: 'POST', path: `/s/${survey.slug}`, body, headers });
        if (r.status === 303) {
          interval.accepted++;
          acceptedTotal++;
          interval.ms.push(Number(process.hrtime.bigint() - t) / 1e6);
        } else {
          interval.failed++;
          failures.set(String(r.status), (failures.get(String(r.status)) ?? 0) + 1);
        }
        return;
      } catch (e) {
        // A kept-alive connection the server closed just as it was reused: send the same form
        // again, as a browser does (same key: stored once). Counted as a failure only when it persists.
        if (attempt < 3 && (e as NodeJS.ErrnoException).code === 'ECONNRESET') {
          retried++;
          continue;
        }
        interval.failed++;
        failures.set((e as Error).message, (failures.get((e as Error).message) ?? 0) + 1);
        return;
      }
    }
  };

  const started = Date.now();
  const endAt = started + MINUTES * 60_000;
  const samples: Sample[] = [];
  const sample = () => {
    samples.push({
      atMin: (Date.now() - started) / 60_000,
      appRssMb: processRssMb(appPid),
      dbRssMb: processRssMb(dbPid),
      accepted: interval.accepted,
      failed: interval.failed,
      adminReads: interval.adminReads,
      p95: percentiles(interval.ms).split(', ')[1] ?? '',
    });
    const s = samples[samples.length - 1]!;
    say(
      `${s.atMin.toFixed(1).padStart(5)} min  app RSS ${s.appRssMb.toFixed(0).padStart(4)} MB  database RSS ${s.dbRssMb.toFixed(0).padStart(4)} MB  accepted ${String(s.accepted).padStart(5)} (${(s.accepted / (SAMPLE_MS / 1000)).toFixed(1)}/s)  failed ${s.failed}  admin reads ${s.adminReads}  submission ${s.p95}`,
    );
    interval = { accepted: 0, failed: 0, adminReads: 0, ms: [] };
  };

  // Open loop: submissions are started on a fixed schedule (not when the previous one answers),
  // so a slower app shows as fewer accepted per interval and higher latency, not as a slower client.
  const tick = 100;
  const perTick = (RATE * tick) / 1000;
  let owed = 0;
  const submitter = setInterval(() => {
    owed += perTick;
    while (owed >= 1 && inFlight < MAX_IN_FLIGHT) {
      owed -= 1;
      inFlight++;
      void submit(sent++).finally(() => inFlight--);
    }
    if (inFlight >= MAX_IN_FLIGHT) owed = 0; // the app is behind: do not pile up
  }, tick);
  let adminBusy = false;
  let page = 0;
  const reader = setInterval(() => {
    if (adminBusy) return;
    adminBusy = true;
    void adminRequest('GET', adminPages[page++ % adminPages.length]!)
      .then((r) => {
        if (r.status === 200) interval.adminReads++;
        else failures.set(`admin ${r.status}`, (failures.get(`admin ${r.status}`) ?? 0) + 1);
      })
      .catch((e: Error) => failures.set(`admin ${e.message}`, (failures.get(`admin ${e.message}`) ?? 0) + 1))
      .finally(() => (adminBusy = false));
  }, ADMIN_EVERY_MS);
  const sampler = setInterval(sample, SAMPLE_MS);
  const expectedSamples = Math.max(1, Math.round((MINUTES * 60_000) / SAMPLE_MS));
  await new Promise((r) => setTimeout(r, endAt - Date.now()));
  await waitFor(async () => samples.length >= expectedSamples, SAMPLE_MS, 50); // the last interval's sample
  clearInterval(submitter);
  clearInterval(reader);
  clearInterval(sampler);
  await waitFor(async () => inFlight === 0, 60_000, 100);
  agent.destroy();
  adminAgent.destroy();

  // ── the series ──
  const warm = samples[Math.max(0, Math.ceil(samples.length / 10) - 1)]!;
  const last = samples[samples.length - 1]!;
  const rates = samples.map((s) => s.accepted);
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
  const worst = Math.max(...rates.map((r) => Math.abs(r - median) / median));
  say('');
  say(`warm-up sample at ${warm.atMin.toFixed(1)} min; last at ${last.atMin.toFixed(1)} min`);
  // A garbage-collected heap saws up and down between samples: also compare the median of the
  // five samples after the warm-up with the median of the last five.
  const warmIndex = samples.indexOf(warm);
  const median5 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [name, of] of [
    ['app', (s: Sample) => s.appRssMb],
    ['database', (s: Sample) => s.dbRssMb],
  ] as const) {
    const early = median5(samples.slice(warmIndex, warmIndex + 5).map(of));
    const late = median5(samples.slice(-5).map(of));
    say(
      `${name} RSS: ${of(warm).toFixed(0)} → ${of(last).toFixed(0)} MB = ${(of(last) / of(warm)).toFixed(2)}× (end ÷ after warm-up); medians of five ${early.toFixed(0)} → ${late.toFixed(0)} MB = ${(late / early).toFixed(2)}×; max ${Math.max(...samples.map(of)).toFixed(0)} MB`,
    );
  }
  say(
    `throughput per interval: median ${(median / (SAMPLE_MS / 1000)).toFixed(1)}/s, furthest interval ${(100 * worst).toFixed(1)}% from it: ${worst <= 0.1 ? 'flat (within ±10%)' : 'NOT flat'}`,
  );
  say(
    `failures: ${failures.size === 0 ? 'none' : [...failures].map(([k, v]) => `${k} × ${v}`).join(', ')}; connections reset on reuse and sent again: ${retried}`,
  );

  // ── every acknowledged submission stored once and counted ──
  app.child.kill('SIGTERM'); // the drain writes the counting in flight
  await app.exited;
  const stored = await Response.countDocuments({ surveyId: survey._id });
  const outbox = await CountingOutbox.estimatedDocumentCount();
  const counted = (await responseCounts([survey._id])).get(String(survey._id)) ?? 0;
  const verified = await verifyStats(survey._id);
  say(`accepted ${acceptedTotal}, stored ${stored}, counted ${counted}, outbox ${outbox}; counters ${verified.ok ? 'equal' : 'DIFFER FROM'} a recount`);
  if (stored !== acceptedTotal || counted !== stored || !verified.ok) throw new Error('responses lost or miscounted (see above)');
}

// An app process left running by a failed run would hold its port and memory: stop it.
runBench(() => withBenchDatabase('soak', run).finally(killAll));
