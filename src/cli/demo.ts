import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildDeps, createApp } from '../server/index.ts';
import type { Store } from '../server/store/db.ts';
import { createBusiness } from '../server/setup.ts';
import { silentLogger } from '../server/log.ts';
import { defaultConfig } from '../server/config.ts';
import { randomToken } from '../server/auth/tokens.ts';
import { createOperator, findOperator } from '../server/dashboard/operators.ts';

export interface DemoKeys {
  business_id: string; secret_key: string; publishable_key: string; services: Record<string, string>;
  /** The dashboard's demo operator (its password is random per demo database, kept in this 0600 file). */
  operator?: { email: string; password: string };
}

const weekly = (days: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>) =>
  ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [], ...days });

const nineToFive: [string, string][] = [['09:00', '13:00'], ['14:00', '17:30']];
/** The demo's stylists and their weekly hours (the shop page's opening hours are these, together: test/server/demo-hours.test.ts). */
export const DEMO_STAFF = {
  mara: { name: 'Mara Weber', weekly: weekly({ mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive }) },
  jonas: { name: 'Jonas Albers', weekly: weekly({ tue: [['10:00', '19:00']], wed: [['10:00', '19:00']], thu: [['10:00', '20:00']], fri: [['10:00', '19:00']], sat: [['09:00', '15:00']] }) },
  aylin: { name: 'Aylin Demir', weekly: weekly({ mon: [['12:00', '20:00']], wed: [['12:00', '20:00']], thu: [['12:00', '20:00']], sat: [['09:00', '14:00']] }) },
};

/**
 * Seeds a believable salon once (services, three staff with different hours and days off, a few
 * bookings in the coming days) through the API itself, and remembers its keys beside the database.
 */
