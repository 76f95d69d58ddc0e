import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ROUTE_TABLE } from '../../src/server/routes/index.ts';
import { createBusiness } from '../../src/server/setup.ts';
import { createHub, createHubKey } from '../../src/server/domain/hubs.ts';
import { createKey } from '../../src/server/auth/keys.ts';
import { SHOP, WEEKDAYS_9_TO_17, expectError, harness, ok, sibling, type Harness, type Res } from './helpers.ts';

const BIZ = 'X-Business-Id';

/** Two hubs (A with two businesses, B with one) and a business outside any hub, all in test mode. */
async function platform(h?: Harness) {
  h ??= await harness();
  const now = h.clock.now;
  const hubA = await createHub(h.store, { name: 'Agency A', mode: 'test', now });
  const hubB = await createHub(h.store, { name: 'Agency B', mode: 'test', now });
  const a1 = await createBusiness(h.store, { name: 'Salon A1', timezone: 'Europe/Berlin', mode: 'test', now, hubId: hubA.hub.id });
  const a2 = await createBusiness(h.store, { name: 'Salon A2', timezone: 'Europe/Vienna', mode: 'test', now, hubId: hubA.hub.id });
  const b1 = await createBusiness(h.store, { name: 'Salon B1', timezone: 'Europe/Paris', mode: 'test', now, hubId: hubB.hub.id });
  const solo = await createBusiness(h.store, { name: 'Solo', timezone: 'UTC', mode: 'test', now });
  // Something to see in A1 and B1.
  for (const b of [a1, b1]) {
    const staff = await ok(h.req('POST', '/staff', { auth: b.secret_key, body: { name: `Stylist of ${b.business.name}` } }), 201);
    await ok(h.req('PUT', `/staff/${staff.id}/schedule`, { auth: b.secret_key, body: { weekly: WEEKDAYS_9_TO_17 } }), 200);
    await ok(h.req('POST', '/services', { auth: b.secret_key, body: { name: `Cut at ${b.business.name}`, duration_minutes: 30, staff_ids: [staff.id] } }), 201);
  }
  return { h, hubA, hubB, a1, a2, b1, solo };
}

/** Every admin route of the table (those a secret key opens), with placeholder ids and an empty body. */
const ADMIN_ROUTES = ROUTE_TABLE.filter((r) => r.credentials.includes('secret'));
const requestOf = (r: (typeof ADMIN_ROUTES)[number]) => ({
  method: r.method.toUpperCase(),
  path: r.path.replace(/\{\w+\}/g, 'zz_none'),
  body: r.body ? {} : undefined,
});
const call = (h: Harness, r: (typeof ADMIN_ROUTES)[number], auth: string, headers: Record<string, string> = {}) => {
  const q = requestOf(r);
  return h.req(q.method, q.path, { auth, headers, ...(q.body !== undefined ? { body: q.body } : {}) });
};
const same = (a: Res, b: Res, what: string) =>
  assert.equal(a.status, b.status, `${what}: ${a.status} ${JSON.stringify(a.body)} against ${b.status} ${JSON.stringify(b.body)}`);

