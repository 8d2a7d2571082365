/**
 * Issue 13 in a real browser (Debian's Chromium through playwright-core): the unit dashboard
 * with two element sets (1), service rows without JavaScript (5), the share section (6), the
 * language switch keeping answers (14), the error summary landing on the question (16),
 * progress (17), kiosk without navigation (18), at 360 px and on a desktop; and an axe-core
 * scan (the npm package, evaluated in the page) with zero serious or critical violations on the
 * public form, its error state, the thank-you page, login, survey dashboard, import preview and
 * audit log (20). Screenshots for the README are written to docs/screenshots when
 * SCREENSHOTS=1.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_FORM_SLUG, DEMO_SURVEY_SLUG, DEMO_UNIT_SLUG } from '../../server/features/demo/seed';
import { elementsFromTemplate } from '../../server/results';
import { Response } from '../../models/response';
import { Survey } from '../../models/survey';
import { Unit } from '../../models/unit';
import { useTestDatabase } from '../support/db';
import { useBrowserStage } from '../support/browser';
import { TEST_PASSWORD } from '../support/auth';
import { makeSurvey, makeUnit, storeResponse } from '../integration/dashboard-fixtures';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.SCREENSHOTS === '1' ? path.join(__dirname, '../../docs/screenshots') : null;
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 768 };

jest.setTimeout(180_000);
useTestDatabase();

let browser: Browser;
let base: string;
let adminEmail: string;

const stage = useBrowserStage({ surveyForm: { minFillMs: 0 } });
beforeAll(() => {
  ({ browser, base, adminEmail } = stage);
});

/** axe-core evaluated in the page (never injected as a <script>: the CSP rightly forbids inline scripts). Needs JavaScript on. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (
      window as unknown as {
        axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run(document, {
      resultTypes: ['violations'],
    }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function context(opts: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: opts.javaScriptEnabled ?? true, viewport: opts.viewport ?? DESKTOP });
}

async function login(ctx: BrowserContext): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${base}/admin/login`);
  await page.fill('input[name=email]', adminEmail);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForLoadState();
  return page;
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: name.endsWith('-full') });
}

describe('respondent', () => {
  for (const js of [true, false]) {
    test(`360 px phone, JavaScript ${js ? 'on' : 'off'}: progress, language switch keeps answers, summary lands on the question, then thanks`, async () => {
      const ctx = await context({ javaScriptEnabled: js, viewport: PHONE });
      const page = await ctx.newPage();
      const survey = (await Survey.findOne({ slug: DEMO_FORM_SLUG }).lean())!;
      const k = survey.elements.length;
      await page.goto(`${base}/s/${DEMO_FORM_SLUG}`);
      expect(await noSidewaysScroll(page)).toBe(true);
      expect(await page.textContent('#progress')).toBe(`0 dari ${k} terjawab`);
      if (js) expect(await seriousViolations(page)).toEqual([]);
      if (!js) await shot(page, 'form-360');

      const [a, b] = survey.elements;
      await page.check(`#a_${a!.key}-4`);
      await page.check(`#a_${b!.key}-2`);
      // Live with JavaScript; the plain text is recomputed by the server on the next page without it.
      if (js) expect(await page.textContent('#progress')).toBe(`2 dari ${k} terjawab`);

      await page.click('button[name=_lang]');
      await page.waitForLoadState();
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.isChecked(`#a_${a!.key}-4`)).toBe(true);
      expect(await page.isChecked(`#a_${b!.key}-2`)).toBe(true);
      expect(await page.textContent('#progress')).toBe(`2 of ${k} answered`);

      // Send with most questions unanswered: the summary link brings the question's text into view.
      await page.click('.sf-submit button');
      await page.waitForLoadState();
      expect(await page.isVisible('#error-summary')).toBe(true);
      if (js) expect(await seriousViolations(page)).toEqual([]);
      if (!js) await shot(page, 'form-error-360');
      const link = page.locator('#error-summary a[href^="#q-"]').first();
      const target = (await link.getAttribute('href'))!;
      await link.click();
      const legendTop = await page.locator(`${target} legend`).evaluate((el) => el.getBoundingClientRect().top);
      expect(legendTop).toBeGreaterThanOrEqual(0);
      expect(legendTop).toBeLessThan(PHONE.height / 2);

      for (const e of survey.elements) await page.check(`#a_${e.key}-3`);
      await page.selectOption('#service', { index: 1 });
      const before = await Response.countDocuments({ surveyId: survey._id });
      await page.click('.sf-submit button');
      await page.waitForURL(/terima-kasih/);
      expect(await Response.countDocuments({ surveyId: survey._id })).toBe(before + 1);
      if (js) expect(await seriousViolations(page)).toEqual([]);
      await ctx.close();
    });
  }

  test('kiosk on a phone: no link off the survey, no badge', async () => {
    const ctx = await context({ viewport: PHONE });
    const page = await ctx.newPage();
    await page.goto(`${base}/s/${DEMO_FORM_SLUG}?kiosk=1`);
    expect(await page.locator('header a').count()).toBe(0);
    expect(await page.locator('a[href="/"], a[href^="/admin"]').count()).toBe(0);
    expect(await page.textContent('body')).not.toContain('Mode kios');
    await ctx.close();
  });
});

describe('admin', () => {
  test('unit dashboard with two element sets, phone and desktop: each year keeps its figure, the official index is explained', async () => {
    const demo = (await Unit.findOne({ slug: DEMO_UNIT_SLUG }).lean())!;
    const sub = await makeUnit('Subdirektorat Rehabilitasi', { _id: demo._id, path: demo.path });
    const other = await makeSurvey(sub, {
      title: 'SKM Loket 2023',
      period: { year: 2023 },
      elements: elementsFromTemplate('permenpanrb-14-2017'),
      indicator: null,
    });
    await storeResponse(other, { scores: [3, 3, 4, 3, 3, 4, 4, 3, 3], service: 'a' });
    for (const viewport of [PHONE, DESKTOP]) {
      const ctx = await context({ viewport });
      const page = await login(ctx);
      await page.goto(`${base}/admin/dashboard?unit=${demo._id}`);
      const years = await page.locator('#table-years tbody tr').allTextContents();
      // 2021 and 2022 (stakeholder set) and 2023 (the 14/2017 set) each keep their figure; the current year has no answers yet.
      const answered = years.filter((r) => ['2021', '2022', '2023'].includes(r.slice(0, 4)));
      expect(answered).toHaveLength(3);
      for (const row of answered) expect(row).toMatch(/\d+,\d{2}/);
      expect(await page.textContent('#table-official')).toContain('IKK 3.1');
      expect(await page.textContent('main')).toContain('Survei tanpa indikator hanya ditampilkan sebagai pembanding');
      await page.waitForFunction(() => document.querySelectorAll('canvas:not([hidden])').length > 0);
      expect(await noSidewaysScroll(page)).toBe(true);
      expect(await seriousViolations(page)).toEqual([]);
      if (viewport === DESKTOP) await shot(page, 'dashboard-unit');
      await ctx.close();
    }
  });

  test('survey dashboard on a 360 px phone: no sideways scrolling of the page; wide tables scroll in their own focusable region', async () => {
    const ctx = await context({ viewport: PHONE });
    const page = await login(ctx);
    const demo2022 = (await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean())!;
    await page.goto(`${base}/admin/surveys/${demo2022._id}/dashboard`);
    await page.waitForFunction(() => document.querySelectorAll('canvas:not([hidden])').length > 0);
    const wide = await page.evaluate(() =>
      Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
        .map((e) => `${e.tagName}.${e.className}#${e.id}`)
        .slice(0, 8),
    );
    expect(wide).toEqual([]);
    expect(await noSidewaysScroll(page)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });

  test('survey dashboard charts on a 360 px phone and a desktop: per-unsur labels fit (codes, or whole names wrapped), Indonesian ticks, a lone month keeps its target line, years spaced by time', async () => {
    const unit = await makeUnit('Direktorat Grafik');
    const surveys = [];
    for (const year of [2021, 2022, 2026]) surveys.push(await makeSurvey(unit, { period: { year }, title: `Survei Grafik ${year}` }));
    for (const s of surveys) {
      await storeResponse(s, { scores: [4, 3, 3, 4, 3, 4, 4, 3, 3], month: 3, service: 'a', profile: { gender: 'p' } });
      await storeResponse(s, { scores: [3, 3, 2, 4, 3, 3, 4, 3, 4], month: 3, service: '', profile: { gender: 'l' } });
    }
    const ctx = await context({ viewport: PHONE });
    const page = await login(ctx);
    await page.goto(`${base}/admin/surveys/${surveys[1]!._id}/dashboard`);
    await page.waitForFunction(() => document.querySelectorAll('canvas:not([hidden])').length >= 4);

    type Scale = { ticks: { label: string | string[] }[]; width: number; _labelSizes?: { widest: { width: number } } };
    type Point = { x: number };
    type ChartLike = { scales: Record<string, Scale>; getDatasetMeta: (i: number) => { data: Point[] }; chartArea: { left: number; right: number } };
    const charts = await page.evaluate(() => {
      const C = (window as unknown as { Chart: { getChart: (c: Element) => ChartLike } }).Chart;
      const get = (id: string) => C.getChart(document.getElementById(`canvas-${id}`)!);
      const unsur = get('unsur');
      const gender = get('p-gender');
      const months = get('months');
      const periods = get('periods');
      return {
        unsurLabels: unsur.scales.y!.ticks.map((t) => t.label),
        unsurWidest: unsur.scales.y!._labelSizes?.widest.width ?? Infinity,
        unsurAxis: unsur.scales.y!.width,
        genderTicks: gender.scales.x!.ticks.map((t) => String(t.label)),
        monthTarget: months.getDatasetMeta(1).data.map((p) => p.x),
        monthArea: months.chartArea.right - months.chartArea.left,
        periodX: periods.getDatasetMeta(0).data.map((p) => p.x),
      };
    });

    // Item 10: on a phone the unsur axis shows the codes, whole; the full names are in the table.
    expect(charts.unsurLabels).toEqual(surveys[1]!.elements.map((e) => e.code));
    expect(charts.unsurWidest).toBeLessThanOrEqual(charts.unsurAxis);
    const table = (await page.textContent('#table-unsur'))!;
    for (const e of surveys[1]!.elements) expect(table).toContain(e.name!.id);
    // Item 11: axis numbers the Indonesian way.
    expect(charts.genderTicks.some((l) => /^\d+,\d+$/.test(l))).toBe(true);
    expect(charts.genderTicks.filter((l) => /\d\.\d/.test(l))).toEqual([]);
    // Item 12: one month of answers still has a target line across the chart…
    expect(charts.monthTarget).toHaveLength(2);
    expect(charts.monthTarget[1]! - charts.monthTarget[0]!).toBeGreaterThan(charts.monthArea * 0.9);
    // …and 2022 → 2026 is four times as far as 2021 → 2022.
    const [x21, x22, x26] = charts.periodX;
    expect((x26! - x22!) / (x22! - x21!)).toBeCloseTo(4, 1);
    expect(await page.textContent('[data-testid=period-gaps]')).toContain('2023–2025');
    expect(await page.textContent('#table-services')).toContain('(tanpa layanan)');
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.evaluate(() => document.getElementById('unsur-title')!.scrollIntoView({ block: 'start' }));
    await shot(page, 'dashboard-360');
    await ctx.close();

    // On a desktop the full names are the labels, wrapped onto lines, still whole inside the axis.
    const wide = await context({ viewport: DESKTOP });
    const desk = await login(wide);
    await desk.goto(`${base}/admin/surveys/${surveys[1]!._id}/dashboard`);
    await desk.waitForFunction(() => document.querySelectorAll('canvas:not([hidden])').length >= 4);
    const axis = await desk.evaluate(() => {
      type Scale = { ticks: { label: string | string[] }[]; width: number; _labelSizes?: { widest: { width: number } } };
      const C = (window as unknown as { Chart: { getChart: (c: Element) => { scales: Record<string, Scale> } } }).Chart;
      const y = C.getChart(document.getElementById('canvas-unsur')!).scales.y!;
      return { labels: y.ticks.map((t) => ([] as string[]).concat(t.label).join(' ')), widest: y._labelSizes?.widest.width ?? Infinity, width: y.width };
    });
    expect(axis.labels).toEqual(surveys[1]!.elements.map((e) => `${e.code} ${e.name!.id}`));
    expect(axis.widest).toBeLessThanOrEqual(axis.width);
    await wide.close();
  });

  test('survey page without JavaScript: add a service row, type a plain name, save; the key is derived', async () => {
    const ctx = await context({ javaScriptEnabled: false, viewport: PHONE });
    const page = await login(ctx);
    const survey = (await Survey.findOne({ slug: DEMO_FORM_SLUG }).lean())!;
    await page.goto(`${base}/admin/surveys/${survey._id}#services`);
    const rows = Number(await page.getAttribute('input[name=svc_rows]', 'value'));
    // Each click's page is waited for by its address (the POST's, then the redirect's), not by a
    // load state the page before it already had.
    await Promise.all([page.waitForURL(`${base}/admin/surveys/${survey._id}/services`), page.click('button[name=_add][value=svc]')]);
    expect(Number(await page.getAttribute('input[name=svc_rows]', 'value'))).toBe(rows + 1);
    await page.fill(`#f-svc_${rows}_id`, 'Rehabilitasi sosial');
    await Promise.all([page.waitForURL(`${base}/admin/surveys/${survey._id}#services`), page.click('#services button[type=submit]:not([name])')]);
    const stored = (await Survey.findById(survey._id).lean())!;
    expect(stored.services.map((s) => s.key)).toContain('rehabilitasi-sosial');
    // The confirmation sits in the section the redirect's #services lands on, on screen.
    const note = await page.locator('#services [data-flash-at=services]').boundingBox();
    expect(note).not.toBeNull();
    expect(note!.y).toBeGreaterThanOrEqual(0);
    expect(note!.y + note!.height).toBeLessThanOrEqual(PHONE.height);
    expect(await noSidewaysScroll(page)).toBe(true);
    await ctx.close();
  });

  test('share section: QR preview, PNG download of the public link, printable poster', async () => {
    const ctx = await context();
    const page = await login(ctx);
    const survey = (await Survey.findOne({ slug: DEMO_FORM_SLUG }).lean())!;
    await page.goto(`${base}/admin/surveys/${survey._id}`);
    expect(await page.inputValue('#share-link')).toBe(`${base}/s/${DEMO_FORM_SLUG}`);
    expect(await page.isVisible('.qr-preview svg')).toBe(true);
    expect(await page.textContent('#share')).toContain('PUBLIC_URL belum diatur');
    await page.locator('#share').scrollIntoViewIfNeeded();
    await shot(page, 'share');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/qr.png"]')]);
    expect(download.suggestedFilename()).toBe(`qr-${DEMO_FORM_SLUG}.png`);
    await page.click('a[href$="/poster"]');
    await page.waitForLoadState();
    expect(await page.textContent('.poster-link')).toBe(`${base.replace('http://', '')}/s/${DEMO_FORM_SLUG}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('.poster-back')).toBe(false);
    await ctx.close();
  });

  test('axe: login, survey dashboard, import preview and audit log have no serious or critical violations', async () => {
    const ctx = await context();
    const anon = await ctx.newPage();
    await anon.goto(`${base}/admin/login`);
    expect(await seriousViolations(anon)).toEqual([]);
    await anon.goto(`${base}/s/${DEMO_FORM_SLUG}`);
    expect(await seriousViolations(anon)).toEqual([]);
    await shot(anon, 'form-desktop');
    const page = await login(ctx);
    const demo2022 = (await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean())!;
    await page.goto(`${base}/admin/surveys/${demo2022._id}/dashboard`);
    await page.waitForFunction(() => document.querySelectorAll('canvas:not([hidden])').length > 0);
    expect(await seriousViolations(page)).toEqual([]);

    const open = (await Survey.findOne({ slug: DEMO_FORM_SLUG }).lean())!;
    await page.goto(`${base}/admin/surveys/${open._id}/import`);
    const header = open.elements.map((_, i) => `U${i + 1}`).join(',');
    const csv = `${header}\n${open.elements.map(() => '4').join(',')}\n${open.elements.map(() => '3').join(',')}\n`;
    await page.setInputFiles('#f-file', { name: 'jawaban.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('form[enctype] button[type=submit]');
    await page.waitForLoadState();
    expect(page.url()).toMatch(/\/import\/[^/]+$/);
    expect(await seriousViolations(page)).toEqual([]);

    await page.goto(`${base}/admin/audit`);
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });
});
