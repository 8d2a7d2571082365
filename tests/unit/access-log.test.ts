/**
 * The access log (server/web/access-log.ts): one line per request at the level its status
 * deserves, nothing built for a level that is off, and a response cut off before its end is
 * logged as aborted.
 */
import http from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { accessLog } from '../../server/web/access-log';

function appLogging(level: string) {
  const lines: Record<string, unknown>[] = [];
  /** Resolves when the log has `n` lines (the sink is written as each response ends). */
  const waiters: { n: number; resolve: () => void }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      for (const w of waiters.filter((x) => lines.length >= x.n)) w.resolve();
      done();
    },
  });
  const linesReach = (n: number) => (lines.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })));
  /** Resolves when a request to /never has reached its handler. */
  let arrived!: () => void;
  const neverArrived = new Promise<void>((resolve) => (arrived = resolve));
  const app = express();
  app.use(accessLog(pino({ level }, sink)));
  app.get('/ok', (_req, res) => void res.send('ok'));
  app.get('/gone', (_req, res) => void res.status(404).send('no'));
  app.get('/boom', (_req, res) => void res.status(500).send('boom'));
  app.get('/never', () => arrived()); // answers nothing: the client gives up
  return { app, lines, linesReach, neverArrived };
}

const LEVEL = { info: 30, warn: 40, error: 50 };

test('one line per request: method, URL, status and time, at info / warn (4xx) / error (5xx)', async () => {
  const { app, lines } = appLogging('info');
  await request(app).get('/ok?x=1');
  await request(app).get('/gone');
  await request(app).get('/boom');
  await new Promise((r) => setImmediate(r));
  expect(lines.map((l) => [l.level, l.msg, l.req, l.res])).toEqual([
    [LEVEL.info, 'request completed', { method: 'GET', url: '/ok?x=1' }, { statusCode: 200 }],
    [LEVEL.warn, 'request completed', { method: 'GET', url: '/gone' }, { statusCode: 404 }],
    [LEVEL.error, 'request completed', { method: 'GET', url: '/boom' }, { statusCode: 500 }],
  ]);
  for (const l of lines) expect(typeof l.responseTime).toBe('number');
});

test('a level that is off logs nothing: at "error", only the 5xx', async () => {
  const { app, lines } = appLogging('error');
  await request(app).get('/ok');
  await request(app).get('/gone');
  await request(app).get('/boom');
  await new Promise((r) => setImmediate(r));
  expect(lines.map((l) => l.res)).toEqual([{ statusCode: 500 }]);
});

test('a response the client did not wait for is logged as aborted', async () => {
  const { app, lines, linesReach, neverArrived } = appLogging('info');
  const server = app.listen(0);
  try {
    const port = (server.address() as { port: number }).port;
    const req = http.get({ host: '127.0.0.1', port, path: '/never' });
    req.on('error', () => undefined);
    await neverArrived;
    req.destroy(); // the client gives up while the app is still working
    await linesReach(1);
    expect(lines.map((l) => [l.level, l.msg, (l.req as { url: string }).url])).toEqual([[LEVEL.warn, 'request aborted', '/never']]);
  } finally {
    server.close();
  }
});

test('on a keep-alive connection each response is logged when it ends, not when the connection closes', async () => {
  const { app, lines, linesReach } = appLogging('info');
  const server = app.listen(0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const port = (server.address() as { port: number }).port;
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: `/ok?i=${i}`, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
      await linesReach(i + 1); // with the connection still open
      expect(lines.map((l) => (l.req as { url: string }).url)).toEqual(Array.from({ length: i + 1 }, (_, k) => `/ok?i=${k}`));
    }
  } finally {
    agent.destroy();
    server.close();
  }
});
