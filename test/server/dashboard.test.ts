import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../../src/contract/index.ts';
import { createBusiness } from '../../src/server/setup.ts';
import { createOperator, removeOperator } from '../../src/server/dashboard/operators.ts';
import { ABSOLUTE_MS, IDLE_MS } from '../../src/server/dashboard/sessions.ts';
import { SHOP, booking, expectError, harness, idemKey, ok, shop, type Harness, type ReqOpts, type Shop } from './helpers.ts';

const DASH = 'http://api.test/dashboard/api';
const PASSWORD = 'correct horse battery';

interface Signed { cookie: string; csrf: string; me: any }

/** The cookie as a browser would send it back: its name=value, without the attributes. */
const cookieOf = (setCookie: string | null) => (setCookie ?? '').split(';')[0];

async function operatorFor(h: Harness, businessIds: string[], email = 'owner@salon.example') {
  return createOperator(h.store, { email, password: PASSWORD, businessIds, now: h.clock.now });
}

async function signIn(h: Harness, email = 'owner@salon.example', password = PASSWORD, opts: ReqOpts = {}) {
  return h.req('POST', `${DASH}/sign-in`, { body: { email, password }, ...opts });
}

async function signedIn(h: Harness, email?: string): Promise<Signed> {
  const r = await signIn(h, email);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { cookie: cookieOf(r.headers.get('set-cookie')), csrf: r.body.csrf_token, me: r.body };
}

/** A dashboard call as the page makes it: the cookie, and on changes the CSRF token and a same-origin Origin. */
function dash(h: Harness, s: Signed, method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { cookie: s.cookie, ...(method === 'GET' ? {} : { 'x-csrf-token': s.csrf, origin: 'http://api.test', 'sec-fetch-site': 'same-origin' }), ...extra };
  return h.req(method, `${DASH}${path}`, { headers, ...(body === undefined ? {} : { body }) });
}

async function salonWithOperator(): Promise<Shop & { s: Signed }> {
  const sh = await shop();
  await operatorFor(sh.h, [sh.businessId]);
  return { ...sh, s: await signedIn(sh.h) };
}

