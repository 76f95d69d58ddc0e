// Every route of the server's route table (the one the router and the OpenAPI document are built from),
// swept with generated requests: path ids (real ones and junk), queries and bodies derived from
// the route's schemas (valid and broken), and credentials right and wrong. Every answer is the
// route's documented success, which its schema accepts, or a 4xx envelope with a code the route
// documents; never a 500, never a hang. Afterwards the database keeps its promises: no two
// confirmed bookings of one staff member overlap, no hold overlaps a booking, and no guest holds
// more than one live hold.
import { createHub } from '../../src/server/domain/hubs.ts';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { API_BASE_PATH, ERROR_STATUS, ErrorBody } from '../../src/contract/index.ts';
import { ROUTE_TABLE } from '../../src/server/routes/index.ts';
import type { Route } from '../../src/server/http/route.ts';
import { SHOP, T0, booking, idemKey, ok, shop, type Res, type Shop } from './helpers.ts';
import { invalid, valid, type Pools } from './arbitrary.ts';

const RUNS = Math.max(20, Math.round(Number(process.env.FUZZ_RUNS ?? 1000) / 10));
const HANG_MS = 10_000;
const QUARTER = 15 * 60_000;

interface Ids { [param: string]: string[] }

/** Real ids to aim at, per route and path parameter; deletions aim at throwaway ones so the rest stay reachable. */
async function world(s: Shop) {
  const admin = (method: string, path: string, body?: unknown) => ok(s.h.req(method, path, { auth: s.sk, body }), method === 'POST' ? 201 : 200);
  const book = async (hours: number) => ok(s.h.req('POST', '/bookings', {
    auth: s.session, origin: SHOP, body: booking(s.serviceId, new Date(T0 + hours * 3600_000).toISOString()), headers: { 'idempotency-key': idemKey() },
  }), 201);
  const toCancel = await book(26); // Tuesday 09:00 Berlin
  const toMove = await book(27);
  const hold = await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: new Date(T0 + 28 * 3600_000).toISOString() } }), 201);
  const spareKey = await admin('POST', '/api-keys', { name: 'spare', type: 'publishable' });
  const spareService = await admin('POST', '/services', { name: 'Spare', duration_minutes: 30, staff_ids: s.staffIds });
  const spareStaff = await admin('POST', '/staff', { name: 'Spare' });
  const hook = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/hooks' });
  const spareHook = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/spare' });
  await s.h.store.db.insertInto('outbox').values({
    id: 'whd_fuzz', business_id: s.businessId, mode: 'test', seq: 1_000_000, channel: 'webhook', webhook_id: hook.id, booking_id: toCancel.booking.id,
    event_id: 'evt_fuzz', kind: 'booking.created', payload: '{}', status: 'failed', attempts: 1, next_attempt_ms: T0, locked_until_ms: 0, created_at: T0, delivered_at: null,
  }).execute();
  const ids: Record<string, Ids> = {
    'DELETE /holds/{id}': { id: [hold.hold.id] },
    'GET /bookings/{id}': { id: [toMove.booking.id] },
    'POST /bookings/{id}/cancel': { id: [toCancel.booking.id] },
    'POST /bookings/{id}/reschedule': { id: [toMove.booking.id] },
    '/api-keys/{id}': { id: [spareKey.id] },
    '/services/{id}': { id: [s.serviceId] },
    'DELETE /services/{id}': { id: [spareService.id] },
    '/staff/{id}': { id: s.staffIds },
    'DELETE /staff/{id}': { id: [spareStaff.id] },
    '/staff/{id}/schedule': { id: s.staffIds },
    '/webhooks/{id}': { id: [hook.id] },
    'DELETE /webhooks/{id}': { id: [spareHook.id] },
    '/webhooks/{id}/deliveries': { id: [hook.id] },
    '/webhooks/{id}/deliveries/{delivery_id}/retry': { id: [hook.id], delivery_id: ['whd_fuzz'] },
  };
  const tokens: Record<string, string> = {
    'GET /bookings/{id}': toMove.manage_token, 'POST /bookings/{id}/cancel': toCancel.manage_token, 'POST /bookings/{id}/reschedule': toMove.manage_token,
  };
  return { ids, tokens };
}

