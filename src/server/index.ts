import { serve } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { configFromEnv, type Config } from './config.ts';
import type { Deps } from './context.ts';
import { createApp } from './http/app.ts';
import { jsonLogger, type Logger } from './log.ts';
import { openSqlite, type Store } from './store/db.ts';
import { sessionSigner } from './auth/sessions.ts';
import { rateLimits } from './auth/ratelimit.ts';
import type { StaticOptions } from './http/static.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The built widget and the demo pages, served beside the API when they exist. */
export function defaultStatic(vars?: Record<string, string>): StaticOptions {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
  return { widgetDir: join(ROOT, 'dist/widget'), demoDir: join(ROOT, 'demo'), version, ...(vars ? { vars } : {}) };
}

export { createApp } from './http/app.ts';
export { openSqlite } from './store/db.ts';

/** Everything the app needs, from a store and config; `now` is injectable for tests. */
export async function buildDeps(store: Store, opts: { config?: Config; log?: Logger; now?: () => number } = {}): Promise<Deps> {
  const config = opts.config ?? configFromEnv();
  const now = opts.now ?? Date.now;
  return {
    store, config, now,
    log: opts.log ?? jsonLogger(),
    sessions: await sessionSigner(store, { now, ttlSeconds: config.sessionTtlSeconds }),
    limits: rateLimits(config.limits),
  };
}

export interface Running { url: string; close(): Promise<void> }

/** Serves the API on host:port until closed; closing finishes in-flight requests, then the store. */
export async function startServer(opts: { db: string; host: string; port: number; log?: Logger; static?: StaticOptions; onStore?: (store: Store) => Promise<void> }): Promise<Running> {
  const store = await openSqlite(opts.db);
  await opts.onStore?.(store);
  const deps = await buildDeps(store, { log: opts.log });
  const app = createApp(deps, { static: opts.static ?? defaultStatic() });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: opts.host, port: opts.port }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => store.close()),
  };
}
