import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { SHOP, booking, expectError, harness, idemKey, ok, shop, sibling } from '../helpers.ts';
import { ENGINE } from '../database.ts';

// Two API instances in one process, each with its own pool, signer and limiter objects, on one
// PostgreSQL database: what several processes share is exactly what these two share.
// test/server/multi/ repeats the essentials with real processes.
assert.equal(ENGINE, 'postgres', 'run through npm run test:server:pg (TEST_DATABASE=postgres)');

const MONDAY_10 = '2027-03-01T09:00:00Z';

describe('two API instances on one PostgreSQL database', () => {
  it('refuses the 21st session exchange from one IP in a minute on whichever instance receives it', async () => {
    const a = await harness({ limits: { sessionPerMinute: 20 } });
    const s = await shop(a);
    const b = await sibling(a, { limits: { sessionPerMinute: 20 } });
    // shop() made the first; 19 more alternate between the instances.
    for (let i = 2; i <= 20; i++) {
      const r = await (i % 2 ? a : b).req('POST', '/session', { auth: s.pk, origin: SHOP });
      assert.equal(r.status, 201, `request ${i}`);
      assert.equal(r.headers.get('x-ratelimit-remaining'), String(20 - i), `request ${i} sees the shared count`);
    }
    expectError(await b.req('POST', '/session', { auth: s.pk, origin: SHOP }), 429, 'rate_limited');
    expectError(await a.req('POST', '/session', { auth: s.pk, origin: SHOP }), 429, 'rate_limited');
    await ok(b.req('POST', '/session', { auth: s.pk, origin: SHOP, ip: '198.51.100.9' }), 201);
    const rows = await a.database.query<{ key: string; points: number }>("select key, points from rate_limits where key like 'session:%'");
    assert.ok(rows.some((r) => r.points >= 20), `counters live in the rate_limits table: ${JSON.stringify(rows)}`);
  });

  it('verifies on one instance a session issued by the other, and sees a revocation made on the other at once', async () => {
    const s = await shop();
    const b = await sibling(s.h);
    await ok(b.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    const fromB = await ok(b.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201);
    await ok(s.h.req('GET', '/services', { auth: fromB.session_token, origin: SHOP }), 200);
    await ok(b.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'key_revoked');
    expectError(await s.h.req('GET', '/services', { auth: fromB.session_token, origin: SHOP }), 401, 'key_revoked');
    expectError(await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 401, 'key_revoked');
  });

  it('rotates signing keys by kid: old tokens keep verifying everywhere until they expire', async () => {
    const s = await shop();
    const oldKid = decodeProtectedHeader(s.session).kid!;
    // The key is 31 days old by now: the next instance to start signs with a new one.
    await s.h.store.db.updateTable('signing_keys').set({ created_at: s.h.clock.now - 31 * 86_400_000 }).execute();
    const b = await sibling(s.h);
    const fresh = await ok(b.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201);
    const newKid = decodeProtectedHeader(fresh.session_token).kid!;
    assert.notEqual(newKid, oldKid);
    for (const h of [s.h, b]) {
      await ok(h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
      await ok(h.req('GET', '/services', { auth: fresh.session_token, origin: SHOP }), 200);
    }
    s.h.clock.now += 3601_000;
    expectError(await b.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'session_expired');
  });

  it('replays an Idempotency-Key answered by one instance on the other', async () => {
    const s = await shop();
    const b = await sibling(s.h);
    const key = idemKey();
    const body = booking(s.serviceId, MONDAY_10);
    const first = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body, headers: { 'idempotency-key': key } }), 201);
    const again = await ok(b.req('POST', '/bookings', { auth: s.session, origin: SHOP, body, headers: { 'idempotency-key': key } }), 201);
    assert.equal(again.booking.id, first.booking.id);
    expectError(await b.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: { ...body, notes: 'x' }, headers: { 'idempotency-key': key } }), 422, 'idempotency_mismatch');
  });

  it('gives one of two racing instances the slot and the other 409 slot_taken', async () => {
    const s = await shop(undefined, { staff: 1 });
    const b = await sibling(s.h);
    const race = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : s.h).req('POST', '/bookings', {
      auth: s.session, origin: SHOP, body: booking(s.serviceId, MONDAY_10), headers: { 'idempotency-key': idemKey() },
    })));
    assert.equal(race.filter((r) => r.status === 201).length, 1);
    for (const r of race.filter((x) => x.status !== 201)) expectError(r, 409, 'slot_taken');
  });
});