function pools(s: Shop): Pools {
  const start = fc.integer({ min: -8, max: 14 * 96 }).map((i) => new Date(T0 + i * QUARTER).toISOString());
  const date = fc.integer({ min: -2, max: 30 }).map((i) => new Date(T0 + i * 86_400_000).toISOString().slice(0, 10));
  return {
    service_id: fc.constant(s.serviceId), staff_id: fc.constantFrom(...s.staffIds), staff_ids: fc.subarray(s.staffIds),
    start, from: date, to: date, timezone: fc.constantFrom('Europe/Berlin', 'UTC', 'US/Eastern'),
    email: fc.constantFrom('ada@example.com'), notification_email: fc.constantFrom('owner@example.com', null), reply_to: fc.constantFrom(null),
    url: fc.constantFrom('https://hooks.example.com/in', 'http://127.0.0.1:9/in', 'http://evil.example/in'),
    booking_page_url: fc.constantFrom('https://shop.example.com/book', null),
    weekly: fc.constant({ mon: [['09:00', '12:00'], ['13:00', '18:00']], tue: [['08:00', '16:00']], wed: [], thu: [['10:00', '24:00']], fri: [['09:00', '17:00']], sat: [], sun: [] }),
    exceptions: fc.constant([]),
  };
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
const query = (q: unknown) => (q && typeof q === 'object' ? new URLSearchParams(Object.entries(q).map(([k, v]) => [k, text(v)])).toString() : text(q));

function holds(r: Res, route: Route, what: string) {
  assert.ok(r.status < 500, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  if (r.status < 300) {
    assert.equal(r.status, route.ok[0], `${what}: success ${r.status}, documented ${route.ok[0]}`);
    const schema = route.ok[1];
    if (schema) assert.ok(schema.safeParse(r.body).success, `${what}: answer does not match its schema: ${JSON.stringify(r.body).slice(0, 300)}`);
    return;
  }
  const err = ErrorBody.safeParse(r.body);
  assert.ok(err.success, `${what}: ${r.status} without the error envelope: ${JSON.stringify(r.body).slice(0, 300)}`);
  const code = err.data.error.code as keyof typeof ERROR_STATUS;
  assert.equal(ERROR_STATUS[code], r.status, `${what}: code ${code} with status ${r.status}`);
  assert.ok(route.errors.includes(code), `${what}: ${code} is not among the route's documented errors (${route.errors.join(', ')})`);
}

async function withinBound<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${HANG_MS} ms`)), HANG_MS)));
  try {
    return await Promise.race([p, hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('generated requests against every route of the contract', () => {
  it('answers each with its documented success or a documented 4xx, and leaves the database consistent', async () => {
    const s = await shop(undefined, { staff: 2 });
    const { ids, tokens } = await world(s);
    const { hub_key: hk } = await createHub(s.h.store, { name: 'Fuzz hub', mode: 'test', now: s.h.clock.now });
    const p = pools(s);
    const seen = new Map<string, number>();
    for (const route of ROUTE_TABLE) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const rel = route.path.startsWith(`${API_BASE_PATH}/`) ? route.path.slice(API_BASE_PATH.length) : route.path;
      const name = `${route.method.toUpperCase()} ${rel}`;
      const real = (param: string) => ids[name]?.[param] ?? ids[rel]?.[param] ?? ['x'];
      const manage = route.credentials.includes('manage');
      const id = (param: string) => fc.oneof({ arbitrary: fc.constantFrom(...real(param)), weight: 3 }, { arbitrary: fc.string({ maxLength: 80 }), weight: 1 });
      const manageToken = tokens[name] ?? 'mt_none';
      const arb = fc.record({
        path: fc.tuple(...params.map(id)),
        query: route.query ? fc.oneof(valid(route.query, p), invalid(route.query, p)) : fc.constant(undefined),
        body: route.body ? fc.oneof({ arbitrary: valid(route.body, p), weight: 2 }, { arbitrary: invalid(route.body, p), weight: 1 }) : fc.constant(undefined),
        // Mostly the route's own credential, sometimes another kind, sometimes none.
        cred: fc.constantFrom('right', 'right', 'right', 'right', 'wrong', 'none'),
        token: fc.constantFrom(manageToken, manageToken, 'mt_guess', ''),
      });
      await fc.assert(fc.asyncProperty(arb, async (g) => {
        let path = route.path;
        params.forEach((name, i) => (path = path.replace(`{${name}}`, encodeURIComponent(g.path[i]))));
        // Manage routes: the token is the credential, right or guessed, beside whatever else was generated.
        const q = manage ? { ...(g.query && typeof g.query === 'object' ? g.query : {}), token: g.token } : g.query;
        const qs = q !== undefined ? query(q) : '';
        const right = { session: { auth: s.session, origin: SHOP }, secret: { auth: s.sk }, publishable: { auth: s.pk, origin: SHOP }, hub: { auth: hk }, manage: {}, none: {} }[route.credentials[0]];
        // A credential the route does not take.
        const wrong = !route.credentials.includes('secret') ? { auth: s.sk } : !route.credentials.includes('session') ? { auth: s.session, origin: SHOP } : { auth: s.pk, origin: SHOP };
        const auth = g.cred === 'right' ? right : g.cred === 'wrong' ? wrong : {};
        const what = `${route.method.toUpperCase()} ${route.path} ${path}${qs ? `?${qs.slice(0, 120)}` : ''} ${JSON.stringify(g.body)?.slice(0, 160) ?? ''} (${g.cred})`;
        const r = await withinBound(s.h.req(route.method.toUpperCase(), `${path}${qs ? `?${qs}` : ''}`, {
          ...auth, ...(g.body !== undefined ? { body: g.body } : {}), headers: { 'idempotency-key': idemKey() },
        }), what);
        const key = `${route.method.toUpperCase()} ${route.path} ${r.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        holds(r, route, what);
      }), { numRuns: RUNS, includeErrorInReport: true });
    }
    const statuses = [...seen].sort().map(([k, n]) => `${k} ×${n}`);
    console.log(`sweep of ${ROUTE_TABLE.length} routes × ${RUNS}: ${statuses.join(', ')}`);

    // The database still keeps its promises.
    const db = s.h.store.db;
    const bookings = await db.selectFrom('bookings').select(['staff_id', 'block_start_ms', 'block_end_ms']).where('status', '=', 'confirmed').orderBy('staff_id').orderBy('block_start_ms').execute();
    for (let i = 1; i < bookings.length; i++) {
      const [a, b] = [bookings[i - 1], bookings[i]];
      assert.ok(a.staff_id !== b.staff_id || a.block_end_ms <= b.block_start_ms, 'overlapping bookings');
    }
    const now = s.h.clock.now;
    const live = await db.selectFrom('holds').selectAll().where('expires_ms', '>', now).execute();
    const perGuest = new Map<string, number>();
    for (const h of live) perGuest.set(h.guest_id, (perGuest.get(h.guest_id) ?? 0) + 1);
    assert.ok([...perGuest.values()].every((n) => n <= 1), 'a guest holds at most one live hold');
    for (const h of live) {
      const clash = bookings.find((b) => b.staff_id === h.staff_id && b.block_start_ms < h.block_end_ms && h.block_start_ms < b.block_end_ms);
      assert.equal(clash, undefined, 'no live hold overlaps a confirmed booking');
    }
    const orphans = await db.selectFrom('holds').leftJoin('guests', 'guests.id', 'holds.guest_id').where('guests.id', 'is', null).select('holds.id').execute();
    assert.deepEqual(orphans, [], 'no hold without its guest');
  });
});