describe('hub and service keys: isolation over every admin route of the route table', () => {
  it('a hub key reaches every business of its hub, none of another hub (404), and needs X-Business-Id (400); a business key naming another business is refused', async () => {
    const { h, hubA, a1, a2, b1, solo } = await platform();
    assert.ok(ADMIN_ROUTES.length >= 20, `only ${ADMIN_ROUTES.length} admin routes found`);
    let cells = 0;
    for (const r of ADMIN_ROUTES) {
      const what = `${r.method.toUpperCase()} ${r.path}`;
      expectError(await call(h, r, hubA.hub_key, { [BIZ]: b1.business.id }), 404, 'not_found');
      expectError(await call(h, r, hubA.hub_key, { [BIZ]: solo.business.id }), 404, 'not_found');
      expectError(await call(h, r, hubA.hub_key), 400, 'invalid_request');
      expectError(await call(h, r, a1.secret_key, { [BIZ]: b1.business.id }), 403, 'forbidden');
      // Its own businesses: the answer its own secret key gets, for each of them.
      same(await call(h, r, hubA.hub_key, { [BIZ]: a1.business.id }), await call(h, r, a1.secret_key), `${what} (hub → A1)`);
      same(await call(h, r, hubA.hub_key, { [BIZ]: a2.business.id }), await call(h, r, a2.secret_key), `${what} (hub → A2)`);
      // Naming its own business is allowed to a business key.
      same(await call(h, r, a1.secret_key, { [BIZ]: a1.business.id }), await call(h, r, a1.secret_key), `${what} (A1 names itself)`);
      cells += 7;
    }
    console.log(`isolation matrix: ${ADMIN_ROUTES.length} admin routes × 7 credential cases = ${cells} request pairs`);
  });

  it('what a hub key reads of a business is exactly what that business\'s own key reads', async () => {
    const { h, hubA, a1, b1 } = await platform();
    for (const path of ['/services', '/staff', '/bookings', '/business', '/webhooks']) {
      const own = await ok(h.req('GET', path, { auth: a1.secret_key }), 200);
      const viaHub = await ok(h.req('GET', path, { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id } }), 200);
      assert.deepEqual(viaHub, own, path);
    }
    const services = await ok(h.req('GET', '/services', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id } }), 200);
    assert.deepEqual(services.data.map((s: { name: string }) => s.name), ['Cut at Salon A1']);
    // A write through the hub lands in that business only.
    await ok(h.req('POST', '/services', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: { name: 'Made by the hub', duration_minutes: 30 } }), 201);
    const a1Names = (await ok(h.req('GET', '/services', { auth: a1.secret_key }), 200)).data.map((s: { name: string }) => s.name).sort();
    const b1Names = (await ok(h.req('GET', '/services', { auth: b1.secret_key }), 200)).data.map((s: { name: string }) => s.name);
    assert.deepEqual(a1Names, ['Cut at Salon A1', 'Made by the hub']);
    assert.deepEqual(b1Names, ['Cut at Salon B1']);
  });

  it('a test-mode hub key never sees live data, and a live one never sees test data', async () => {
    const { h, hubA, a1 } = await platform();
    const { key: liveSk } = await createKey(h.store.db, { businessId: a1.business.id, mode: 'live', type: 'secret', name: 'live', allowedOrigins: [], now: h.clock.now });
    await ok(h.req('POST', '/services', { auth: liveSk, body: { name: 'Live only', duration_minutes: 30 } }), 201);
    const { key: liveHub } = await createHubKey(h.store.db, { hubId: hubA.hub.id, mode: 'live', name: 'live hub', now: h.clock.now });
    const names = async (auth: string) =>
      (await ok(h.req('GET', '/services', { auth, headers: { [BIZ]: a1.business.id } }), 200)).data.map((s: { name: string }) => s.name);
    assert.deepEqual(await names(hubA.hub_key), ['Cut at Salon A1']);
    assert.deepEqual(await names(liveHub), ['Live only']);
    // And the test hub key's list of keys holds no live key.
    const keys = await ok(h.req('GET', '/api-keys', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id } }), 200);
    assert.ok(keys.data.every((k: { mode: string }) => k.mode === 'test'), JSON.stringify(keys.data));
  });

  it('a hub key is refused from a browser, on widget routes and on POST /session', async () => {
    const { h, hubA, a1 } = await platform();
    expectError(await h.req('GET', '/services', { auth: hubA.hub_key, origin: SHOP, headers: { [BIZ]: a1.business.id } }), 403, 'secret_key_in_browser');
    expectError(await h.req('POST', '/session', { auth: hubA.hub_key }), 403, 'forbidden');
    expectError(await h.req('POST', '/session', { auth: hubA.hub_key, origin: SHOP }), 403, 'secret_key_in_browser');
    expectError(await h.req('POST', '/holds', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: {} }), 403, 'forbidden');
  });
});

