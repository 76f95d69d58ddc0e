import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../../src/contract/index.ts';
import { gunzipSync } from 'node:zlib';
import { API, SHOP, booking, expectError, harness, idemKey, ok, shop, type Shop } from './helpers.ts';

const parse = <T extends { safeParse(v: unknown): { success: boolean } }>(schema: T, body: unknown) =>
  assert.ok(schema.safeParse(body).success, `response does not match the contract: ${JSON.stringify(body)}`);

describe('POST /session', () => {
  it('exchanges a publishable key for a one-hour session naming the business', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP });
    assert.equal(r.status, 201);
    parse(C.SessionResponse, r.body);
    assert.equal(Date.parse(r.body.expires_at) - s.h.clock.now, 3600_000);
    assert.deepEqual(r.body.business, { id: s.businessId, name: 'Salon Test', timezone: 'Europe/Berlin', accounts: 'off' });
  });

  it('refuses a missing, malformed or unknown key with 401 unauthorized', async () => {
    const s = await shop();
    expectError(await s.h.req('POST', '/session', { origin: SHOP }), 401, 'unauthorized');
    expectError(await s.h.req('POST', '/session', { origin: SHOP, headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
    expectError(await s.h.req('POST', '/session', { auth: 'pk_test_' + 'x'.repeat(32), origin: SHOP }), 401, 'unauthorized');
  });

  it('refuses a secret key from a browser with 403 secret_key_in_browser and never echoes it', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/session', { auth: s.sk, origin: SHOP });
    expectError(r, 403, 'secret_key_in_browser');
    assert.ok(!JSON.stringify(r.body).includes(s.sk));
  });

  it('refuses a secret key from a server with 403 forbidden', async () => {
    const s = await shop();
    expectError(await s.h.req('POST', '/session', { auth: s.sk }), 403, 'forbidden');
  });

  it('refuses a revoked publishable key with 401 key_revoked', async () => {
    const s = await shop();
    await ok(s.h.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    expectError(await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 401, 'key_revoked');
  });
});

describe('GET /services', () => {
  it('lists active services with price, duration and staff for the widget', async () => {
    const s = await shop();
    const r = await s.h.req('GET', '/services', { auth: s.session, origin: SHOP });
    assert.equal(r.status, 200);
    parse(C.ServiceList, r.body);
    assert.equal(r.body.data.length, 1);
    const svc = r.body.data[0];
    assert.deepEqual(svc.price, { amount_minor: 4500, currency: 'EUR' });
    assert.equal(svc.duration_minutes, 60);
    assert.deepEqual(svc.staff.map((m: { id: string }) => m.id), s.staffIds);
    assert.equal(svc.buffer_before_minutes, undefined, 'the widget sees no admin fields');
  });

  it('hides inactive services from the widget but not from the merchant', async () => {
    const s = await shop();
    await ok(s.h.req('PATCH', `/services/${s.serviceId}`, { auth: s.sk, body: { active: false } }), 200);
    assert.equal((await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200)).data.length, 0);
    assert.equal((await ok(s.h.req('GET', '/services', { auth: s.sk }), 200)).data.length, 1);
  });

  it('refuses a publishable key on the routes that write (holds, bookings, the guest list) with 403 forbidden', async () => {
    const s = await shop();
    expectError(await s.h.req('POST', '/holds', { auth: s.pk, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-02T09:00:00Z' } }), 403, 'forbidden');
    expectError(await s.h.req('POST', '/bookings', { auth: s.pk, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-02T09:00:00Z') }), 403, 'forbidden');
    expectError(await s.h.req('GET', '/guest/bookings', { auth: s.pk, origin: SHOP }), 403, 'forbidden');
  });

  it('answers 401 session_expired once the hour has passed', async () => {
    const s = await shop();
    s.h.clock.now += 3600_000 + 1000;
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'session_expired');
  });
});

describe('GET /availability', () => {
  it('sends a month gzipped to a client that accepts it, varying on Origin and Accept-Encoding', async () => {
    const s = await shop();
    const path = `${API}/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-31&timezone=Europe/Berlin`;
    const headers = { authorization: `Bearer ${s.session}`, origin: SHOP };
    const env = { incoming: { socket: { remoteAddress: '203.0.113.7' } } };
    const plain = await s.h.app.request(path, { headers }, env);
    const plainBody = await plain.text();
    assert.equal(plain.headers.get('content-encoding'), null);
    const zipped = await s.h.app.request(path, { headers: { ...headers, 'accept-encoding': 'gzip, deflate, br' } }, env);
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.match(zipped.headers.get('vary') ?? '', /Accept-Encoding/i);
    assert.match(zipped.headers.get('vary') ?? '', /Origin/);
    assert.equal(zipped.headers.get('access-control-allow-origin'), SHOP);
    const bytes = Buffer.from(await zipped.arrayBuffer());
    assert.equal(gunzipSync(bytes).toString('utf8'), plainBody, 'the same answer');
    assert.ok(bytes.length * 5 < Buffer.byteLength(plainBody), `${bytes.length} bytes gzipped for ${Buffer.byteLength(plainBody)}`);
  });

  it('lists every date of the range with free slots in the asked zone', async () => {
    const s = await shop();
    const r = await s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-07&timezone=Europe/Berlin`, { auth: s.session, origin: SHOP });
    assert.equal(r.status, 200);
    parse(C.AvailabilityResponse, r.body);
    assert.deepEqual(r.body.days.map((d: { date: string }) => d.date), ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-06', '2027-03-07']);
    const mon = r.body.days[0].slots;
    assert.equal(mon[0].start, '2027-03-01T08:00:00.000Z'); // 09:00 in Berlin
    assert.equal(mon[0].end, '2027-03-01T09:00:00.000Z');
    assert.equal(mon.at(-1).start, '2027-03-01T15:00:00.000Z'); // 16:00, the last hour that fits before 17:00
    assert.deepEqual(r.body.days[5].slots, []);
  });

  it('answers the canonical zone for an alias', async () => {
    const s = await shop();
    const r = await ok(s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-01&timezone=Asia/Calcutta`, { auth: s.session, origin: SHOP }), 200);
    assert.equal(r.timezone, 'Asia/Kolkata');
  });

  it('leaves out a booked slot and slots held by someone else', async () => {
    const s = await shop(undefined, { staff: 1 });
    await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z') }), 201);
    await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T12:00:00Z' } }), 201);
    const r = await ok(s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-01&timezone=Europe/Berlin`, { auth: s.session, origin: SHOP }), 200);
    const starts = r.days[0].slots.map((x: { start: string }) => x.start.slice(11, 16));
    for (const gone of ['08:30', '09:00', '09:30', '11:30', '12:00', '12:30']) assert.ok(!starts.includes(gone), `${gone} should be taken`);
    assert.ok(starts.includes('08:00') && starts.includes('10:00') && starts.includes('11:00') && starts.includes('13:00'));
  });

  it('refuses from after to, ranges over 62 days, and unknown zones with 400 and the field', async () => {
    const s = await shop();
    const q = (qs: string) => s.h.req('GET', `/availability?service_id=${s.serviceId}&${qs}`, { auth: s.session, origin: SHOP });
    for (const [qs, field] of [
      ['from=2027-03-10&to=2027-03-01&timezone=UTC', 'to'],
      ['from=2027-03-01&to=2027-05-02&timezone=UTC', 'to'],
      ['from=2027-03-01&to=2027-03-02&timezone=Mars/Base', 'timezone'],
      ['from=2027-02-30&to=2027-03-02&timezone=UTC', 'from'],
      ['from=2027-03-01&timezone=UTC', 'to'],
    ] as const) {
      const r = await q(qs);
      expectError(r, 400, 'invalid_request');
      assert.ok(r.body.error.fields.some((f: { property: string }) => f.property === field), `${qs}: ${JSON.stringify(r.body)}`);
    }
  });

  it('accepts exactly 62 days', async () => {
    const s = await shop();
    const r = await ok(s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-05-01&timezone=UTC`, { auth: s.session, origin: SHOP }), 200);
    assert.equal(r.days.length, 62);
  });

  it('answers 404 for an unknown service', async () => {
    const s = await shop();
    expectError(await s.h.req('GET', '/availability?service_id=svc_nope&from=2027-03-01&to=2027-03-01&timezone=UTC', { auth: s.session, origin: SHOP }), 404, 'not_found');
  });
});

describe('holds', () => {
  it('holds a slot for 10 minutes and issues a guest token', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } });
    assert.equal(r.status, 201);
    parse(C.HoldResponse, r.body);
    assert.equal(Date.parse(r.body.hold.expires_at) - s.h.clock.now, 600_000);
    assert.match(r.headers.get('x-guest-token') ?? '', /^gt_/);
  });

  it('keeps one live hold per guest: a new hold releases the old one', async () => {
    const s = await shop(undefined, { staff: 1 });
    const first = await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } });
    const guest = first.headers.get('x-guest-token')!;
    const second = await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, headers: { 'X-Guest-Token': guest }, body: { service_id: s.serviceId, start: '2027-03-01T11:00:00Z' } });
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('x-guest-token'), guest);
    // Another guest can now hold the first slot.
    await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } }), 201);
  });

  it('answers 409 slot_taken when another guest holds the slot, until the hold expires', async () => {
    const s = await shop(undefined, { staff: 1 });
    await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } }), 201);
    expectError(await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } }), 409, 'slot_taken');
    s.h.clock.now += 10 * 60_000 + 1;
    await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } }), 201);
  });

  it('refuses a start off the slot grid with 409 slot_taken', async () => {
    const s = await shop();
    expectError(await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:07:00Z' } }), 409, 'slot_taken');
  });

  it('releases a hold for its own guest only', async () => {
    const s = await shop(undefined, { staff: 1 });
    const r = await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } });
    const guest = r.headers.get('x-guest-token')!;
    expectError(await s.h.req('DELETE', `/holds/${r.body.hold.id}`, { auth: s.session, origin: SHOP }), 404, 'not_found');
    const del = await s.h.req('DELETE', `/holds/${r.body.hold.id}`, { auth: s.session, origin: SHOP, headers: { 'X-Guest-Token': guest } });
    assert.equal(del.status, 204);
    await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z' } }), 201);
  });
});

