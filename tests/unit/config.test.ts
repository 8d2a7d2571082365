import { ConfigError, loadConfig, startupWarnings } from '../../server/config';

describe('loadConfig', () => {
  test('defaults give a working development configuration', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.sessionSecretGenerated).toBe(true);
    expect(c.SESSION_SECRET).toHaveLength(64);
  });

  test('every bad value is reported at once, one line each, naming the variable', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'abc', MONGODB_URI: 'http://example', LOG_LEVEL: 'loud' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith('PORT='))).toBeDefined();
    expect(problems.find((p) => p.startsWith('MONGODB_URI='))).toMatch(/MongoDB connection string/);
    expect(problems.find((p) => p.startsWith('LOG_LEVEL='))).toBeDefined();
  });

  test('production without SESSION_SECRET is refused', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
  });

  test('an https PUBLIC_URL turns on secure cookies', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://skm.example.go.id' }).https).toBe(true);
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:3000' }).https).toBe(false);
  });
});

describe('startupWarnings', () => {
  test('production without PUBLIC_URL warns that QR codes follow the request host; with it, no warning', () => {
    const secret = 's'.repeat(40);
    const without = startupWarnings(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret }));
    const withUrl = startupWarnings(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, PUBLIC_URL: 'https://skm.example.go.id' }));
    expect(without).toEqual([expect.stringContaining('PUBLIC_URL is not set')]);
    expect(withUrl).toEqual([]);
  });

  test('development without PUBLIC_URL: no PUBLIC_URL warning (localhost is expected there)', () => {
    expect(startupWarnings(loadConfig({ NODE_ENV: 'development' })).some((w) => w.includes('PUBLIC_URL'))).toBe(false);
  });
});
