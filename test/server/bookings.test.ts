import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SHOP, booking, expectError, idemKey, ok, shop, type Shop } from './helpers.ts';

const post = (s: Shop, body: unknown, key: string = idemKey(), headers: Record<string, string> = {}) =>
  s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': key, ...headers }, body });

describe('overlap', () => {
  it('refuses an overlapping but different interval for the same staff member', async () => {
    const s = await shop(undefined, { staff: 1 });
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    // 10:30 local starts inside the 10:00-11:00 booking.
    expectError(await post(s, booking(s.serviceId, '2027-03-01T09:30:00Z')), 409, 'slot_taken');
    expectError(await post(s, booking(s.serviceId, '2027-03-01T08:30:00Z')), 409, 'slot_taken');
  });

  it('accepts back-to-back bookings', async () => {
    const s = await shop(undefined, { staff: 1 });
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    await ok(post(s, booking(s.serviceId, '2027-03-01T10:00:00Z')), 201);
    await ok(post(s, booking(s.serviceId, '2027-03-01T08:00:00Z')), 201);
  });

  it('keeps buffers free around a booking', async () => {
    const s = await shop(undefined, { staff: 1, service: { buffer_after_minutes: 15 } });
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    expectError(await post(s, booking(s.serviceId, '2027-03-01T10:00:00Z')), 409, 'slot_taken');
    await ok(post(s, booking(s.serviceId, '2027-03-01T10:30:00Z')), 201);
  });

  it('gives the second staff member when the first is booked, then refuses the third booking', async () => {
    const s = await shop();
    const a = await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    const b = await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    assert.notEqual(a.booking.staff_id, b.booking.staff_id);
    expectError(await post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 409, 'slot_taken');
  });

  it('refuses times before the minimum notice and beyond the horizon', async () => {
    const s = await shop(undefined, { service: { min_notice_minutes: 120, horizon_days: 7 } });
    expectError(await post(s, booking(s.serviceId, '2027-03-01T08:00:00Z')), 409, 'slot_taken'); // 09:00 local, one hour away
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    expectError(await post(s, booking(s.serviceId, '2027-03-09T09:00:00Z')), 409, 'slot_taken');
  });
});

describe('idempotency', () => {
  it('answers the same key and body with the first booking again, with a manage token that works, and writes no second row', async () => {
    const s = await shop();
    const key = idemKey();
    const first = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': key }, body: booking(s.serviceId, '2027-03-01T09:00:00Z') });
    const again = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': key }, body: booking(s.serviceId, '2027-03-01T09:00:00Z') });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body.booking, first.body.booking);
    await ok(s.h.req('GET', `/bookings/${first.body.booking.id}?token=${again.body.manage_token}`), 200);
    assert.equal((await s.h.store.db.selectFrom('bookings').selectAll().execute()).length, 1);
  });

  it("gives a replay the guest token only back to the guest that sent it", async () => {
    const s = await shop();
    const key = idemKey();
    const first = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z') });
    const guest = first.headers.get('x-guest-token')!;
    const headers = { 'Idempotency-Key': key, 'X-Guest-Token': guest };
    const made = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers, body: booking(s.serviceId, '2027-03-01T11:00:00Z') }), 201);
    const again = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers, body: booking(s.serviceId, '2027-03-01T11:00:00Z') });
    assert.equal(again.status, 201);
    assert.equal(again.body.booking.id, made.booking.id);
    assert.equal(again.headers.get('x-guest-token'), guest);
  });

  it('treats the same body with its keys in another order as the same request', async () => {
    const s = await shop();
    const key = idemKey();
    const body = booking(s.serviceId, '2027-03-01T09:00:00Z');
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const a = await ok(post(s, body, key), 201);
    const b = await ok(post(s, reordered, key), 201);
    assert.equal(a.booking.id, b.booking.id);
  });

  it('takes any key the IETF draft allows (1-255 visible ASCII characters), and refuses the rest with 400', async () => {
    const s = await shop(undefined, { staff: 1 });
    const hours = ['09', '10', '11', '12'];
    for (const [i, key] of ['k', 'order#42/attempt:1', '"quoted"~{braces}', 'x'.repeat(255)].entries()) {
      await ok(post(s, booking(s.serviceId, `2027-03-01T${hours[i]}:00:00Z`), key), 201);
    }
    for (const key of ['has space', 'x'.repeat(256), 'tab\there', 'café']) {
      const r = await post(s, booking(s.serviceId, '2027-03-01T13:00:00Z'), key);
      assert.equal(r.status, 400, JSON.stringify(key));
      assert.equal(r.body.error.code, 'invalid_request');
    }
  });

  it('refuses the same key with another body with 422 idempotency_mismatch', async () => {
    const s = await shop();
    const key = idemKey();
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z'), key), 201);
    expectError(await post(s, booking(s.serviceId, '2027-03-01T11:00:00Z'), key), 422, 'idempotency_mismatch');
    assert.equal((await s.h.store.db.selectFrom('bookings').selectAll().execute()).length, 1);
  });

  it('answers 409 idempotency_in_progress while the first request with the key still runs', async () => {
    const s = await shop();
    const key = idemKey();
    // A claim left by a request still in flight (another process) looks like this row.
    const sessionId = JSON.parse(Buffer.from(s.session.split('.')[1], 'base64url').toString()).jti;
    await s.h.store.db.insertInto('idempotency_keys').values({
      business_id: s.businessId, mode: 'test', key: `session:${sessionId}:${key}`, request_hash: (await import('../../src/server/domain/idempotency.ts')).requestHash(booking(s.serviceId, '2027-03-01T09:00:00Z')),
      state: 'in_progress', status_code: null, response_body: null, response_headers: null, created_at: s.h.clock.now,
    }).execute();
    expectError(await post(s, booking(s.serviceId, '2027-03-01T09:00:00Z'), key), 409, 'idempotency_in_progress');
    // A claim abandoned for over a minute (its process died) is taken over.
    s.h.clock.now += 61_000;
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z'), key), 201);
  });

  it('replays a slot_taken answer for the same key rather than booking later', async () => {
    const s = await shop(undefined, { staff: 1 });
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    const key = idemKey();
    expectError(await post(s, booking(s.serviceId, '2027-03-01T09:00:00Z'), key), 409, 'slot_taken');
    expectError(await post(s, booking(s.serviceId, '2027-03-01T09:00:00Z'), key), 409, 'slot_taken');
  });

  it('accepts a new booking of a slot whose booking was cancelled', async () => {
    const s = await shop(undefined, { staff: 1 });
    const a = await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    await ok(s.h.req('POST', `/bookings/${a.booking.id}/cancel?token=${a.manage_token}`, { body: {} }), 200);
    await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
  });
});

