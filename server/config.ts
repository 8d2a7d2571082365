/**
 * Configuration: the environment parsed once, at start, by one described schema.
 * Each bad value produces one line naming the variable and what is expected.
 */
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import { ConnectionString } from 'mongodb-connection-string-url';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every key, its default and why it exists. The README's configuration table mirrors this. */
const schema = z.object({
  /** production | development | test. Production demands SESSION_SECRET. */
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  /** TCP port of the web server. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on; 0.0.0.0 inside a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** A MongoDB connection string. When set, no embedded database is started. */
  MONGODB_URI: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || isMongoUri(v), {
      message: 'must be a MongoDB connection string such as mongodb://host:27017/skm or mongodb+srv://…',
    }),
  /** How long start-up keeps trying to reach the database, in milliseconds. */
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600000).default(15000),
  /** Database name when MONGODB_URI names none, and for the embedded database. */
  DB_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only')
    .default('skm'),
  /** Where the embedded database keeps its files (and other local state). */
  DATA_DIR: z.string().min(1).default('data'),
  /** Which embedded database to start when MONGODB_URI is not set: auto prefers a real mongod. */
  EMBEDDED_DB: z.enum(['auto', 'mongod', 'ferretdb']).default('auto'),
  /** Path of a mongod binary to use as the embedded database. */
  MONGOD_BIN: z.string().optional(),
  /** Secret that signs session cookies: at least 32 characters. Required in production. */
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters long').optional(),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-* from this many proxies (behind a TLS-terminating proxy set 1). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** The public base URL (e.g. https://skm.example.go.id); https here makes cookies Secure. */
  PUBLIC_URL: z.string().url('must be a full URL such as https://skm.example.go.id').optional(),
  /** Seed the demo unit and survey into an empty database at start. */
  SEED_DEMO: bool.default(true),
  /** How long shutdown waits for in-flight requests, in milliseconds. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120000).default(10000),
  /** After how long without a heartbeat another instance counts a stopped process's outbox (ms). */
  COUNTER_RECOVERY_MS: z.coerce.number().int().min(3000).max(3600000).default(60000),
  /** One app process per database on an engine without atomic updates (FerretDB): refuse a second. */
  SINGLE_INSTANCE: z.enum(['auto', 'off']).default('auto'),
  /** Time zone of a new unit's clock (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura); each unit can change it. */
  DEFAULT_TIME_ZONE: z.enum(['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura']).default('Asia/Jakarta'),
  /** An XLSX or CSV export of more raw rows than this is prepared in the background, with a progress page. */
  REPORT_BACKGROUND_ROWS: z.coerce.number().int().min(0).max(100_000_000).default(50_000),
  /** First admin account, created at first start. Without a password a one-time one is printed. */
  ADMIN_EMAIL: z.string().email('must be an e-mail address').optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters long').optional(),
});

export type Config = Readonly<
  Omit<z.infer<typeof schema>, 'SESSION_SECRET' | 'DATA_DIR'> & {
    SESSION_SECRET: string;
    /** Absolute path. */
    DATA_DIR: string;
    /** True when the secret was generated for this process (development only). */
    sessionSecretGenerated: boolean;
    /** True when PUBLIC_URL is https: cookies are Secure and requests are upgraded. */
    https: boolean;
  }
>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function isMongoUri(v: string): boolean {
  try {
    new ConnectionString(v);
    return true;
  } catch {
    return false;
  }
}

/** Parse the environment. Throws ConfigError listing every bad value at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0] ?? '?');
        return `${key}=${JSON.stringify(env[key] ?? '')}: ${i.message}`;
      }),
    );
  }
  const c = parsed.data;
  if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET: required in production (at least 32 random characters)']);
  }
  return Object.freeze({
    ...c,
    MONGODB_URI: c.MONGODB_URI || undefined,
    DATA_DIR: path.resolve(c.DATA_DIR),
    SESSION_SECRET: c.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex'),
    sessionSecretGenerated: !c.SESSION_SECRET,
    https: (c.PUBLIC_URL ?? '').startsWith('https:'),
  });
}

/** What start-up prints as warnings: settings that work but will surprise someone later. */
export function startupWarnings(c: Pick<Config, 'NODE_ENV' | 'PUBLIC_URL' | 'sessionSecretGenerated'>): string[] {
  const out: string[] = [];
  if (c.sessionSecretGenerated) out.push('SESSION_SECRET is not set: using a random one (sessions end when the app restarts)');
  if (c.NODE_ENV === 'production' && !c.PUBLIC_URL) {
    out.push(
      'PUBLIC_URL is not set: share links, QR codes and posters use the host of each request (e.g. 127.0.0.1); set PUBLIC_URL=https://your-public-address',
    );
  }
  return out;
}
