/** Which driver errors mean "database unavailable" (503 + Retry-After), built with the driver's own error classes. */
import net from 'node:net';
import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { isDatabaseUnavailable } from '../../server/errors';
import { toAppError } from '../../server/web/errors';

test('a bulk write cut by a lost connection is "unavailable" (issue 14, defect 6)', () => {
  const bulk = new MongoBulkWriteError({ message: 'connection 5 to 127.0.0.1:27017 closed', code: 0, writeErrors: [] }, {} as never);
  expect(isDatabaseUnavailable(bulk)).toBe(true);
  expect(toAppError(bulk)?.status).toBe(503);
});

test('read-only and full data stores, shutdown, step-down and unreadable replies are "unavailable"', () => {
  for (const [errmsg, code] of [
    ['attempt to write a readonly database', 1],
    ['database or disk is full', 1],
    ['BSON element cursor is missing', 1],
    ['The server is in quiesce mode and will shut down', 91],
    ['not primary', 10107],
  ] as const) {
    expect([errmsg, isDatabaseUnavailable(new MongoServerError({ errmsg, code }))]).toEqual([errmsg, true]);
  }
  expect(isDatabaseUnavailable(new MongoNetworkError('socket hang up'))).toBe(true);
  expect(isDatabaseUnavailable(new MongoServerSelectionError('Server selection timed out after 3000 ms', {} as never))).toBe(true);
  const wrapped = new Error('outer', { cause: new MongoNetworkError('connection reset') });
  expect(isDatabaseUnavailable(wrapped)).toBe(true);
});

test('real refusals and bugs are not "unavailable"', () => {
  expect(isDatabaseUnavailable(new MongoServerError({ errmsg: 'E11000 duplicate key error', code: 11000 }))).toBe(false);
  expect(isDatabaseUnavailable(new MongoServerError({ errmsg: 'unknown operator: $foo', code: 2 }))).toBe(false);
  expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  const dup = new MongoBulkWriteError({ message: 'E11000 duplicate key error', code: 11000, writeErrors: [] }, {} as never);
  expect(isDatabaseUnavailable(dup)).toBe(false);
});

/** Node's own error for a write to a socket the other side has closed (what the driver got when the database was killed). */
async function writeAfterPeerClosed(): Promise<Error> {
  const server = net.createServer((s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((r) => socket.once('end', r));
    return await new Promise<Error>((resolve) => {
      socket.on('error', () => undefined);
      socket.write('x', (e) => resolve(e ?? new Error('write succeeded')));
    });
  } finally {
    server.close();
  }
}

test('a command written to a connection the killed database closed (EPIPE, a plain Node error) is "unavailable": 503, not 500', async () => {
  const err = await writeAfterPeerClosed();
  expect([err.message, (err as NodeJS.ErrnoException).code]).toEqual(['This socket has been ended by the other party', 'EPIPE']);
  expect(isDatabaseUnavailable(err)).toBe(true);
  expect(toAppError(err)?.status).toBe(503);
});
