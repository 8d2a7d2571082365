/** The real app, built in-process for supertest, with a test configuration. */
import type { Express } from 'express';
import { createApp } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/logger';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false', SESSION_SECRET: 'x'.repeat(40), ...overrides });
}

export function testApp(overrides: Record<string, string> = {}): Express {
  const config = testConfig(overrides);
  return createApp({ config, logger: createLogger(config.LOG_LEVEL) });
}
