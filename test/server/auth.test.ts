import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SHOP, WEEKDAYS_9_TO_17, booking, expectError, ok, shop } from './helpers.ts';
import { createKey } from '../../src/server/auth/keys.ts';

describe('API keys', () => {
  it('shows the full key once, then only its prefix and last four characters', async () => {
    const s = await shop();
    const created = await ok(s.h.req('POST', '/api-keys', { auth: s.sk, body: { name: 'Kiosk', type: 'publishable', allowed_origins: [SHOP] } }), 201);
    assert.match(created.key, /^pk_test_[A-Za-z0-9_-]{32}$/);
    assert.equal(created.prefix, 'pk_test_');
    assert.equal(created.last4, created.key.slice(-4));
    const listed = await ok(s.h.req('GET', '/api-keys', { auth: s.sk }), 200);
    assert.ok(!JSON.stringify(listed).includes(created.key));
    const one = await ok(s.h.req('GET', `/api-keys/${created.id}`, { auth: s.sk }), 200);
    assert.equal(one.key, undefined);
    const rows = await s.h.store.db.selectFrom('api_keys').selectAll().execute();
    assert.ok(!JSON.stringify(rows).includes(created.key), 'only a hash is stored');
  });

  it('records last_used_at when a key is used', async () => {
    const s = await shop();
    const before = await ok(s.h.req('GET', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    assert.equal(before.last_used_at, new Date(s.h.clock.now).toISOString()); // shop() made a session with it
  });

  it('revokes idempotently and kills sessions issued before the revocation on their very next request', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    const first = await ok(s.h.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    const second = await ok(s.h.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    assert.equal(first.status, 'revoked');
    assert.deepEqual(first, second);
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'key_revoked');
  });

  it('revokes a secret key at once', async () => {
    const s = await shop();
    const other = await ok(s.h.req('POST', '/api-keys', { auth: s.sk, body: { name: 'CI', type: 'secret' } }), 201);
    await ok(s.h.req('GET', '/staff', { auth: other.key }), 200);
    await ok(s.h.req('DELETE', `/api-keys/${other.id}`, { auth: s.sk }), 200);
    expectError(await s.h.req('GET', '/staff', { auth: other.key }), 401, 'key_revoked');
  });

  it('refuses allowed origins on a secret key', async () => {
    const s = await shop();
    expectError(await s.h.req('POST', '/api-keys', { auth: s.sk, body: { name: 'x', type: 'secret', allowed_origins: [SHOP] } }), 400, 'invalid_request');
  });

  it('refuses origins with a path', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/api-keys', { auth: s.sk, body: { name: 'x', type: 'publishable', allowed_origins: ['https://shop.example.com/book'] } });
    expectError(r, 400, 'invalid_request');
    assert.equal(r.body.error.fields[0].property, 'allowed_origins.0');
  });
});

describe('credentials on the wrong routes', () => {
  it('refuses a publishable key and a session on admin routes with 403 forbidden', async () => {
    const s = await shop();
    expectError(await s.h.req('GET', '/staff', { auth: s.pk }), 403, 'forbidden');
    expectError(await s.h.req('GET', '/staff', { auth: s.session }), 403, 'forbidden');
  });

  it('refuses a secret key on widget-only routes with 403 forbidden', async () => {
    const s = await shop();
    expectError(await s.h.req('POST', '/holds', { auth: s.sk, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } }), 403, 'forbidden');
  });

  it('refuses a secret key sent with an Origin header on every route', async () => {
    const s = await shop();
    for (const path of ['/staff', '/services', '/api-keys', '/bookings']) expectError(await s.h.req('GET', path, { auth: s.sk, origin: SHOP }), 403, 'secret_key_in_browser');
  });

  it('answers 401 unauthorized for a missing, unknown or tampered credential', async () => {
    const s = await shop();
    expectError(await s.h.req('GET', '/staff'), 401, 'unauthorized');
    expectError(await s.h.req('GET', '/staff', { auth: 'sk_test_' + 'A'.repeat(32) }), 401, 'unauthorized');
    const [h, p, sig] = s.session.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.bid = 'biz_other';
    const forged = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    expectError(await s.h.req('GET', '/services', { auth: forged, origin: SHOP }), 401, 'unauthorized');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
    expectError(await s.h.req('GET', '/services', { auth: none, origin: SHOP }), 401, 'unauthorized');
  });
});

describe('test and live modes', () => {
  it('never shows test data to a live key or live data to a test key', async () => {
    const s = await shop();
    // The same business in live mode: a live secret key beside the test one.
    const { key } = await createKey(s.h.store.db, { businessId: s.businessId, mode: 'live', type: 'secret', name: 'live', allowedOrigins: [], now: s.h.clock.now });
    const live = { secret_key: key };
    assert.match(live.secret_key, /^sk_live_/);
    assert.deepEqual((await ok(s.h.req('GET', '/staff', { auth: live.secret_key }), 200)).data, []);
    assert.deepEqual((await ok(s.h.req('GET', '/bookings', { auth: live.secret_key }), 200)).data, []);
    assert.deepEqual((await ok(s.h.req('GET', '/services', { auth: live.secret_key }), 200)).data, []);
    expectError(await s.h.req('GET', `/services/${s.serviceId}`, { auth: live.secret_key }), 404, 'not_found');
    const pk = await ok(s.h.req('POST', '/api-keys', { auth: live.secret_key, body: { name: 'live pk', type: 'publishable', allowed_origins: ['https://live.example.com'] } }), 201);
    assert.equal(pk.mode, 'live');
    assert.match(pk.key, /^pk_live_/);

    // And the other way: live staff, a live service and a live booking stay out of the test key's sight.
    const liveStaff = await ok(s.h.req('POST', '/staff', { auth: live.secret_key, body: { name: 'Live stylist' } }), 201);
    await ok(s.h.req('PUT', `/staff/${liveStaff.id}/schedule`, { auth: live.secret_key, body: { weekly: WEEKDAYS_9_TO_17 } }), 200);
    const liveService = await ok(s.h.req('POST', '/services', { auth: live.secret_key, body: { name: 'Live cut', duration_minutes: 60, staff_ids: [liveStaff.id] } }), 201);
    const livePk = await ok(s.h.req('POST', '/api-keys', { auth: live.secret_key, body: { name: 'live shop', type: 'publishable', allowed_origins: [SHOP] } }), 201);
    const liveSession = (await ok(s.h.req('POST', '/session', { auth: livePk.key, origin: SHOP }), 201)).session_token;
    await ok(s.h.req('POST', '/bookings', { auth: liveSession, origin: SHOP, body: booking(liveService.id, '2027-03-02T09:00:00Z'), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);
    assert.equal((await ok(s.h.req('GET', '/bookings', { auth: live.secret_key }), 200)).data.length, 1, 'the live key sees its booking');
    assert.deepEqual((await ok(s.h.req('GET', '/bookings', { auth: s.sk }), 200)).data, [], 'the test key does not');
    assert.ok(!(await ok(s.h.req('GET', '/staff', { auth: s.sk }), 200)).data.some((x: { id: string }) => x.id === liveStaff.id));
    expectError(await s.h.req('GET', `/services/${liveService.id}`, { auth: s.sk }), 404, 'not_found');
    expectError(await s.h.req('PATCH', `/staff/${liveStaff.id}`, { auth: s.sk, body: { name: 'x' } }), 404, 'not_found');
    // A test session cannot book a live service either.
    expectError(await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(liveService.id, '2027-03-02T11:00:00Z'), headers: { 'idempotency-key': crypto.randomUUID() } }), 404, 'not_found');
  });
});
