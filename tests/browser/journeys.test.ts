/**
 * Real journeys in a real browser (Debian's Chromium through playwright-core; never a
 * downloaded browser) against the real app and database: a respondent on a 360 px phone,
 * and an admin reading the dashboard with and without JavaScript.
 */
import fs from 'node:fs';
import { type Browser, type ConsoleMessage } from 'playwright-core';
import { DEMO_FORM_SLUG, DEMO_SURVEY_SLUG } from '../../server/features/demo/seed';
import { Response } from '../../models/response';
import { Survey } from '../../models/survey';
import { useTestDatabase } from '../support/db';
import { useBrowserStage } from '../support/browser';
import { TEST_PASSWORD } from '../support/auth';
import { csvRows, docxContent, pdfPages, readXlsx } from '../support/files';

jest.setTimeout(120_000);
useTestDatabase();

let browser: Browser;
let base: string;
let adminEmail: string;
/** The app's clock: moved past the form's minimum fill time instead of waiting for it. */
let clock = Date.now();

const stage = useBrowserStage({ now: () => new Date(clock), surveyForm: { minFillMs: 500 } });
beforeAll(() => {
  ({ browser, base, adminEmail } = stage);
});

function collectProblems(messages: string[]) {
  return (m: ConsoleMessage) => {
    if (m.type() === 'error') messages.push(m.text());
  };
}

test('a respondent on a 360 px phone: errors are summarised and linked, then one response is stored', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  const problems: string[] = [];
  page.on('console', collectProblems(problems));
  await page.goto(`${base}/s/${DEMO_FORM_SLUG}`);

  // Nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

  // Sending an empty form brings back a summary whose links lead to the fields.
  clock += 600; // past the minimum fill time
  await page.click('.sf-submit button[type=submit]');
  const summary = page.locator('.error-summary, [role=alert]').first();
  await expect(summary.isVisible()).resolves.toBe(true);
  const firstLink = summary.locator('a[href^="#"]').first();
  const target = (await firstLink.getAttribute('href'))!;
  expect(await page.locator(target).count()).toBe(1);

  // Answer every element by keyboard-reachable radios (labels are the touch targets).
  const survey = await Survey.findOne({ slug: DEMO_FORM_SLUG }).lean();
  const before = await Response.countDocuments({ surveyId: survey!._id });
  await page.selectOption('#service', 'konsultasi');
  for (const e of survey!.elements) await page.check(`#a_${e.key}-4`);
  await page.focus(`#a_${survey!.elements[0]!.key}-4`);
  await page.keyboard.press('ArrowLeft'); // arrow keys move within a radio group
  expect(await page.isChecked(`#a_${survey!.elements[0]!.key}-3`)).toBe(true);
  clock += 600; // past the minimum fill time
  await page.click('.sf-submit button[type=submit]');
  await page.waitForURL(/terima-kasih/);
  expect(await page.textContent('main')).toMatch(/Terima kasih/i);
  expect(await Response.countDocuments({ surveyId: survey!._id })).toBe(before + 1);

  // Back and resubmit: the POST is answered as the same response (303 to the thank-you page), still one stored.
  await page.goBack();
  const [resubmit] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === `/s/${DEMO_FORM_SLUG}`),
    page.click('.sf-submit button[type=submit]'),
  ]);
  const answer = await resubmit.response();
  expect(answer?.status()).toBe(303);
  expect(answer?.headers().location).toMatch(/terima-kasih/);
  await page.waitForURL(/terima-kasih/);
  expect(await Response.countDocuments({ surveyId: survey!._id })).toBe(before + 1);
  expect(problems.filter((p) => /Content Security Policy/i.test(p))).toEqual([]);
  await page.close();
});

async function loggedInPage(javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/admin/login`);
  await page.fill('input[name=email]', adminEmail);
  await page.fill('input[name=password]', TEST_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForLoadState();
  return { context, page };
}

test('an admin reads the survey dashboard: charts are drawn from the page data, without CSP errors', async () => {
  const { context, page } = await loggedInPage(true);
  const problems: string[] = [];
  page.on('console', collectProblems(problems));
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean();
  await page.goto(`${base}/admin/surveys/${String(survey!._id)}/dashboard`);
  expect(await page.textContent('main')).toContain('92,26');
  await page.waitForFunction(() => document.querySelectorAll('canvas:not([hidden])').length > 0);
  const drawn = await page.evaluate(
    () => Array.from(document.querySelectorAll('canvas:not([hidden])')).filter((c) => (c as HTMLCanvasElement).width > 0).length,
  );
  expect(drawn).toBeGreaterThanOrEqual(3);
  expect(problems).toEqual([]);
  await context.close();
});

test('without JavaScript the dashboard is complete as tables', async () => {
  const { context, page } = await loggedInPage(false);
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean();
  await page.goto(`${base}/admin/surveys/${String(survey!._id)}/dashboard`);
  expect(await page.textContent('main')).toContain('92,26');
  expect(await page.locator('table').count()).toBeGreaterThanOrEqual(3);
  expect(await page.locator('canvas:not([hidden])').count()).toBe(0);
  // Every element of the survey has a row in the per-unsur table.
  const text = (await page.textContent('main'))!;
  for (const e of survey!.elements) expect(text).toContain(e.name!.id);
  await context.close();
});

test('staff download the annual report in each format from the dashboard; each file carries 92,26', async () => {
  const { context, page } = await loggedInPage(false);
  const survey = await Survey.findOne({ slug: DEMO_SURVEY_SLUG }).lean();
  await page.goto(`${base}/admin/surveys/${String(survey!._id)}/dashboard`);
  await page.click('[data-testid=report-link]');
  expect(page.url()).toBe(`${base}/admin/surveys/${String(survey!._id)}/report`);
  const files: Record<string, Buffer> = {};
  for (const format of ['pdf', 'docx', 'xlsx', 'csv']) {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 110_000 }),
      page.click(`button[data-format=${format}]`, { noWaitAfter: true }),
    ]);
    expect(download.suggestedFilename()).toBe(`laporan-${DEMO_SURVEY_SLUG}-2022.${format}`);
    files[format] = fs.readFileSync((await download.path())!);
  }
  expect(pdfPages(files.pdf!).join(' ')).toContain('92,26');
  expect((await docxContent(files.docx!)).text).toContain('capaian 102,51%');
  const per = (await readXlsx(files.xlsx!)).getWorksheet('Per unsur')!;
  expect((per.getRow(survey!.elements.length + 2).getCell(7).value as { result: number }).result).toBeCloseTo(92.26, 10);
  expect(csvRows(files.csv!)).toHaveLength(1250 + 1);
  await context.close();
}, 300_000);
