/**
 * Sessions stored in MongoDB, so several app instances share them. Expired sessions are
 * removed by a periodic sweep (autoRemove: 'interval'), not a TTL index: FerretDB has none.
 * Cookies: HttpOnly, SameSite=Lax, Secure when served over HTTPS; 8 hours idle timeout.
 */
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

export const SESSION_COOKIE = 'skm.sid';
export const SESSION_IDLE_MS = 8 * 3600 * 1000;

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** User.sessionVersion at login; a mismatch ends the session (logout everywhere). */
    version?: number;
    csrf?: string;
    /** One-time messages shown on the next page. */
    flash?: { kind: 'ok' | 'error' | 'info'; text: string }[];
  }
}

/**
 * The store uses the app's own mongoose connection and database (not the client's default
 * database), resolved lazily: the app may be built before the connection opens (tests do).
 * Closing the store must not close the shared client.
 */
function sharedClient(): Promise<{ db: () => unknown; close: () => Promise<void> }> {
  const conn = mongoose.connection;
  const adapter = { db: () => conn.db, close: async () => undefined };
  if (conn.readyState === 1) return Promise.resolve(adapter);
  return new Promise((resolve) => conn.once('open', () => resolve(adapter)));
}

export function sessions(config: Config, opts: { idleMs?: number } = {}): RequestHandler {
  const idleMs = opts.idleMs ?? SESSION_IDLE_MS;
  return session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.TRUST_PROXY > 0,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.https, maxAge: idleMs },
    store: MongoStore.create({
      clientPromise: sharedClient() as never,
      collectionName: 'sessions',
      ttl: Math.ceil(idleMs / 1000),
      autoRemove: 'interval',
      autoRemoveInterval: 10,
      touchAfter: 60,
    }),
  });
}
