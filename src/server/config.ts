import * as z from 'zod/mini';

// Whole numbers only; an empty variable counts as unset.
const Count = z.optional(z.string().check(z.regex(/^\d*$/, 'must be a whole number >= 0')));

const EnvSchema = z.object({
  RATE_LIMIT_SESSION_PER_MINUTE: Count,
  RATE_LIMIT_WIDGET_PER_MINUTE: Count,
  RATE_LIMIT_WIDGET_PER_HOUR: Count,
  RATE_LIMIT_ADMIN_PER_MINUTE: Count,
  RATE_LIMIT_PUBLIC_PER_MINUTE: Count,
  TRUST_PROXY: Count,
  HOLD_MINUTES: Count,
  DATABASE_URL: z.optional(z.string().check(z.regex(/^$|^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'))),
  DATABASE_POOL_MAX: Count,
  DATABASE_STATEMENT_TIMEOUT_MS: Count,
  REDIS_URL: z.optional(z.string().check(z.regex(/^$|^rediss?:\/\//, 'must be a redis:// or rediss:// URL'))),
  REDIS_KEY_PREFIX: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_:.-]*$/, 'letters, digits and _ : . - only'))),
});

export interface Config {
  limits: { sessionPerMinute: number; widgetPerMinute: number; widgetPerHour: number; adminPerMinute: number; publicPerMinute: number };
  /** How many proxy hops in front of us append to X-Forwarded-For; 0 = believe none of it. */
  trustProxy: number;
  holdMinutes: number;
  sessionTtlSeconds: number;
  /** PostgreSQL instead of the embedded SQLite file when set (several API instances share it). */
  databaseUrl?: string | undefined;
  database: { poolMax: number; statementTimeoutMs: number };
  /** Rate-limit counters in Redis when set; otherwise in PostgreSQL when that is the store, else in memory. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key, so deployments sharing one Redis keep their counters apart. */
  redisKeyPrefix: string;
}

export const defaultConfig: Config = {
  limits: { sessionPerMinute: 20, widgetPerMinute: 60, widgetPerHour: 1000, adminPerMinute: 100, publicPerMinute: 300 },
  trustProxy: 0,
  holdMinutes: 10,
  sessionTtlSeconds: 3600,
  database: { poolMax: 10, statementTimeoutMs: 10_000 },
  redisKeyPrefix: 'booking-api',
};

/** Parsed once at start; a bad value stops the server with a message naming the variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const bad = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${bad}`);
  }
  const raw = parsed.data;
  const int = (name: keyof typeof raw, fallback: number, min = 0): number => {
    const v = raw[name];
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (n < min) throw new Error(`${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const d = defaultConfig;
  return {
    limits: {
      sessionPerMinute: int('RATE_LIMIT_SESSION_PER_MINUTE', d.limits.sessionPerMinute),
      widgetPerMinute: int('RATE_LIMIT_WIDGET_PER_MINUTE', d.limits.widgetPerMinute),
      widgetPerHour: int('RATE_LIMIT_WIDGET_PER_HOUR', d.limits.widgetPerHour),
      adminPerMinute: int('RATE_LIMIT_ADMIN_PER_MINUTE', d.limits.adminPerMinute),
      publicPerMinute: int('RATE_LIMIT_PUBLIC_PER_MINUTE', d.limits.publicPerMinute),
    },
    trustProxy: int('TRUST_PROXY', 0),
    holdMinutes: int('HOLD_MINUTES', d.holdMinutes, 1),
    sessionTtlSeconds: d.sessionTtlSeconds,
    databaseUrl: raw.DATABASE_URL || undefined,
    database: {
      poolMax: int('DATABASE_POOL_MAX', d.database.poolMax, 1),
      statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', d.database.statementTimeoutMs, 100),
    },
    redisUrl: raw.REDIS_URL || undefined,
    redisKeyPrefix: raw.REDIS_KEY_PREFIX || d.redisKeyPrefix,
  };
}
