import { serve } from '@hono/node-server';
import { settled } from './background.ts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { configFromEnv, type Config } from './config.ts';
import type { Deps } from './context.ts';
import { createApp } from './http/app.ts';
import { jsonLogger, type Logger } from './log.ts';
import { openStore, type Store } from './store/db.ts';
import { sessionSigner } from './auth/sessions.ts';
import { memoryLimiter, postgresLimiter, rateLimits, redisLimiter, type LimiterFactory } from './auth/ratelimit.ts';
import type { StaticOptions } from './http/static.ts';
import { notifier } from './notify/worker.ts';
import { usageCounter } from './domain/usage.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built widget (`widget.js` and its chunks), served beside the API by `booking-api serve`. */
export function defaultStatic(): StaticOptions {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  return { widgetDir: join(ROOT, 'dist/widget'), dashboardDir: join(ROOT, 'dist/dashboard'), version };
}

/**
 * The widget and the demo pages, for the demo command only: the pages carry `{{…}}` placeholders
 * that only the demo fills (its publishable key, its services), so a real deployment never serves them.
 */
export const demoStatic = (vars?: Record<string, string>): StaticOptions =>
  ({ ...defaultStatic(), demoDir: join(ROOT, 'demo'), ...(vars ? { vars } : {}) });

export { createApp } from './http/app.ts';
export { openSqlite, openStore } from './store/db.ts';

/**
 * Everything the app needs, from a store and config; `now` is injectable for tests. Rate-limit
 * counters live where every instance on this store sees them: PostgreSQL's `rate_limits` table
 * when the store is PostgreSQL, memory for the single-process SQLite store, unless `limiter`
 * names another (startServer passes Redis when REDIS_URL is set).
 */
export async function buildDeps(store: Store, opts: { config?: Config; log?: Logger; now?: () => number; limiter?: LimiterFactory } = {}): Promise<Deps> {
  const config = opts.config ?? configFromEnv();
  const now = opts.now ?? Date.now;
  const limiter = opts.limiter ?? (store.pgPool ? postgresLimiter(store.pgPool) : memoryLimiter);
  return {
    store, config, now,
    log: opts.log ?? jsonLogger(),
    sessions: await sessionSigner(store, { now, ttlSeconds: config.sessionTtlSeconds }),
    limits: rateLimits(config.limits, limiter),
    usage: usageCounter(store, now),
    lifecycle: { draining: false },
  };
}

/** Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export const storeFromConfig = (config: Config, sqlitePath: string) =>
  openStore({ databaseUrl: config.databaseUrl, sqlitePath, postgres: config.database });

/** A connected Redis client for shared rate limits; fails (and closes) when Redis cannot be reached. */
async function connectRedis(url: string) {
  const { Redis } = await import('ioredis');
  // No offline queue: while Redis is away, commands fail at once and the limiter's in-memory
  // insurance answers, rather than requests queueing behind a reconnect.
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach Redis (REDIS_URL): ${(err as Error).message}`, { cause: err });
  }
  return client;
}

/** Where `.eml` files go when no SMTP server is set: `MAIL_DIR`, or `mail/` beside the SQLite file. */
export const mailDirFor = (config: Config, db: string) => config.notify.mailDir ?? join(dirname(db === ':memory:' ? './data/x' : db), 'mail');

export interface Running { url: string; close(): Promise<void> }

/**
 * Serves the API on host:port until closed. Closing is graceful: readiness turns 503 at once,
 * the listener stops accepting, in-flight requests finish (up to `drainMs`), then the database
 * pool and the Redis client close.
 */
export async function startServer(opts: { db: string; host: string; port: number; log?: Logger; static?: StaticOptions; onStore?: (store: Store) => Promise<void>; drainMs?: number; mailbox?: boolean }): Promise<Running> {
  const config = configFromEnv();
  const store = await storeFromConfig(config, opts.db);
  let redis: Awaited<ReturnType<typeof connectRedis>> | undefined;
  try {
    await opts.onStore?.(store);
    if (config.redisUrl) redis = await connectRedis(config.redisUrl);
  } catch (err) {
    await store.close();
    throw err;
  }
  const deps = await buildDeps(store, { config, log: opts.log, ...(redis ? { limiter: redisLimiter(redis, config.redisKeyPrefix) } : {}) });
  const mailDir = mailDirFor(config, opts.db);
  const app = createApp(deps, { static: opts.static ?? defaultStatic(), ...(opts.mailbox ? { mailbox: mailDir } : {}) });
  // Notifications go out from inside the server process; the outbox makes that safe to restart.
  const worker = notifier(deps, { mailDir });
  worker.start();
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    close: () => (closing ??= (async () => {
      deps.lifecycle.draining = true;
      const http = server as import('node:http').Server;
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // Keep-alive sockets with nothing in flight would hold close() open; requests still running
      // get up to drainMs to finish before their sockets are cut.
      http.closeIdleConnections?.();
      const timer = setTimeout(() => http.closeAllConnections?.(), opts.drainMs ?? 10_000);
      await closed;
      clearTimeout(timer);
      await settled(deps);
      await worker.stop();
      await deps.usage.stop();
      await store.close();
      await redis?.quit().catch(() => redis?.disconnect());
    })()),
  };
}
