/**
 * The browser tests' stage: the demo in the file's database (seeded once per run: ./demo.ts), an admin account, the real
 * app on a loopback port, and Debian's Chromium through playwright-core (never a downloaded
 * browser). Call `useBrowserStage(options)` at the top of a browser test file.
 */
import fs from 'node:fs';
import http from 'node:http';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import type { SurveyFormDeps, SurveyFormOptions } from '../../server/features/survey-form/survey-form.routes';
import { loadDemo } from './demo';
import { testConfig } from './app';
import { createUser } from './auth';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserStage {
  browser: Browser;
  /** http://127.0.0.1:PORT */
  base: string;
  adminEmail: string;
}

/** Sets up the stage before the file's tests and tears it down after; its fields are filled in beforeAll. */
export function useBrowserStage(opts: { now?: () => Date; surveyForm?: Partial<SurveyFormOptions> } = {}): BrowserStage {
  const stage = {} as BrowserStage;
  let server: http.Server | undefined;
  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does)`);
    const config = testConfig();
    // Chromium starts while the demo is copied (or waited for).
    const launched = chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      await loadDemo();
      stage.adminEmail = (await createUser('admin')).email;
      const deps: SurveyFormDeps = { config, logger: createLogger('silent'), now: opts.now, surveyForm: opts.surveyForm };
      server = http.createServer(createApp(deps));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      stage.base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    } finally {
      stage.browser = await launched;
    }
  });
  afterAll(async () => {
    await stage.browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });
  return stage;
}