describe('POST /bookings', () => {
  it('books a free slot and answers the booking with a manage token', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z', { notes: 'Short, please' }) });
    assert.equal(r.status, 201);
    parse(C.BookingCreated, r.body);
    assert.equal(r.body.booking.status, 'confirmed');
    assert.equal(r.body.booking.end, '2027-03-01T10:00:00.000Z');
    assert.equal(r.body.booking.notes, 'Short, please');
    assert.match(r.body.manage_token, /^mt_.{32}$/);
    assert.ok(s.staffIds.includes(r.body.booking.staff_id));
    // The widget's schema holds the status to the contract's two values.
    assert.equal(C.BookingCreated.safeParse({ ...r.body, booking: { ...r.body.booking, status: 'pending' } }).success, false);
    assert.equal(C.BookingCreated.safeParse({ ...r.body, booking: { ...r.body.booking, status: 'cancelled' } }).success, true);
  });

  it('books the held staff member when the booking names its hold', async () => {
    const s = await shop();
    const held = await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-01T09:00:00Z', staff_id: s.staffIds[1] } });
    const guest = held.headers.get('x-guest-token')!;
    const r = await ok(s.h.req('POST', '/bookings', {
      auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey(), 'X-Guest-Token': guest },
      body: booking(s.serviceId, '2027-03-01T09:00:00Z', { hold_id: held.body.hold.id }),
    }), 201);
    assert.equal(r.booking.staff_id, s.staffIds[1]);
    // The booking released the hold: staff 1 is now booked, not held twice.
    const left = await s.h.store.db.selectFrom('holds').selectAll().execute();
    assert.equal(left.length, 0);
  });

  it('spreads bookings without staff_id to the staff member with the fewest bookings that day', async () => {
    const s = await shop();
    const a = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z', { staff_id: s.staffIds[0] }) }), 201);
    const b = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T13:00:00Z') }), 201);
    assert.equal(a.booking.staff_id, s.staffIds[0]);
    assert.equal(b.booking.staff_id, s.staffIds[1]);
  });

  it('requires an Idempotency-Key', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, '2027-03-01T09:00:00Z') });
    expectError(r, 400, 'invalid_request');
    assert.equal(r.body.error.fields[0].property, 'Idempotency-Key');
  });

  it('maps an invalid email onto customer.email', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z', { customer: { name: 'Ada', email: 'not-an-email' } }) });
    expectError(r, 400, 'invalid_request');
    assert.deepEqual(r.body.error.fields, [{ property: 'customer.email', messages: ['Enter a valid email address'] }]);
  });
});

