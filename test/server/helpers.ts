import { after } from 'node:test';
import type { Hono } from 'hono';
import { buildDeps, createApp, openStore } from '../../src/server/index.ts';
import { defaultConfig, type Config } from '../../src/server/config.ts';
import { silentLogger } from '../../src/server/log.ts';
import { createBusiness } from '../../src/server/setup.ts';
import type { AppEnv, Deps } from '../../src/server/context.ts';
import type { Store } from '../../src/server/store/db.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

export const API = 'http://api.test/api/v1';
export const SHOP = 'https://shop.example.com';
/** A Monday, 08:00 in Berlin: the clock most tests start from. */
export const T0 = Date.parse('2027-03-01T07:00:00Z');

export interface Harness {
  app: Hono<AppEnv>;
  deps: Deps;
  store: Store;
  clock: { now: number };
  database: TestDatabase;
  req(method: string, path: string, opts?: ReqOpts): Promise<Res>;
}
export interface ReqOpts { auth?: string; origin?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; ip?: string }
export interface Res { status: number; headers: Headers; body: any }

export interface HarnessOptions { limits?: Partial<Config['limits']>; config?: Partial<Config> }

/**
 * A fresh app on a fresh database (a SQLite file, or with TEST_DATABASE=postgres a PostgreSQL
 * database of its own), with a clock the test moves and all limits off unless asked.
 */
export async function harness(opts: HarnessOptions = {}): Promise<Harness> {
  const database = await freshDatabase();
  const stores: Store[] = [];
  storesOf.set(database, stores);
  // One hook, so every instance's pool is closed before the database goes.
  after(async () => {
    for (const store of stores) await store.close();
    await database.drop();
  });
  return appOn(database, { now: T0 }, opts);
}

const storesOf = new WeakMap<TestDatabase, Store[]>();

/**
 * Another API instance on the same database as `h`, with its own store (pool), signer cache and
 * limiter objects, as a second process would have; the clock is shared unless one is given.
 */
export const sibling = (h: Harness, opts: HarnessOptions & { clock?: { now: number } } = {}) =>
  appOn(h.database, opts.clock ?? h.clock, opts);

async function appOn(database: TestDatabase, clock: { now: number }, opts: HarnessOptions): Promise<Harness> {
  const store = await openStore({ databaseUrl: database.url, sqlitePath: database.path });
  storesOf.get(database)!.push(store);
  const config: Config = {
    ...defaultConfig,
    ...opts.config,
    limits: { sessionPerMinute: 0, widgetPerMinute: 0, widgetPerHour: 0, adminPerMinute: 0, publicPerMinute: 0, catalogPerMinute: 0, ...opts.limits },
    // The tests' receivers listen on loopback, as a developer's would (WEBHOOK_ALLOW_LOOPBACK=1).
    notify: { ...defaultConfig.notify, webhookAllowLoopback: true, ...opts.config?.notify },
  };
  const deps = await buildDeps(store, { config, log: silentLogger, now: () => clock.now });
  const app = createApp(deps);
  return {
    app, deps, store, clock, database,
    async req(method, path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.auth) headers.authorization = `Bearer ${o.auth}`;
      if (o.origin) headers.origin = o.origin;
      let body: string | undefined = o.rawBody;
      if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const url = path.startsWith('http') ? path : path.startsWith('/api/v1/') || path === '/health' || path === '/ready' ? `http://api.test${path}` : `${API}${path}`;
      // The Node adapter hands Hono the socket; tests name the client's address the same way.
      const env = { incoming: { socket: { remoteAddress: o.ip ?? '203.0.113.7' } } };
      const res = await app.request(url, { method, headers, body }, env);
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
      return { status: res.status, headers: res.headers, body: parsed };
    },
  };
}

export const WEEKDAYS_9_TO_17 = {
  mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']], sat: [], sun: [],
};

export interface Shop {
  h: Harness;
  sk: string;
  pk: string;
  pkId: string;
  businessId: string;
  staffIds: string[];
  serviceId: string;
  session: string;
}

/**
 * A Berlin salon in test mode: two staff (9-17 on weekdays), one 60-minute service with a
 * 30-minute grid, a publishable key for SHOP, and a session from it.
 */
export async function shop(h?: Harness, opts: { service?: Record<string, unknown>; staff?: number } = {}): Promise<Shop> {
  h ??= await harness();
  const { business, secret_key: sk } = await createBusiness(h.store, { name: 'Salon Test', timezone: 'Europe/Berlin', mode: 'test', now: h.clock.now });
  const staffIds: string[] = [];
  for (let i = 0; i < (opts.staff ?? 2); i++) {
    const staff = await ok(h.req('POST', '/staff', { auth: sk, body: { name: `Stylist ${i + 1}` } }), 201);
    await ok(h.req('PUT', `/staff/${staff.id}/schedule`, { auth: sk, body: { weekly: WEEKDAYS_9_TO_17 } }), 200);
    staffIds.push(staff.id);
  }
  const service = await ok(h.req('POST', '/services', {
    auth: sk,
    body: { name: 'Haircut', duration_minutes: 60, price: { amount_minor: 4500, currency: 'EUR' }, staff_ids: staffIds, ...opts.service },
  }), 201);
  const key = await ok(h.req('POST', '/api-keys', { auth: sk, body: { name: 'Shop', type: 'publishable', allowed_origins: [SHOP] } }), 201);
  const session = await ok(h.req('POST', '/session', { auth: key.key, origin: SHOP }), 201);
  return { h, sk, pk: key.key, pkId: key.id, businessId: business.id, staffIds, serviceId: service.id, session: session.session_token };
}

/** Awaits a response, asserts its status, and returns its body; the failure message shows the body. */
export async function ok(res: Promise<Res>, status: number): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export function expectError(r: Res, status: number, code: string) {
  if (r.status !== status || r.body?.error?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${r.status}: ${JSON.stringify(r.body)}`);
  }
}

export const booking = (serviceId: string, start: string, extra: Record<string, unknown> = {}) => ({
  service_id: serviceId, start, timezone: 'Europe/Berlin',
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, ...extra,
});

export const idemKey = () => crypto.randomUUID();
