/**
 * Sessions stored in MongoDB, so several app instances share them. Expired sessions are
 * removed by our own periodic sweep in small batches (server/db/sweep.ts), not a TTL index
 * (FerretDB has none) and not connect-mongo's interval sweep, which deletes them all in one
 * unacknowledged (w: 0) command.
 * Cookies: HttpOnly, SameSite=Lax, Secure when served over HTTPS; 8 hours idle timeout, and an
 * absolute lifetime of 7 days from login however active the session is (a stolen cookie does not
 * live for ever). Nothing is stored for a visitor until the session has something to keep (a
 * login, or a CSRF token actually rendered into a form): saveUninitialized is off.
 */
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose from 'mongoose';
import type { MongoClient } from 'mongodb';
import type { RequestHandler, Response } from 'express';
import type { Config } from '../config';
import { sweepExpired } from '../db/sweep';

export const SESSION_COOKIE = 'skm.sid';
export const SESSION_IDLE_MS = 8 * 3600 * 1000;
export const SESSION_MAX_MS = 7 * 24 * 3600 * 1000;
/** The last-use time is written at most this often (each write is a session store update). */
const SEEN_PRECISION_MS = 60_000;

/**
 * A request the browser makes for a page's image, style sheet, script or font (Sec-Fetch-Dest;
 * without it, an Accept that asks for an image). Such a request does not write the last-use time:
 * it runs beside the user's next action, and its save of the whole session, made from the copy it
 * loaded before that action, would undo what the action stored (e.g. the confirmation message of a
 * save, lost when the page's QR image finished after it).
 */
function isSubresource(req: { get(name: string): string | undefined }): boolean {
  const dest = req.get('sec-fetch-dest');
  if (dest) return !['document', 'iframe', 'frame', 'empty'].includes(dest);
  return /^image\//.test(req.get('accept') ?? '');
}

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** User.sessionVersion at login; a mismatch ends the session (logout everywhere). */
    version?: number;
    /** When the user logged in (ms): the absolute lifetime counts from here. */
    startedAt?: number;
    /** When the session was last used (ms, updated at most once a minute): idle expiry counts from here. */
    seenAt?: number;
    csrf?: string;
    /** This device is the kiosk of that survey: its responses are stored as kiosk responses. */
    kioskSurveyId?: string;
    /** One-time messages shown on the next page. */
    /** `at`: the id of the page section the message belongs to (shown there, not at the top). */
    flash?: { kind: 'ok' | 'error' | 'info'; text: string; at?: string }[];
  }
}

/**
 * The store uses the app's own mongoose connection and database (not the client's default
 * database), resolved lazily: the app may be built before the connection opens (tests do).
 * Closing the store must not close the shared client: the store gets a view of the client whose
 * `db()` is the app's database and whose `close()` does nothing.
 */
function sharedClient(): Promise<MongoClient> {
  const conn = mongoose.connection;
  const view = (): MongoClient =>
    new Proxy(conn.getClient(), {
      get(client, prop, receiver) {
        if (prop === 'db') return (name?: string) => (name ? client.db(name) : (conn.db ?? client.db()));
        if (prop === 'close') return async () => undefined;
        return Reflect.get(client, prop, receiver);
      },
    });
  if (conn.readyState === 1) return Promise.resolve(view());
  return new Promise((resolve) => conn.once('open', () => resolve(view())));
}

/**
 * A redirect's bytes leave only when its response ends. express-session ends a response only once
 * the session the request changed is stored, but it sends the headers, and all of the body but its
 * last byte, before that; a browser follows a redirect on its headers alone, so the page it leads
 * to could load the session before the write, without the change: the confirmation of a save
 * missing (ux.test's intermittent "add a service row"), a login or a kiosk not yet begun. Installed
 * before the session middleware runs, whose `write` and `end` are these: a redirect's writes are held
 * until its end. No other response is held (downloads stream).
 */
function holdRedirectUntilEnd(res: Response): void {
  const write = res.write;
  const end = res.end;
  const held: unknown[][] = [];
  res.write = function (this: typeof res, ...args: unknown[]) {
    if (res.statusCode >= 300 && res.statusCode < 400) {
      held.push(args);
      return true;
    }
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof res.write;
  res.end = function (this: typeof res, ...args: unknown[]) {
    for (const h of held.splice(0)) (write as (...a: unknown[]) => boolean).apply(this, h);
    return (end as (...a: unknown[]) => typeof res).apply(this, args);
  } as typeof res.end;
}

/** How often expired sessions are swept. */
export const SESSION_SWEEP_MS = 10 * 60 * 1000;

/** Delete sessions whose expiry has passed, in small batches. Returns how many were deleted. */
export async function sweepExpiredSessions(now: Date): Promise<number> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return 0;
  return sweepExpired(db.collection<{ _id: string; expires: Date }>('sessions'), { expires: { $lt: now } });
}

/** The request carries a session cookie (signed or not: express-session checks it). */
function sendsSessionCookie(req: { headers: { cookie?: string } }): boolean {
  return req.headers.cookie?.includes(`${SESSION_COOKIE}=`) === true;
}

/**
 * `startUnder`: the path under which a session can start (a login, a CSRF token, a flash
 * message: all under /admin). Elsewhere (the public form, published results) a session is only
 * read — a kiosk device, a logged-in user's name in the header — so it is loaded only when the
 * request carries its cookie: an anonymous respondent's request does not make, sign and hash a
 * session that would be thrown away.
 */
export function sessions(config: Config, opts: { idleMs?: number; maxMs?: number; now?: () => Date; startUnder?: string } = {}): RequestHandler[] {
  const idleMs = opts.idleMs ?? SESSION_IDLE_MS;
  const maxMs = opts.maxMs ?? SESSION_MAX_MS;
  const now = opts.now ?? (() => new Date());
  const store = session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.TRUST_PROXY > 0,
    cookie: { httpOnly: true, sameSite: 'lax', secure: config.https, maxAge: idleMs },
    store: MongoStore.create({
      clientPromise: sharedClient(),
      collectionName: 'sessions',
      ttl: Math.ceil(idleMs / 1000),
      autoRemove: 'disabled',
      touchAfter: 60,
    }),
  });
  /**
   * A login idle for longer than the idle timeout, or older than the absolute lifetime, ends: the
   * user logs in again. Both are measured on the app's clock (the store also drops idle sessions
   * by the wall clock, as a backstop).
   */
  const absoluteLifetime: RequestHandler = (req, _res, next) => {
    const s = req.session;
    if (s?.userId !== undefined) {
      const t = now().getTime();
      if (s.startedAt === undefined) s.startedAt = t; // a session from before this rule: counts from now
      const idle = s.seenAt !== undefined && t - s.seenAt > idleMs;
      if (idle || t - s.startedAt > maxMs) {
        delete s.userId;
        delete s.version;
        delete s.startedAt;
        delete s.seenAt;
      } else if ((s.seenAt === undefined || t - s.seenAt > SEEN_PRECISION_MS) && !isSubresource(req)) {
        s.seenAt = t;
      }
    }
    next();
  };
  const sweeper = setInterval(() => void sweepExpiredSessions(now()).catch(() => undefined), SESSION_SWEEP_MS);
  sweeper.unref();
  const startUnder = opts.startUnder;
  const load: RequestHandler = (req, res, next) => {
    const p = req.path;
    if (startUnder && !sendsSessionCookie(req) && p !== startUnder && !p.startsWith(`${startUnder}/`)) {
      next();
      return;
    }
    holdRedirectUntilEnd(res);
    store(req, res, next);
  };
  return [load, absoluteLifetime];
}
