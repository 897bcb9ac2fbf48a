import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { isTimeZone } from './shared/time.js';

/** An address, a CIDR range or a proxy-addr name (loopback, linklocal, uniquelocal). */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

const configSchema = z.object({
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || /^(postgres(ql)?|file|sqlite):/.test(v) || !v.includes('://'), {
      message: 'DATABASE_URL must be postgres://… or a SQLite file path',
    }),
  SERIALTRACK_DB_FILE: z.string().default(path.join('data', 'serialtrack.db')),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : v.split(',').map((a) => a.trim())))
    .refine((v) => typeof v === 'boolean' || v.every(isProxyAddress), {
      message:
        "TRUST_PROXY must be 'true', 'false' or the reverse proxies' addresses, comma-separated (e.g. 127.0.0.1 or 10.0.0.0/8)",
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PG_POOL_SIZE: z.coerce.number().int().positive().default(10),
  SERIALTRACK_PASSWORD: z.string().min(1).optional(),
  SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().max(3600).default(8),
  RATE_LIMIT_SCALE: z.coerce.number().min(1).max(1000).default(1),
  TIME_ZONE: z
    .string()
    .optional()
    .refine((v) => v === undefined || isTimeZone(v), {
      message: 'TIME_ZONE must be an IANA time zone name such as Europe/Berlin, America/Chicago or UTC',
    }),
});

export type DatabaseConfig =
  { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number };

export interface AppConfig {
  database: DatabaseConfig;
  host: string;
  port: number;
  sessionTtlHours: number;
  cookieSecure: boolean;
  /**
   * Fastify's trustProxy: which reverse proxies (all, none, or these addresses) may name the client in
   * X-Forwarded-For; sign-in throttling keys on that client address. Off unless a proxy sets the header.
   */
  trustProxy: boolean | string[];
  logLevel: z.infer<typeof configSchema>['LOG_LEVEL'];
  /** Where business dates fall (sale date, date received, "today" for warranty): IANA name. */
  timeZone: string;
  /** On SIGTERM/SIGINT, how long requests in flight may take before their connections are cut (exit 1). */
  shutdownTimeoutMs?: number;
  /** Multiplies the per-user, per-minute limits of the expensive routes (request-limits.ts). */
  rateLimitScale?: number;
  /** `serialtrack users add` takes the new user's password from SERIALTRACK_PASSWORD when set (scripts). */
  cliPassword?: string;
}

/** Parses configuration once from the environment; nothing else reads process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const c = parsed.data;
  const url = c.DATABASE_URL;
  let database: DatabaseConfig;
  if (url && /^postgres(ql)?:/.test(url)) {
    database = { kind: 'postgres', url, poolSize: c.PG_POOL_SIZE };
  } else if (url) {
    database = { kind: 'sqlite', file: url.replace(/^(file|sqlite):(\/\/)?/, '') };
  } else {
    database = { kind: 'sqlite', file: c.SERIALTRACK_DB_FILE };
  }
  return {
    database,
    host: c.HOST,
    port: c.PORT,
    sessionTtlHours: c.SESSION_TTL_HOURS,
    cookieSecure: c.COOKIE_SECURE,
    trustProxy: c.TRUST_PROXY,
    logLevel: c.LOG_LEVEL,
    // The machine's own zone (which the TZ variable also sets) unless TIME_ZONE names another.
    timeZone: c.TIME_ZONE ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_S * 1000,
    rateLimitScale: c.RATE_LIMIT_SCALE,
    ...(c.SERIALTRACK_PASSWORD !== undefined && { cliPassword: c.SERIALTRACK_PASSWORD }),
  };
}