describe('hub keys: the hub\'s businesses and keys', () => {
  it('GET and POST /businesses list and create the hub\'s businesses; another hub and a business key see none of them', async () => {
    const { h, hubA, hubB, a1 } = await platform();
    const made = await ok(h.req('POST', '/businesses', { auth: hubA.hub_key, body: { name: 'Salon A3', timezone: 'Europe/Kiev', booking_page_url: 'https://a3.example.com/book' } }), 201);
    assert.match(made.id, /^biz_/);
    assert.equal(made.timezone, 'Europe/Kyiv');
    assert.equal(made.booking_page_url, 'https://a3.example.com/book');
    const listA = await ok(h.req('GET', '/businesses', { auth: hubA.hub_key }), 200);
    assert.deepEqual(listA.data.map((b: { name: string }) => b.name).sort(), ['Salon A1', 'Salon A2', 'Salon A3']);
    const listB = await ok(h.req('GET', '/businesses', { auth: hubB.hub_key }), 200);
    assert.deepEqual(listB.data.map((b: { name: string }) => b.name), ['Salon B1']);
    // The new business is then run with the hub key like any other: its first publishable key.
    const pk = await ok(h.req('POST', '/api-keys', { auth: hubA.hub_key, headers: { [BIZ]: made.id }, body: { name: 'Shop', type: 'publishable', allowed_origins: [SHOP] } }), 201);
    assert.match(pk.key, /^pk_test_/);
    expectError(await h.req('GET', '/services', { auth: hubB.hub_key, headers: { [BIZ]: made.id } }), 404, 'not_found');
    expectError(await h.req('GET', '/businesses', { auth: a1.secret_key }), 403, 'forbidden');
    expectError(await h.req('POST', '/businesses', { auth: a1.secret_key, body: { name: 'x', timezone: 'UTC' } }), 403, 'forbidden');
    const bad = await h.req('POST', '/businesses', { auth: hubA.hub_key, body: { name: 'x', timezone: 'Mars/Base' } });
    expectError(bad, 400, 'invalid_request');
    assert.equal(bad.body.error.fields[0].property, 'timezone');
  });

  it('a hub key makes, lists, renames and revokes hub keys through /api-keys; a business key cannot make one', async () => {
    const { h, hubA, hubB, a1, a2 } = await platform();
    const made = await ok(h.req('POST', '/api-keys', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: { name: 'Deploy bot', type: 'hub' } }), 201);
    assert.match(made.key, /^hk_test_[A-Za-z0-9_-]{32}$/);
    assert.equal(made.type, 'hub');
    assert.equal(made.last4, made.key.slice(-4));
    // The new key works on every business of the hub.
    await ok(h.req('GET', '/services', { auth: made.key, headers: { [BIZ]: a2.business.id } }), 200);
    const listed = await ok(h.req('GET', '/api-keys', { auth: hubA.hub_key, headers: { [BIZ]: a2.business.id } }), 200);
    assert.deepEqual(listed.data.filter((k: { type: string }) => k.type === 'hub').map((k: { name: string }) => k.name).sort(), ['Deploy bot', 'Initial hub key']);
    assert.ok(!JSON.stringify(listed).includes(made.key), 'the full key is shown once');
    const renamed = await ok(h.req('PATCH', `/api-keys/${made.id}`, { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: { name: 'CI bot' } }), 200);
    assert.equal(renamed.name, 'CI bot');
    expectError(await h.req('PATCH', `/api-keys/${made.id}`, { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: { allowed_origins: [SHOP] } }), 400, 'invalid_request');
    // Hub B cannot see or revoke it; a business key cannot make a hub key.
    const bBiz = (await ok(h.req('GET', '/businesses', { auth: hubB.hub_key }), 200)).data[0].id;
    expectError(await h.req('DELETE', `/api-keys/${made.id}`, { auth: hubB.hub_key, headers: { [BIZ]: bBiz } }), 404, 'not_found');
    expectError(await h.req('POST', '/api-keys', { auth: a1.secret_key, body: { name: 'sneaky', type: 'hub' } }), 403, 'forbidden');
    const revoked = await ok(h.req('DELETE', `/api-keys/${made.id}`, { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id } }), 200);
    assert.equal(revoked.status, 'revoked');
    expectError(await h.req('GET', '/services', { auth: made.key, headers: { [BIZ]: a1.business.id } }), 401, 'key_revoked');
  });

  it('a revoked hub key is refused on the very next request on another instance', async () => {
    const { h, hubA, a1 } = await platform();
    const other = await sibling(h);
    const made = await ok(h.req('POST', '/api-keys', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: { name: 'Second', type: 'hub' } }), 201);
    await ok(other.req('GET', '/services', { auth: made.key, headers: { [BIZ]: a1.business.id } }), 200);
    await ok(h.req('DELETE', `/api-keys/${made.id}`, { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id } }), 200);
    expectError(await other.req('GET', '/services', { auth: made.key, headers: { [BIZ]: a1.business.id } }), 401, 'key_revoked');
    expectError(await other.req('GET', '/businesses', { auth: made.key }), 401, 'key_revoked');
  });
});

