import * as z from 'zod/mini';

// Whole numbers only; an empty variable counts as unset.
const Count = z.optional(z.string().check(z.regex(/^\d*$/, 'must be a whole number >= 0')));

const EnvSchema = z.object({
  RATE_LIMIT_SESSION_PER_MINUTE: Count,
  RATE_LIMIT_WIDGET_PER_MINUTE: Count,
  RATE_LIMIT_WIDGET_PER_HOUR: Count,
  RATE_LIMIT_ADMIN_PER_MINUTE: Count,
  RATE_LIMIT_PUBLIC_PER_MINUTE: Count,
  RATE_LIMIT_CATALOG_PER_MINUTE: Count,
  RATE_LIMIT_SIGN_IN_PER_MINUTE: Count,
  RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR: Count,
  RATE_LIMIT_SIGNIN_PER_MINUTE: Count,
  RATE_LIMIT_SIGNIN_PER_ACCOUNT: Count,
  TRUST_PROXY: Count,
  HOLD_MINUTES: Count,
  HOLDS_PER_SESSION: Count,
  HOLDS_PER_CLIENT_PER_BUSINESS: Count,
  HOLDS_PER_CLIENT: Count,
  DATABASE_URL: z.optional(z.string().check(z.regex(/^$|^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'))),
  DATABASE_POOL_MAX: Count,
  DATABASE_STATEMENT_TIMEOUT_MS: Count,
  REDIS_URL: z.optional(z.string().check(z.regex(/^$|^rediss?:\/\//, 'must be a redis:// or rediss:// URL'))),
  REDIS_KEY_PREFIX: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_:.-]*$/, 'letters, digits and _ : . - only'))),
  SMTP_URL: z.optional(z.string().check(z.regex(/^$|^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'))),
  MAIL_FROM: z.optional(z.string()),
  MAIL_DIR: z.optional(z.string()),
  REMINDER_MINUTES: Count,
  WEBHOOK_TIMEOUT_MS: Count,
  WEBHOOK_ALLOW_LOOPBACK: z.optional(z.string().check(z.regex(/^(|0|1)$/, 'must be 1 (allow) or 0'))),
  NOTIFY_POLL_MS: Count,
  NOTIFY_RETRY_BASE_MS: Count,
  SERVICE_KEY: z.optional(z.string().check(z.regex(/^$|^[\x21-\x7e]{32,512}$/, 'must be at least 32 visible ASCII characters (random, e.g. openssl rand -base64 32)'))),
});

export interface Config {
  /**
   * `signInPerMinute` (per client IP) and `signInPerAccountPerHour` (per email at a business, whether
   * it has an account or not) count sign-ins, codes and mail requests of customer accounts; absent is off.
   * `signinPerMinute` and `signinPerAccount`: dashboard sign-in attempts per client IP per minute,
   * and per operator email per 15 minutes; unset or 0 is off.
   */
  limits: {
    sessionPerMinute: number; widgetPerMinute: number; widgetPerHour: number; adminPerMinute: number; publicPerMinute: number; catalogPerMinute: number;
    signInPerMinute?: number; signInPerAccountPerHour?: number; signinPerMinute?: number; signinPerAccount?: number;
  };
  /** How many proxy hops in front of us append to X-Forwarded-For; 0 = believe none of it. */
  trustProxy: number;
  holdMinutes: number;
  /**
   * Caps on open holds, so one visitor cannot make a business look fully booked: per session
   * (one browser), per client network (an IPv4 address or an IPv6 /64) at one business, and per
   * client network across businesses. 0 turns one off.
   */
  holdCaps: { perSession: number; perClientPerBusiness: number; perClient: number };
  sessionTtlSeconds: number;
  /** PostgreSQL instead of the embedded SQLite file when set (several API instances share it). */
  databaseUrl?: string | undefined;
  database: { poolMax: number; statementTimeoutMs: number };
  /** Rate-limit counters in Redis when set; otherwise in PostgreSQL when that is the store, else in memory. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key, so deployments sharing one Redis keep their counters apart. */
  redisKeyPrefix: string;
  notify: NotifyConfig;
  /**
   * The operator's own server-to-server credential for a backend-for-frontend (`SERVICE_KEY`):
   * admin rights on the business its `X-Business-Id` names. Unset: no service key exists.
   */
  serviceKey?: string | undefined;
}

export interface NotifyConfig {
  /** Emails go through this SMTP server when set; otherwise they are written as .eml files to `mailDir`. */
  smtpUrl?: string | undefined;
  from: string;
  /** Defaults to `mail/` beside the SQLite file. */
  mailDir?: string | undefined;
  /** How long before the start the reminder goes out; 0 sends none. */
  reminderMinutes: number;
  webhookTimeoutMs: number;
  /**
   * Test-mode webhooks may go to this machine's loopback (a receiver on a developer's laptop).
   * Off unless the operator sets `WEBHOOK_ALLOW_LOOPBACK=1`: on a shared server, loopback is
   * where admin ports live. Live webhooks never may.
   */
  webhookAllowLoopback: boolean;
  pollMs: number;
  /** The first retry's delay; each next one doubles, up to an hour, with jitter. */
  retryBaseMs: number;
  /** A message still failing this long after it was written is given up (webhooks: at least 24 h). */
  giveUpAfterMs: number;
}

export const defaultConfig: Config = {
  limits: { sessionPerMinute: 20, widgetPerMinute: 60, widgetPerHour: 1000, adminPerMinute: 100, publicPerMinute: 300, catalogPerMinute: 120, signInPerMinute: 10, signInPerAccountPerHour: 20, signinPerMinute: 10, signinPerAccount: 10 },
  trustProxy: 0,
  holdMinutes: 10,
  holdCaps: { perSession: 2, perClientPerBusiness: 5, perClient: 20 },
  sessionTtlSeconds: 3600,
  database: { poolMax: 10, statementTimeoutMs: 10_000 },
  redisKeyPrefix: 'booking-api',
  notify: {
    from: 'Bookings <bookings@localhost>', reminderMinutes: 24 * 60, webhookTimeoutMs: 10_000, webhookAllowLoopback: false, pollMs: 1000,
    retryBaseMs: 10_000, giveUpAfterMs: 26 * 3600 * 1000,
  },
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
      catalogPerMinute: int('RATE_LIMIT_CATALOG_PER_MINUTE', d.limits.catalogPerMinute),
      signInPerMinute: int('RATE_LIMIT_SIGN_IN_PER_MINUTE', d.limits.signInPerMinute ?? 0),
      signInPerAccountPerHour: int('RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR', d.limits.signInPerAccountPerHour ?? 0),
      signinPerMinute: int('RATE_LIMIT_SIGNIN_PER_MINUTE', d.limits.signinPerMinute ?? 10),
      signinPerAccount: int('RATE_LIMIT_SIGNIN_PER_ACCOUNT', d.limits.signinPerAccount ?? 10),
    },
    trustProxy: int('TRUST_PROXY', 0),
    holdMinutes: int('HOLD_MINUTES', d.holdMinutes, 1),
    holdCaps: {
      perSession: int('HOLDS_PER_SESSION', d.holdCaps.perSession),
      perClientPerBusiness: int('HOLDS_PER_CLIENT_PER_BUSINESS', d.holdCaps.perClientPerBusiness),
      perClient: int('HOLDS_PER_CLIENT', d.holdCaps.perClient),
    },
    sessionTtlSeconds: d.sessionTtlSeconds,
    databaseUrl: raw.DATABASE_URL || undefined,
    database: {
      poolMax: int('DATABASE_POOL_MAX', d.database.poolMax, 1),
      statementTimeoutMs: int('DATABASE_STATEMENT_TIMEOUT_MS', d.database.statementTimeoutMs, 100),
    },
    redisUrl: raw.REDIS_URL || undefined,
    redisKeyPrefix: raw.REDIS_KEY_PREFIX || d.redisKeyPrefix,
    serviceKey: raw.SERVICE_KEY || undefined,
    notify: {
      smtpUrl: raw.SMTP_URL || undefined,
      from: raw.MAIL_FROM || d.notify.from,
      mailDir: raw.MAIL_DIR || undefined,
      reminderMinutes: int('REMINDER_MINUTES', d.notify.reminderMinutes),
      webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', d.notify.webhookTimeoutMs, 50),
      webhookAllowLoopback: raw.WEBHOOK_ALLOW_LOOPBACK === '1',
      pollMs: int('NOTIFY_POLL_MS', d.notify.pollMs, 10),
      retryBaseMs: int('NOTIFY_RETRY_BASE_MS', d.notify.retryBaseMs, 10),
      giveUpAfterMs: d.notify.giveUpAfterMs,
    },
  };
}