describe('GET /guest/bookings', () => {
  it("lists this guest's bookings, upcoming first, and no one else's", async () => {
    const s = await shop();
    const mine = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-02T09:00:00Z') });
    const guest = mine.headers.get('x-guest-token')!;
    await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey(), 'X-Guest-Token': guest }, body: booking(s.serviceId, '2027-03-01T09:00:00Z') }), 201);
    await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T12:00:00Z') }), 201);
    const r = await s.h.req('GET', '/guest/bookings', { auth: s.session, origin: SHOP, headers: { 'X-Guest-Token': guest } });
    assert.equal(r.status, 200);
    parse(C.BookingList, r.body);
    assert.deepEqual(r.body.data.map((b: { start: string }) => b.start), ['2027-03-01T09:00:00.000Z', '2027-03-02T09:00:00.000Z']);
  });
});

describe('catalog reads with the publishable key', () => {
  const month = (s: Shop) => `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-31&timezone=Europe/Berlin`;

  it('answers GET /services and GET /availability exactly as a session does', async () => {
    const s = await shop();
    for (const path of ['/services', month(s)]) {
      const byKey = await s.h.req('GET', path, { auth: s.pk, origin: SHOP });
      const bySession = await s.h.req('GET', path, { auth: s.session, origin: SHOP });
      assert.equal(byKey.status, 200, JSON.stringify(byKey.body));
      assert.deepEqual(byKey.body, bySession.body);
      assert.equal(byKey.headers.get('access-control-allow-origin'), SHOP);
    }
  });

  it('answers a catalog read that carries no Origin (a same-origin page\'s GET, or a server), with no CORS header', async () => {
    const s = await shop();
    const r = await s.h.req('GET', '/services', { auth: s.pk });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    await ok(s.h.req('GET', month(s), { auth: s.pk }), 200);
    // The exchange still wants the page's origin: a session is bound to one.
    expectError(await s.h.req('POST', '/session', { auth: s.pk }), 403, 'origin_not_allowed');
  });

  it('refuses a revoked publishable key on the very next read', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.pk, origin: SHOP }), 200);
    await ok(s.h.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    expectError(await s.h.req('GET', '/services', { auth: s.pk, origin: SHOP }), 401, 'key_revoked');
    expectError(await s.h.req('GET', month(s), { auth: s.pk, origin: SHOP }), 401, 'key_revoked');
  });

  it('limits catalog reads with the key per client IP (RATE_LIMIT_CATALOG_PER_MINUTE), apart from the session exchange', async () => {
    const s = await shop(await harness({ limits: { catalogPerMinute: 3 } }));
    for (let i = 0; i < 3; i++) {
      const r = await s.h.req('GET', '/services', { auth: s.pk, origin: SHOP, ip: '198.51.100.1' });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ratelimit-limit'), '3');
    }
    const refused = await s.h.req('GET', month(s), { auth: s.pk, origin: SHOP, ip: '198.51.100.1' });
    expectError(refused, 429, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    await ok(s.h.req('GET', '/services', { auth: s.pk, origin: SHOP, ip: '198.51.100.2' }), 200);
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip: '198.51.100.1' }), 201);
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP, ip: '198.51.100.1' }), 200);
  });

  it("hides another business's service from a key, as from a session", async () => {
    const s = await shop();
    const other = await shop(s.h);
    expectError(await s.h.req('GET', `/availability?service_id=${other.serviceId}&from=2027-03-01&to=2027-03-02&timezone=UTC`, { auth: s.pk, origin: SHOP }), 404, 'not_found');
  });
});