describe('the service key (SERVICE_KEY)', () => {
  const SERVICE_KEY = randomBytes(32).toString('base64url');

  it('acts on the business X-Business-Id names, in the X-Mode mode (live by default)', async () => {
    const h = await harness({ config: { serviceKey: SERVICE_KEY } });
    const { a1, b1 } = await platform(h);
    const { key: liveSk } = await createKey(h.store.db, { businessId: a1.business.id, mode: 'live', type: 'secret', name: 'live', allowedOrigins: [], now: h.clock.now });
    await ok(h.req('POST', '/services', { auth: liveSk, body: { name: 'Live only', duration_minutes: 30 } }), 201);
    const names = async (headers: Record<string, string>) =>
      (await ok(h.req('GET', '/services', { auth: SERVICE_KEY, headers }), 200)).data.map((s: { name: string }) => s.name);
    assert.deepEqual(await names({ [BIZ]: a1.business.id }), ['Live only']);
    assert.deepEqual(await names({ [BIZ]: a1.business.id, 'X-Mode': 'live' }), ['Live only']);
    assert.deepEqual(await names({ [BIZ]: a1.business.id, 'X-Mode': 'test' }), ['Cut at Salon A1']);
    assert.deepEqual(await names({ [BIZ]: b1.business.id, 'X-Mode': 'test' }), ['Cut at Salon B1']);
    expectError(await h.req('GET', '/services', { auth: SERVICE_KEY }), 400, 'invalid_request');
    expectError(await h.req('GET', '/services', { auth: SERVICE_KEY, headers: { [BIZ]: 'biz_nope', 'X-Mode': 'test' } }), 404, 'not_found');
    expectError(await h.req('GET', '/services', { auth: SERVICE_KEY, headers: { [BIZ]: a1.business.id, 'X-Mode': 'staging' } }), 400, 'invalid_request');
    expectError(await h.req('GET', '/businesses', { auth: SERVICE_KEY }), 403, 'forbidden');
    expectError(await h.req('POST', '/holds', { auth: SERVICE_KEY, headers: { [BIZ]: a1.business.id }, body: {} }), 403, 'forbidden');
  });

  it('is refused with an Origin header (secret_key_in_browser)', async () => {
    const h = await harness({ config: { serviceKey: SERVICE_KEY } });
    const { a1 } = await platform(h);
    const r = await h.req('GET', '/services', { auth: SERVICE_KEY, origin: SHOP, headers: { [BIZ]: a1.business.id } });
    expectError(r, 403, 'secret_key_in_browser');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });

  it('a wrong key, and the right key where none is set, get the very answer an unknown credential gets', async () => {
    const withKey = await harness({ config: { serviceKey: SERVICE_KEY } });
    const without = await harness();
    const a = (await platform(withKey)).a1.business.id;
    const b = (await platform(without)).a1.business.id;
    const unknown = randomBytes(32).toString('base64url');
    const answers = [
      await withKey.req('GET', '/services', { auth: unknown, headers: { [BIZ]: a } }),
      await withKey.req('GET', '/services', { auth: SERVICE_KEY.slice(0, -1) + (SERVICE_KEY.endsWith('A') ? 'B' : 'A'), headers: { [BIZ]: a } }),
      await without.req('GET', '/services', { auth: SERVICE_KEY, headers: { [BIZ]: b } }),
    ];
    for (const r of answers) expectError(r, 401, 'unauthorized');
    const bodies = answers.map((r) => ({ ...r.body, error: { ...r.body.error, request_id: undefined } }));
    assert.deepEqual(bodies[1], bodies[0]);
    assert.deepEqual(bodies[2], bodies[0]);
  });
});

