import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EXPOSED_HEADERS } from '../../src/contract/index.ts';
import { SHOP, expectError, ok, shop, type Shop } from './helpers.ts';
import { createBusiness } from '../../src/server/setup.ts';
import { createKey } from '../../src/server/auth/keys.ts';

describe('CORS', () => {
  it('answers an allowed origin with that origin, Vary: Origin and the exposed headers', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('access-control-allow-origin'), SHOP);
    assert.match(r.headers.get('vary') ?? '', /Origin/);
    assert.deepEqual(r.headers.get('access-control-expose-headers')?.split(', '), [...EXPOSED_HEADERS]);
    assert.equal(r.headers.get('access-control-allow-credentials'), null, 'cookies are never used');
  });

  for (const origin of ['https://shop.example.evil.com', 'http://shop.example.com', 'https://shop.example.com:8443', 'https://evil.com']) {
    it(`refuses ${origin} with 403 origin_not_allowed, readable by that page and carrying nothing but the error`, async () => {
      const s = await shop();
      for (const r of [
        await s.h.req('POST', '/session', { auth: s.pk, origin }),
        await s.h.req('GET', '/services', { auth: s.pk, origin }),
        await s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-02&to=2027-03-02&timezone=Europe/Berlin`, { auth: s.pk, origin }),
      ]) {
        expectError(r, 403, 'origin_not_allowed');
        assert.equal(r.headers.get('access-control-allow-origin'), origin, 'the widget can read why');
        assert.deepEqual(Object.keys(r.body), ['error']);
        assert.match(r.body.error.message, new RegExp(origin.replace(/[.:/]/g, '\\$&')), 'the message names the origin to add');
      }
    });
  }

  it('refuses the null origin with no Access-Control-Allow-Origin at all', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/session', { auth: s.pk, origin: 'null' });
    expectError(r, 403, 'origin_not_allowed');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });

  it('refuses a session used from another origin than the one it was issued for', async () => {
    const s = await shop();
    await ok(s.h.req('PATCH', `/api-keys/${s.pkId}`, { auth: s.sk, body: { allowed_origins: [SHOP, 'https://other.example.com'] } }), 200);
    const r = await s.h.req('GET', '/services', { auth: s.session, origin: 'https://other.example.com' });
    expectError(r, 403, 'origin_not_allowed');
    assert.deepEqual(Object.keys(r.body), ['error'], 'the refusal, readable, carries no data');
  });

  it('accepts a session without an Origin header (same-origin GETs and servers send none)', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session }), 200);
  });

  it('lets any origin but null through when the key has an empty allow-list', async () => {
    const s = await shop();
    const key = await ok(s.h.req('POST', '/api-keys', { auth: s.sk, body: { name: 'dev', type: 'publishable' } }), 201);
    const r = await s.h.req('POST', '/session', { auth: key.key, origin: 'http://localhost:5173' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    expectError(await s.h.req('POST', '/session', { auth: key.key, origin: 'null' }), 403, 'origin_not_allowed');
  });

  it('answers a preflight from a known origin with 204 and the allowed methods and headers', async () => {
    const s = await shop();
    const r = await s.h.req('OPTIONS', '/bookings', { origin: SHOP, headers: { 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), SHOP);
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /Idempotency-Key/);
    assert.match(r.headers.get('access-control-allow-headers') ?? '', /X-Guest-Token/);
    assert.match(r.headers.get('access-control-allow-methods') ?? '', /POST/);
  });

  it('lets any origin preflight the routes a key or session judges, so their refusals are readable; never null', async () => {
    const s = await shop();
    const r = await s.h.req('OPTIONS', '/session', { origin: 'https://evil.com', headers: { 'access-control-request-method': 'POST' } });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://evil.com');
    expectError(await s.h.req('OPTIONS', '/session', { origin: 'null', headers: { 'access-control-request-method': 'POST' } }), 403, 'origin_not_allowed');
  });

  it('refuses a preflight of a manage route from an origin no key allows', async () => {
    const s = await shop();
    const r = await s.h.req('OPTIONS', '/bookings/bk_1/cancel', { origin: 'https://evil.com', headers: { 'access-control-request-method': 'POST' } });
    expectError(r, 403, 'origin_not_allowed');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });

  it('lets the widget read session_expired and key_revoked so it can react', async () => {
    const s = await shop();
    s.h.clock.now += 3601_000;
    const expired = await s.h.req('GET', '/services', { auth: s.session, origin: SHOP });
    expectError(expired, 401, 'session_expired');
    assert.equal(expired.headers.get('access-control-allow-origin'), SHOP);
    s.h.clock.now -= 3601_000;
    await ok(s.h.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    const revoked = await s.h.req('GET', '/services', { auth: s.session, origin: SHOP });
    expectError(revoked, 401, 'key_revoked');
    assert.equal(revoked.headers.get('access-control-allow-origin'), SHOP);
  });

  it('never reflects an origin to an admin request from a browser', async () => {
    const s = await shop();
    const r = await s.h.req('GET', '/services', { auth: s.sk, origin: SHOP });
    expectError(r, 403, 'secret_key_in_browser');
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });
});

describe('origin attacks', () => {
  const preflight = (s: Shop, path: string, method: string, origin: string) =>
    s.h.req('OPTIONS', path, { origin, headers: { 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' } });

  it("narrowing a key's allowed origins stops its sessions from the removed origin at once", async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    await ok(s.h.req('PATCH', `/api-keys/${s.pkId}`, { auth: s.sk, body: { allowed_origins: ['https://other.example.com'] } }), 200);
    const r = await s.h.req('GET', '/services', { auth: s.session, origin: SHOP });
    expectError(r, 403, 'origin_not_allowed');
    assert.deepEqual(Object.keys(r.body), ['error']);
    // Without an Origin header the session still names the origin it was made for, which is no longer allowed.
    expectError(await s.h.req('GET', '/services', { auth: s.session }), 403, 'origin_not_allowed');
  });

  it('refuses a live publishable key with no allowed origins, when created or changed', async () => {
    const h = (await shop()).h;
    const live = await createBusiness(h.store, { name: 'Live', timezone: 'UTC', mode: 'live', now: h.clock.now });
    expectError(await h.req('POST', '/api-keys', { auth: live.secret_key, body: { name: 'Shop', type: 'publishable' } }), 400, 'invalid_request');
    expectError(await h.req('POST', '/api-keys', { auth: live.secret_key, body: { name: 'Shop', type: 'publishable', allowed_origins: [] } }), 400, 'invalid_request');
    const key = await ok(h.req('POST', '/api-keys', { auth: live.secret_key, body: { name: 'Shop', type: 'publishable', allowed_origins: [SHOP] } }), 201);
    expectError(await h.req('PATCH', `/api-keys/${key.id}`, { auth: live.secret_key, body: { allowed_origins: [] } }), 400, 'invalid_request');
  });

  it('a live key left with an empty list opens no origin: no session, no catalog', async () => {
    const s = await shop();
    await ok(s.h.req('PATCH', `/api-keys/${s.pkId}`, { auth: s.sk, body: { allowed_origins: [SHOP] } }), 200);
    const live = await createBusiness(s.h.store, { name: 'Live', timezone: 'UTC', mode: 'live', now: s.h.clock.now });
    // As a key made before the rule would be stored.
    const { key } = await createKey(s.h.store.db, { businessId: live.business.id, mode: 'live', type: 'publishable', name: 'Old', allowedOrigins: [], now: s.h.clock.now });
    expectError(await s.h.req('POST', '/session', { auth: key, origin: 'https://evil.example' }), 403, 'origin_not_allowed');
    expectError(await s.h.req('GET', '/services', { auth: key, origin: 'https://evil.example' }), 403, 'origin_not_allowed');
    expectError(await s.h.req('POST', '/session', { auth: key }), 403, 'origin_not_allowed');
  });

  it('no preflight opens a route only a secret key can call, whatever the origin', async () => {
    const s = await shop();
    for (const [path, method] of [['/webhooks', 'POST'], ['/api-keys', 'POST'], ['/api-keys/key_1', 'DELETE'], ['/business', 'PATCH'], ['/bookings', 'GET']] as const) {
      const r = await preflight(s, path, method, SHOP);
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.headers.get('access-control-allow-origin'), null);
    }
    for (const [path, method] of [['/session', 'POST'], ['/holds', 'POST'], ['/holds/hld_1', 'DELETE'], ['/bookings', 'POST'], ['/bookings/bk_1/cancel', 'POST']] as const) {
      const r = await preflight(s, path, method, SHOP);
      assert.equal(r.status, 204, `${method} ${path}`);
      assert.equal(r.headers.get('access-control-allow-origin'), SHOP);
    }
  });
});
