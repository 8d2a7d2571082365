/**
 * Admin pages benchmark (issues 8 and 13): the server time of each admin page at a small size
 * and at 100k responses, through the real app (in-process, supertest) on its own embedded
 * database, logged in through the real login form. Prints p50/p95 per page and size, and each
 * page's p95 at the largest size against the smallest (the ratio is the point; the 300 ms p95
 * target is printed beside it). Writes bench/README-admin-pages.md.
 *
 *   npm run bench:admin                          # 1,250 and 100,000 responses
 *   node dist/bench/admin-pages.js --sizes 1000,20000 --samples 20
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../server/app';
import { loadConfig } from '../server/config';
import { createLogger } from '../server/logger';
import { countersIdle, periodBounds, periodFields } from '../server/responses';
import { prng } from '../server/lib/prng';
import { benchResponse, benchSurvey, runBench, storeBenchResponses, withBenchDatabase } from './harness';
import { createUser, loginAs, TEST_PASSWORD } from '../tests/support/auth';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : fallback);
const sizes = arg('--sizes', '1250,100000').split(',').map(Number);
const samples = Number(arg('--samples', '30'));
const out = path.join(__dirname, '..', '..', 'bench', 'README-admin-pages.md');
const say = (s: string): void => void process.stdout.write(`${s}\n`);
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main(): Promise<void> {
  const started = performance.now();
  await withBenchDatabase('admin', async (embedded) => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false', SESSION_SECRET: 'b'.repeat(40) });
    const app = createApp({ config, logger: createLogger('silent') });
    const survey = await benchSurvey([
      { key: 'konsultasi', name: { id: 'Konsultasi', en: 'Consultation' } },
      { key: 'data', name: { id: 'Permintaan data', en: 'Data requests' } },
    ]);
    const admin = await createUser('admin', null, 'admin-bench@example.go.id');
    const rnd = prng(13);
    const keys = survey.elements.map((e) => e.key);
    // Answers spread over the survey's year so far (as a year of real use is), a fifth with a suggestion.
    const { start } = periodBounds(survey.period);
    const now = Date.now();
    const make = (i: number) => {
      const submittedAt = new Date(start.getTime() + Math.floor(rnd() * (now - start.getTime())));
      return benchResponse(survey, `r-${i}`, {
        month: periodFields(survey.period, submittedAt).month,
        submittedAt,
        service: rnd() < 0.5 ? 'konsultasi' : 'data',
        answers: keys.map((k) => ({ k, v: [2, 3, 3, 4, 4][Math.floor(rnd() * 5)]! })),
        profile: { gender: rnd() < 0.5 ? 'l' : 'p', age: ['20-29', '30-39', '40-49'][Math.floor(rnd() * 3)]!, education: 's1', occupation: 'pns' },
        suggestion: rnd() < 0.2 ? `Saran nomor ${i}: pelayanan sudah baik.` : '',
      });
    };
    const id = String(survey._id);
    const pages: [string, string][] = [
      ['survey list', '/admin/surveys'],
      ['survey page', `/admin/surveys/${id}`],
      ['survey dashboard', `/admin/surveys/${id}/dashboard`],
      ['dashboard, one service', `/admin/surveys/${id}/dashboard?service=data`],
      ['dashboard, profile filter', `/admin/surveys/${id}/dashboard?p_gender=p`],
      ['suggestions', `/admin/surveys/${id}/suggestions`],
      ['unit dashboard', '/admin/dashboard'],
      ['audit trail', '/admin/audit'],
    ];
    const results = new Map<string, { size: number; p50: number; p95: number }[]>();
    let stored = 0;
    for (const size of sizes) {
      while (stored < size) {
        const n = Math.min(2000, size - stored);
        await storeBenchResponses(
          survey,
          Array.from({ length: n }, (_, i) => make(stored + i)),
        );
        stored += n;
      }
      await countersIdle();
      say(`${size.toLocaleString('en-US')} responses stored`);
      const { agent } = await loginAs(app, admin.email, TEST_PASSWORD);
      const loginTimes: number[] = [];
      for (let i = 0; i < Math.min(samples, 10); i++) {
        const t = performance.now();
        await loginAs(app, admin.email, TEST_PASSWORD);
        loginTimes.push(performance.now() - t);
      }
      const record = (name: string, times: number[]): void => {
        const r = { size, p50: pct(times, 0.5), p95: pct(times, 0.95) };
        results.set(name, [...(results.get(name) ?? []), r]);
        say(`  ${name}: p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms`);
      };
      record('login (page + POST)', loginTimes);
      for (const [name, url] of pages) {
        const times: number[] = [];
        for (let i = 0; i < samples; i++) {
          const t = performance.now();
          const res = await agent.get(url);
          times.push(performance.now() - t);
          if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
        }
        record(name, times);
      }
    }
    const first = sizes[0]!.toLocaleString('en-US');
    const last = sizes[sizes.length - 1]!.toLocaleString('en-US');
    const rows = [...results.entries()].map(([name, rs]) => {
      const a = rs[0]!;
      const b = rs[rs.length - 1]!;
      return `| ${name} | ${a.p50.toFixed(0)} / ${a.p95.toFixed(0)} | ${b.p50.toFixed(0)} / ${b.p95.toFixed(0)} | ${(b.p95 / a.p95).toFixed(2)}× | ${b.p95 < 300 ? 'yes' : 'no'} |`;
    });
    const md = `# Admin pages benchmark (issues 8 and 13)

Generated by \`npm run bench:admin\` (bench/admin-pages.ts) on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} CPU cores, ${embedded.description.split(' at ')[0]}
(patched). The real app in-process, logged in as an admin through the login form; ${samples} requests per page and size, one at a
time (login: 10). One survey, 9 elements, 2 services, the standard profile, 20% of responses with a suggestion. The machine was
shared with other work, so absolute times are noisy; the ratio column is the point. Whole run: ${((performance.now() - started) / 60_000).toFixed(1)} minutes.

| page | ${first}: p50 / p95 (ms) | ${last}: p50 / p95 (ms) | p95 ${last} ÷ ${first} | p95 < 300 ms at ${last} |
|---|---:|---:|---:|---|
${rows.join('\n')}

Responses are spread over the survey's year so far, as a year of real use is. How each page stays bounded:
- the survey dashboard, one service, the unit dashboard: the counters (month × service cells), O(cells);
- a filter on one profile answer: that answer's profile cells (month × service × answer), O(cells); a filter on two
  profile answers at once is not in the counters and recounts the matching raw responses (grows with them);
- the latest suggestions and the suggestions list: read day by day from the newest through the suggestionKey
  index, about as many as shown (a page ends on the rest of its day). A text search walks the suggestions until it has
  a page of matches, so a rare word reads every suggestion of the survey (not measured here).
`;
    fs.writeFileSync(out, md);
    say(`written ${out}`);
  });
}

runBench(main);