describe('dashboard: signing in', () => {
  it('should set an HttpOnly, SameSite=Strict, Secure __Host- cookie off loopback and answer the operator, a CSRF token and their businesses', async () => {
    const sh = await shop();
    await operatorFor(sh.h, [sh.businessId]);
    const r = await signIn(sh.h, 'Owner@Salon.example');
    assert.equal(r.status, 200);
    assert.ok(C.DashboardMe.safeParse(r.body).success);
    assert.deepEqual(r.body.businesses.map((b: { id: string }) => b.id), [sh.businessId]);
    const cookie = r.headers.get('set-cookie')!;
    assert.match(cookie, /^__Host-bw_dashboard=[\w-]{32}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const me = await sh.h.req('GET', `${DASH}/me`, { headers: { cookie: cookieOf(cookie) } });
    assert.equal(me.status, 200);
    assert.equal(me.body.operator.email, 'owner@salon.example');
  });

  it('should use a plain cookie name without Secure on loopback, where there is no https', async () => {
    const sh = await shop();
    await operatorFor(sh.h, [sh.businessId]);
    const r = await sh.h.req('POST', 'http://127.0.0.1:8787/dashboard/api/sign-in', { body: { email: 'owner@salon.example', password: PASSWORD } });
    assert.equal(r.status, 200);
    const cookie = r.headers.get('set-cookie')!;
    assert.match(cookie, /^bw_dashboard=[\w-]{32}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });

  it('should answer a wrong password and an unknown email with the same 401, and set no cookie', async () => {
    const sh = await shop();
    await operatorFor(sh.h, [sh.businessId]);
    const wrong = await signIn(sh.h, 'owner@salon.example', 'not the password');
    const unknown = await signIn(sh.h, 'nobody@salon.example', 'not the password');
    expectError(wrong, 401, 'unauthorized');
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.status, unknown.status);
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal(unknown.headers.get('set-cookie'), null);
  });

  it('should refuse a malformed sign-in with the field named, and a sign-in posted by another site', async () => {
    const sh = await shop();
    const r = await signIn(sh.h, 'not-an-email');
    expectError(r, 400, 'invalid_request');
    assert.equal(r.body.error.fields[0].property, 'email');
    await operatorFor(sh.h, [sh.businessId]);
    expectError(await signIn(sh.h, undefined, undefined, { origin: 'https://evil.example' }), 403, 'forbidden');
  });

  it('should lock an account after repeated failed attempts, even for the right password, from any address', async () => {
    const h = await harness({ limits: { signinPerAccount: 5 } });
    const { business } = await createBusiness(h.store, { name: 'A', timezone: 'Europe/Berlin', mode: 'test' });
    await operatorFor(h, [business.id]);
    for (let i = 0; i < 5; i++) expectError(await signIn(h, 'owner@salon.example', `guess ${i}`, { ip: `198.51.100.${i + 1}` }), 401, 'unauthorized');
    const locked = await signIn(h, 'owner@salon.example', PASSWORD, { ip: '198.51.100.99' });
    expectError(locked, 429, 'rate_limited');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    // An unknown email is counted alike, so the lock does not tell which emails exist.
    for (let i = 0; i < 5; i++) await signIn(h, 'ghost@salon.example', `guess ${i}`);
    expectError(await signIn(h, 'ghost@salon.example', 'again'), 429, 'rate_limited');
  });

  it('should limit sign-in attempts per client address across accounts', async () => {
    const h = await harness({ limits: { signinPerMinute: 3 } });
    for (let i = 0; i < 3; i++) expectError(await signIn(h, `user${i}@salon.example`, 'whatever'), 401, 'unauthorized');
    expectError(await signIn(h, 'user9@salon.example', 'whatever'), 429, 'rate_limited');
    expectError(await signIn(h, 'user9@salon.example', 'whatever', { ip: '192.0.2.44' }), 401, 'unauthorized');
  });
});

describe('dashboard: the session', () => {
  it('should end after 30 idle minutes', async () => {
    const { h, s } = await salonWithOperator();
    h.clock.now += IDLE_MS - 60_000;
    assert.equal((await dash(h, s, 'GET', '/me')).status, 200);
    h.clock.now += IDLE_MS - 60_000;
    assert.equal((await dash(h, s, 'GET', '/me')).status, 200, 'a request keeps it alive');
    h.clock.now += IDLE_MS;
    expectError(await dash(h, s, 'GET', '/me'), 401, 'unauthorized');
  });

  it('should end 12 hours after sign-in however busy it is', async () => {
    const { h, s } = await salonWithOperator();
    const started = h.clock.now;
    while (h.clock.now + 20 * 60_000 < started + ABSOLUTE_MS) {
      h.clock.now += 20 * 60_000;
      assert.equal((await dash(h, s, 'GET', '/me')).status, 200);
    }
    h.clock.now = started + ABSOLUTE_MS;
    expectError(await dash(h, s, 'GET', '/me'), 401, 'unauthorized');
  });

  it('should end the session on the server at sign-out, so the old cookie is worthless', async () => {
    const { h, s } = await salonWithOperator();
    const out = await dash(h, s, 'POST', '/sign-out');
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie')!, /^__Host-bw_dashboard=; .*Max-Age=0/);
    expectError(await dash(h, s, 'GET', '/me'), 401, 'unauthorized');
    expectError(await dash(h, s, 'GET', `/b/${s.me.businesses[0].id}/test/api-keys`), 401, 'unauthorized');
  });

  it('should end every session of an operator who is removed', async () => {
    const { h, s } = await salonWithOperator();
    assert.ok(await removeOperator(h.store, 'owner@salon.example'));
    expectError(await dash(h, s, 'GET', '/me'), 401, 'unauthorized');
  });
});

describe('dashboard: CSRF', () => {
  it('should refuse a change without the CSRF token, with a wrong one, or from another site', async () => {
    const { h, s, businessId } = await salonWithOperator();
    const path = `/b/${businessId}/test/api-keys`;
    const body = { name: 'Shop', type: 'publishable', allowed_origins: [SHOP] };
    expectError(await h.req('POST', `${DASH}${path}`, { headers: { cookie: s.cookie }, body }), 403, 'forbidden');
    expectError(await dash(h, s, 'POST', path, body, { 'x-csrf-token': 'x'.repeat(32) }), 403, 'forbidden');
    expectError(await dash(h, s, 'POST', path, body, { origin: 'https://evil.example' }), 403, 'forbidden');
    expectError(await dash(h, s, 'POST', path, body, { 'sec-fetch-site': 'cross-site' }), 403, 'forbidden');
    expectError(await dash(h, s, 'POST', '/sign-out', undefined, { 'x-csrf-token': '' }), 403, 'forbidden');
    const keys = await ok(dash(h, s, 'GET', path), 200);
    assert.equal(keys.data.filter((k: { name: string }) => k.name === 'Shop').length, 1, 'none of the refused requests made a key');
    await ok(dash(h, s, 'POST', path, body), 201);
  });
});

describe('dashboard: one operator, their businesses only', () => {
  it('should answer 404 for every read and change of a business the operator is not linked to', async () => {
    const a = await salonWithOperator();
    const b = await shop(a.h);
    const made = await ok(b.h.req('POST', '/bookings', { auth: b.session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(b.serviceId, '2027-03-02T09:00:00Z') }), 201);
    for (const [method, path, body] of [
      ['GET', `/b/${b.businessId}/test/api-keys`],
      ['GET', `/b/${b.businessId}/test/bookings`],
      ['GET', `/b/${b.businessId}/live/business`],
      ['PATCH', `/b/${b.businessId}/test/business`, { name: 'Taken over' }],
      ['DELETE', `/b/${b.businessId}/test/api-keys/${b.pkId}`],
      ['POST', `/b/${b.businessId}/test/bookings/${made.booking.id}/cancel`, {}],
    ] as const) expectError(await dash(a.h, a.s, method, path, body), 404, 'not_found');
    // Through its own business's path, B's records are not found either.
    expectError(await dash(a.h, a.s, 'DELETE', `/b/${a.businessId}/test/api-keys/${b.pkId}`), 404, 'not_found');
    expectError(await dash(a.h, a.s, 'POST', `/b/${a.businessId}/test/bookings/${made.booking.id}/cancel`, {}), 404, 'not_found');
    const still = await ok(b.h.req('GET', `/api-keys/${b.pkId}`, { auth: b.sk }), 200);
    assert.equal(still.status, 'active');
    assert.equal((await ok(b.h.req('GET', '/business', { auth: b.sk }), 200)).name, 'Salon Test');
    const list = await ok(b.h.req('GET', '/bookings', { auth: b.sk }), 200);
    assert.equal(list.data[0].status, 'confirmed');
  });

  it('should list and switch between several businesses of one operator', async () => {
    const a = await shop();
    const b = await shop(a.h);
    await operatorFor(a.h, [a.businessId, b.businessId]);
    const s = await signedIn(a.h);
    assert.deepEqual(s.me.businesses.map((x: { id: string }) => x.id).sort(), [a.businessId, b.businessId].sort());
    await ok(dash(a.h, s, 'PATCH', `/b/${b.businessId}/test/business`, { name: 'Salon Zwei' }), 200);
    assert.equal((await ok(a.h.req('GET', '/business', { auth: b.sk }), 200)).name, 'Salon Zwei');
    assert.equal((await ok(a.h.req('GET', '/business', { auth: a.sk }), 200)).name, 'Salon Test');
  });
});

describe('dashboard: the cookie opens the dashboard only', () => {
  it('should not authorise an admin or widget route with the dashboard cookie alone', async () => {
    const { h, s, serviceId } = await salonWithOperator();
    const headers = { cookie: s.cookie, 'x-csrf-token': s.csrf };
    expectError(await h.req('GET', '/api-keys', { headers }), 401, 'unauthorized');
    expectError(await h.req('GET', '/business', { headers }), 401, 'unauthorized');
    expectError(await h.req('POST', '/api-keys', { headers, body: { name: 'x', type: 'secret' } }), 401, 'unauthorized');
    expectError(await h.req('GET', '/services', { headers }), 401, 'unauthorized');
    expectError(await h.req('POST', '/holds', { headers, body: { service_id: serviceId, start: '2027-03-02T09:00:00Z' } }), 401, 'unauthorized');
    expectError(await h.req('GET', '/activity', { headers }), 401, 'unauthorized');
  });
});

describe('dashboard: acting through the server', () => {
  it('should create a publishable key shown once, refuse a live one without origins at the field, and revoke it at once', async () => {
    const { h, s, businessId } = await salonWithOperator();
    const created = await ok(dash(h, s, 'POST', `/b/${businessId}/test/api-keys`, { name: 'Shop', type: 'publishable', allowed_origins: ['https://salon.example'] }), 201);
    assert.match(created.key, /^pk_test_/);
    const listed = await ok(dash(h, s, 'GET', `/b/${businessId}/test/api-keys`), 200);
    assert.ok(listed.data.every((k: Record<string, unknown>) => !('key' in k)), 'a listing never holds a full key');
    const live = await dash(h, s, 'POST', `/b/${businessId}/live/api-keys`, { name: 'Live', type: 'publishable', allowed_origins: [] });
    expectError(live, 400, 'invalid_request');
    assert.equal(live.body.error.fields[0].property, 'allowed_origins');
    const badOrigin = await dash(h, s, 'POST', `/b/${businessId}/test/api-keys`, { name: 'x', type: 'publishable', allowed_origins: ['https://salon.example/path'] });
    assert.equal(badOrigin.body.error.fields[0].property, 'allowed_origins.0');
    await ok(dash(h, s, 'DELETE', `/b/${businessId}/test/api-keys/${created.id}`), 200);
    expectError(await h.req('POST', '/session', { auth: created.key, origin: 'https://salon.example' }), 401, 'key_revoked');
  });

  it("should cancel a booking on the customer's behalf: the customer's cancellation email is queued and the log names the operator", async () => {
    const { h, s, businessId, serviceId, session } = await salonWithOperator();
    const made = await ok(h.req('POST', '/bookings', { auth: session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(serviceId, '2027-03-02T09:00:00Z') }), 201);
    const cancelled = await ok(dash(h, s, 'POST', `/b/${businessId}/test/bookings/${made.booking.id}/cancel`, { reason: 'Stylist ill' }), 200);
    assert.equal(cancelled.status, 'cancelled');
    const mails = await h.store.db.selectFrom('outbox').select(['kind', 'channel']).where('booking_id', '=', made.booking.id).execute();
    assert.ok(mails.some((m) => m.channel === 'email' && m.kind === 'cancelled'), JSON.stringify(mails));
    const log = await ok(dash(h, s, 'GET', `/b/${businessId}/test/activity`), 200);
    assert.deepEqual(log.data[0].actor, { type: 'operator', id: s.me.operator.id });
    assert.equal(log.data[0].action, 'booking.cancelled');
    assert.equal(log.data[1].action, 'booking.created');
    assert.equal(log.data[1].actor.type, 'customer');
  });
});

describe('dashboard: moving a booking', () => {
  it("should reschedule on the customer's behalf to a free time, refuse a taken one, and queue the customer's email", async () => {
    const { h, s, businessId, serviceId, session } = await salonWithOperator();
    const made = await ok(h.req('POST', '/bookings', { auth: session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(serviceId, '2027-03-02T09:00:00Z') }), 201);
    const other = await ok(h.req('POST', '/bookings', { auth: session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(serviceId, '2027-03-03T09:00:00Z', { staff_id: made.booking.staff_id }) }), 201);
    const path = `/b/${businessId}/test/bookings/${made.booking.id}/reschedule`;
    expectError(await dash(h, s, 'POST', path, { start: '2027-03-03T09:00:00Z', staff_id: made.booking.staff_id }), 409, 'slot_taken');
    const bad = await dash(h, s, 'POST', path, { start: 'tomorrow' });
    expectError(bad, 400, 'invalid_request');
    assert.equal(bad.body.error.fields[0].property, 'start');
    const moved = await ok(dash(h, s, 'POST', path, { start: '2027-03-04T10:00:00Z' }), 200);
    assert.equal(moved.start, '2027-03-04T10:00:00.000Z');
    const mails = await h.store.db.selectFrom('outbox').select(['kind', 'channel']).where('booking_id', '=', made.booking.id).execute();
    assert.ok(mails.some((m) => m.channel === 'email' && m.kind === 'rescheduled'), JSON.stringify(mails));
    const log = await ok(dash(h, s, 'GET', `/b/${businessId}/test/activity?limit=1`), 200);
    assert.deepEqual([log.data[0].action, log.data[0].actor.type, log.data[0].target.id], ['booking.rescheduled', 'operator', made.booking.id]);
    assert.equal(other.booking.status, 'confirmed');
  });
});

describe('admin: GET /activity and GET /usage', () => {
  it('should list changes newest first with their actor, page by cursor, and keep modes apart', async () => {
    const sh = await shop();
    const { h, sk } = sh;
    const key = await ok(h.req('POST', '/api-keys', { auth: sk, body: { name: 'Second', type: 'publishable' } }), 201);
    await ok(h.req('PATCH', `/api-keys/${key.id}`, { auth: sk, body: { name: 'Renamed' } }), 200);
    await ok(h.req('DELETE', `/api-keys/${key.id}`, { auth: sk }), 200);
    await ok(h.req('PATCH', '/business', { auth: sk, body: { reply_to: 'hi@salon.example' } }), 200);
    const skId = (await ok(h.req('GET', '/api-keys', { auth: sk }), 200)).data.find((k: { type: string }) => k.type === 'secret').id;
    const all = await ok(h.req('GET', '/activity', { auth: sk }), 200);
    assert.ok(C.ActivityList.safeParse(all).success);
    assert.deepEqual(all.data.slice(0, 4).map((a: { action: string }) => a.action), ['business.updated', 'api_key.revoked', 'api_key.updated', 'api_key.created']);
    assert.deepEqual(all.data[0].actor, { type: 'secret_key', id: skId });
    assert.deepEqual(all.data[2].details, { fields: ['name'] });
    assert.equal(all.data[1].target.id, key.id);
    // The shop's own setup came first: staff, their hours, the service, the key.
    assert.ok(all.data.some((a: { action: string }) => a.action === 'staff.hours_updated'));
    const first = await ok(h.req('GET', '/activity?limit=2', { auth: sk }), 200);
    const second = await ok(h.req('GET', `/activity?limit=2&cursor=${first.next_cursor}`, { auth: sk }), 200);
    assert.deepEqual([...first.data, ...second.data].map((a: { id: string }) => a.id), all.data.slice(0, 4).map((a: { id: string }) => a.id));
    expectError(await h.req('GET', '/activity?cursor=nonsense', { auth: sk }), 400, 'invalid_request');
    expectError(await h.req('GET', '/activity?limit=0', { auth: sk }), 400, 'invalid_request');
    // A live key of the same business sees the settings change, not the test keys.
    const live = await h.store.db.selectFrom('businesses').select('id').executeTakeFirstOrThrow();
    const { createKey } = await import('../../src/server/auth/keys.ts');
    const { key: liveSk } = await createKey(h.store.db, { businessId: live.id, mode: 'live', type: 'secret', name: 'live', allowedOrigins: [], now: h.clock.now });
    const seen = await ok(h.req('GET', '/activity', { auth: liveSk }), 200);
    assert.deepEqual(seen.data.map((a: { action: string }) => a.action), ['business.updated']);
  });

  it('should count requests and rate-limited requests per key and day', async () => {
    const h = await harness({ limits: { adminPerMinute: 3 } });
    const { secret_key: sk } = await createBusiness(h.store, { name: 'A', timezone: 'Europe/Berlin', mode: 'test', now: h.clock.now });
    for (let i = 0; i < 5; i++) await h.req('GET', '/business', { auth: sk });
    const keyId = (await h.store.db.selectFrom('api_keys').select('id').executeTakeFirstOrThrow()).id;
    h.clock.now += 86_400_000;
    // The limit has passed (a minute of real time is not needed: another day's usage read by a second key).
    const { createKey } = await import('../../src/server/auth/keys.ts');
    const biz = (await h.store.db.selectFrom('businesses').select('id').executeTakeFirstOrThrow()).id;
    const { key: other } = await createKey(h.store.db, { businessId: biz, mode: 'test', type: 'secret', name: 'reader', allowedOrigins: [], now: h.clock.now });
    const usage = await ok(h.req('GET', '/usage?days=7', { auth: other }), 200);
    assert.ok(C.UsageList.safeParse(usage).success);
    const day = new Date(h.clock.now - 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(usage.data.find((u: { key_id: string }) => u.key_id === keyId), { key_id: keyId, day, requests: 5, rate_limited: 2 });
    const today = await ok(h.req('GET', '/usage?days=1', { auth: other }), 200);
    assert.ok(today.data.every((u: { day: string }) => u.day !== day), 'days=1 is today only');
    expectError(await h.req('GET', '/usage?days=91', { auth: other }), 400, 'invalid_request');
  });
});