describe('hub and service keys: the activity log names them', () => {
  it('a change made with a hub key is logged with the hub key as actor, one made with the service key with the service key', async () => {
    const SERVICE_KEY = randomBytes(32).toString('base64url');
    const h = await harness({ config: { serviceKey: SERVICE_KEY } });
    const { hubA, a1 } = await platform(h);
    const svc = await ok(h.req('POST', '/services', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id }, body: { name: 'By the hub', duration_minutes: 30 } }), 201);
    await ok(h.req('PATCH', `/services/${svc.id}`, { auth: SERVICE_KEY, headers: { [BIZ]: a1.business.id, 'X-Mode': 'test' }, body: { name: 'By the service' } }), 200);
    const log = await ok(h.req('GET', '/activity', { auth: a1.secret_key }), 200);
    const about = log.data.filter((e: { target: { id: string } }) => e.target.id === svc.id);
    const hubKeyId = (await ok(h.req('GET', '/api-keys', { auth: hubA.hub_key, headers: { [BIZ]: a1.business.id } }), 200)).data.find((k: { type: string }) => k.type === 'hub').id;
    assert.deepEqual(about.map((e: { action: string; actor: unknown }) => [e.action, e.actor]), [
      ['service.updated', { type: 'service_key', id: null }],
      ['service.created', { type: 'hub_key', id: hubKeyId }],
    ]);
  });
});

describe('hub and service keys: rate limits', () => {
  it('every key of a hub shares the hub\'s admin limit, the service key has its own, and a business key keeps its own', async () => {
    const SERVICE_KEY = randomBytes(32).toString('base64url');
    const h = await harness({ limits: { adminPerMinute: 3 }, config: { serviceKey: SERVICE_KEY } });
    const { hubA, a1, b1, solo } = await platform(h);
    const { key: second } = await createHubKey(h.store.db, { hubId: hubA.hub.id, mode: 'test', name: 'second', now: h.clock.now });
    const viaHub = (auth: string) => h.req('GET', '/services', { auth, headers: { [BIZ]: a1.business.id } });
    const first = await viaHub(hubA.hub_key);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-limit'), '3');
    assert.equal(first.headers.get('x-ratelimit-remaining'), '2');
    await ok(h.req('GET', '/businesses', { auth: second }), 200);
    await ok(viaHub(hubA.hub_key), 200);
    const limited = await viaHub(second);
    expectError(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    // A business's own secret key (unused so far) and the service key are not spent by the hub.
    await ok(h.req('GET', '/services', { auth: solo.secret_key }), 200);
    for (let i = 0; i < 3; i++) await ok(h.req('GET', '/services', { auth: SERVICE_KEY, headers: { [BIZ]: b1.business.id, 'X-Mode': 'test' } }), 200);
    expectError(await h.req('GET', '/services', { auth: SERVICE_KEY, headers: { [BIZ]: a1.business.id, 'X-Mode': 'test' } }), 429, 'rate_limited');
    await ok(h.req('GET', '/services', { auth: solo.secret_key }), 200);
  });
});