describe('manage by token', () => {
  const setup = async () => {
    const s = await shop(undefined, { staff: 1 });
    const created = await ok(post(s, booking(s.serviceId, '2027-03-01T09:00:00Z')), 201);
    return { s, id: created.booking.id as string, token: created.manage_token as string };
  };

  it('shows the booking to its manage token', async () => {
    const { s, id, token } = await setup();
    const r = await ok(s.h.req('GET', `/bookings/${id}?token=${token}`), 200);
    assert.equal(r.booking.id, id);
    assert.equal(r.booking.customer.email, 'ada@example.com');
  });

  it("answers 404 to another booking's token and to a guessed one", async () => {
    const { s, id } = await setup();
    const other = await ok(post(s, booking(s.serviceId, '2027-03-01T12:00:00Z')), 201);
    expectError(await s.h.req('GET', `/bookings/${id}?token=${other.manage_token}`), 404, 'not_found');
    expectError(await s.h.req('GET', `/bookings/${id}?token=mt_${'a'.repeat(32)}`), 404, 'not_found');
    expectError(await s.h.req('GET', `/bookings/${id}`), 400, 'invalid_request');
  });

  it('cancels, and cancelling twice is fine', async () => {
    const { s, id, token } = await setup();
    const a = await ok(s.h.req('POST', `/bookings/${id}/cancel?token=${token}`, { body: { reason: 'Ill' } }), 200);
    assert.equal(a.booking.status, 'cancelled');
    assert.ok(a.booking.cancelled_at);
    const b = await ok(s.h.req('POST', `/bookings/${id}/cancel?token=${token}`), 200);
    assert.deepEqual(b, a);
  });

  it('reschedules to a free time, overlapping its own old time', async () => {
    const { s, id, token } = await setup();
    const r = await ok(s.h.req('POST', `/bookings/${id}/reschedule?token=${token}`, { body: { start: '2027-03-01T09:30:00Z' } }), 200);
    assert.equal(r.booking.start, '2027-03-01T09:30:00.000Z');
    assert.equal(r.booking.end, '2027-03-01T10:30:00.000Z');
    // The old time is free again.
    await ok(post(s, booking(s.serviceId, '2027-03-01T08:00:00Z')), 201);
  });

  it('refuses a reschedule onto a taken slot with 409 slot_taken and keeps the booking', async () => {
    const { s, id, token } = await setup();
    await ok(post(s, booking(s.serviceId, '2027-03-01T12:00:00Z')), 201);
    expectError(await s.h.req('POST', `/bookings/${id}/reschedule?token=${token}`, { body: { start: '2027-03-01T12:00:00Z' } }), 409, 'slot_taken');
    assert.equal((await ok(s.h.req('GET', `/bookings/${id}?token=${token}`), 200)).booking.start, '2027-03-01T09:00:00.000Z');
  });

  it("refuses to reschedule a cancelled booking with its token", async () => {
    const { s, id, token } = await setup();
    await ok(s.h.req('POST', `/bookings/${id}/cancel?token=${token}`), 200);
    expectError(await s.h.req('POST', `/bookings/${id}/reschedule?token=${token}`, { body: { start: '2027-03-01T12:00:00Z' } }), 403, 'forbidden');
  });
});