export async function seedDemo(store: Store, dbPath: string, origins: string[]): Promise<DemoKeys> {
  const keysFile = join(dirname(dbPath), 'demo-keys.json');
  const saved = existsSync(keysFile) ? (JSON.parse(readFileSync(keysFile, 'utf8')) as DemoKeys & { publishable_key_id?: string }) : undefined;
  // Keys beside a database that no longer holds their business (the file was deleted) are stale: seed again.
  const alive = saved && (await store.db.selectFrom('businesses').select('id').where('id', '=', saved.business_id).executeTakeFirst());
  if (saved && alive) {
    const keys = saved;
    // The port may have changed since the first start: keep the key's origins in step.
    await store.db.updateTable('api_keys').set({ allowed_origins: JSON.stringify(origins) }).where('id', '=', keys.publishable_key_id ?? '').execute();
    // Manage links in the emails point at the shop page on the port in use.
    await store.db.updateTable('businesses').set({ booking_page_url: `${origins[0]}/` }).where('id', '=', keys.business_id).execute();
    return demoOperator(store, keysFile, keys);
  }
  const { business, secret_key } = await createBusiness(store, { name: 'Studio Lumen', timezone: 'Europe/Berlin', mode: 'test' });
  const app = createApp(await buildDeps(store, { log: silentLogger, config: { ...defaultConfig, limits: { sessionPerMinute: 0, widgetPerMinute: 0, widgetPerHour: 0, adminPerMinute: 0, publicPerMinute: 0, catalogPerMinute: 0 } } }));
  const call = async (method: string, path: string, body?: unknown, auth = secret_key, headers: Record<string, string> = {}) => {
    const res = await app.request(`http://demo/api/v1${path}`, { method, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? null : JSON.stringify(body) });
    if (!res.ok) throw new Error(`demo seed: ${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json();
  };
  // The emails' manage links open the shop page; the merchant's notices land in the demo mailbox too.
  await call('PATCH', '/business', { booking_page_url: `${origins[0]}/`, notification_email: 'owner@studio-lumen.example', reply_to: 'hello@studio-lumen.example' });
  const mara = await call('POST', '/staff', { name: DEMO_STAFF.mara.name });
  const jonas = await call('POST', '/staff', { name: DEMO_STAFF.jonas.name });
  const aylin = await call('POST', '/staff', { name: DEMO_STAFF.aylin.name });
  await call('PUT', `/staff/${mara.id}/schedule`, { weekly: DEMO_STAFF.mara.weekly });
  await call('PUT', `/staff/${jonas.id}/schedule`, { weekly: DEMO_STAFF.jonas.weekly });
  await call('PUT', `/staff/${aylin.id}/schedule`, { weekly: DEMO_STAFF.aylin.weekly });
  const all = [mara.id, jonas.id, aylin.id];
  const cut = await call('POST', '/services', { name: 'Haircut & style', description: 'Wash, cut and blow-dry, with a short consultation first.', duration_minutes: 60, price: { amount_minor: 5800, currency: 'EUR' }, staff_ids: all, min_notice_minutes: 120, horizon_days: 90 });
  const trim = await call('POST', '/services', { name: 'Quick trim', description: 'A tidy-up of your current cut. No wash.', duration_minutes: 30, price: { amount_minor: 3200, currency: 'EUR' }, staff_ids: all, min_notice_minutes: 60, horizon_days: 90 });
  await call('POST', '/services', { name: 'Colour', description: 'Full colour or highlights. Please allow extra time.', duration_minutes: 120, price: { amount_minor: 9500, currency: 'EUR' }, staff_ids: [mara.id, aylin.id], buffer_after_minutes: 15, min_notice_minutes: 24 * 60, horizon_days: 90, slot_interval_minutes: 60 });
  const consult = await call('POST', '/services', { name: 'Free consultation', description: 'Fifteen minutes to talk about what you would like.', duration_minutes: 15, price: null, staff_ids: [jonas.id], slot_interval_minutes: 15, horizon_days: 60 });
  const pk = await call('POST', '/api-keys', { name: 'Demo shop page', type: 'publishable', allowed_origins: origins });
  // A few existing bookings in the coming days, so the calendar looks lived in.
  const session = (await call('POST', '/session', undefined, pk.key, { origin: origins[0] })).session_token;
  const today = new Date();
  for (let d = 1, made = 0; d <= 10 && made < 5; d++) {
    const date = new Date(today.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    const avail = await call('GET', `/availability?service_id=${cut.id}&from=${date}&to=${date}&timezone=Europe/Berlin`, undefined, session, { origin: origins[0] });
    const slot = avail.days[0].slots[Math.min(2, avail.days[0].slots.length - 1)];
    if (!slot) continue;
    await call('POST', '/bookings', { service_id: cut.id, start: slot.start, timezone: 'Europe/Berlin', customer: { name: ['Lena Fischer', 'Tom Becker', 'Sofia Rossi', 'Ben Schulz', 'Mia Wagner'][made], email: `guest${made}@example.com` } }, session, { origin: origins[0], 'idempotency-key': crypto.randomUUID() });
    made++;
  }
  const keys = { business_id: business.id, secret_key, publishable_key: pk.key, publishable_key_id: pk.id, services: { cut: cut.id, trim: trim.id, consult: consult.id } };
  writeFileSync(keysFile, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return demoOperator(store, keysFile, keys);
}

/** The demo's dashboard operator, made once (also for a demo database from before the dashboard). */
async function demoOperator(store: Store, keysFile: string, keys: DemoKeys): Promise<DemoKeys> {
  if (keys.operator && (await findOperator(store.db, keys.operator.email))) return keys;
  const operator = { email: 'owner@studio-lumen.example', password: randomToken(12) };
  await createOperator(store, { email: operator.email, password: operator.password, businessIds: [keys.business_id] });
  const saved = { ...keys, operator };
  writeFileSync(keysFile, JSON.stringify(saved, null, 2) + '\n', { mode: 0o600 });
  return saved;
}
