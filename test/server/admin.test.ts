import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as C from '../../src/contract/index.ts';
import { SHOP, booking, expectError, idemKey, ok, shop } from './helpers.ts';

describe('admin: services', () => {
  it('creates with defaults, reads, changes and deletes a service', async () => {
    const s = await shop();
    const created = await ok(s.h.req('POST', '/services', { auth: s.sk, body: { name: 'Beard trim', duration_minutes: 20 } }), 201);
    assert.ok(C.AdminService.safeParse(created).success);
    assert.deepEqual(
      [created.buffer_before_minutes, created.buffer_after_minutes, created.min_notice_minutes, created.horizon_days, created.slot_interval_minutes, created.active, created.price, created.description],
      [0, 0, 0, 60, 30, true, null, ''],
    );
    const changed = await ok(s.h.req('PATCH', `/services/${created.id}`, { auth: s.sk, body: { price: { amount_minor: 1500, currency: 'EUR' }, staff_ids: [s.staffIds[0]] } }), 200);
    assert.deepEqual(changed.price, { amount_minor: 1500, currency: 'EUR' });
    assert.deepEqual(changed.staff_ids, [s.staffIds[0]]);
    assert.equal((await s.h.req('DELETE', `/services/${created.id}`, { auth: s.sk })).status, 204);
    expectError(await s.h.req('GET', `/services/${created.id}`, { auth: s.sk }), 404, 'not_found');
  });

  it('refuses unknown staff ids and a negative duration', async () => {
    const s = await shop();
    const r = await s.h.req('POST', '/services', { auth: s.sk, body: { name: 'x', duration_minutes: 30, staff_ids: ['stf_nope'] } });
    expectError(r, 400, 'invalid_request');
    assert.equal(r.body.error.fields[0].property, 'staff_ids');
    const neg = await s.h.req('POST', '/services', { auth: s.sk, body: { name: 'x', duration_minutes: -30 } });
    expectError(neg, 400, 'invalid_request');
    assert.equal(neg.body.error.fields[0].property, 'duration_minutes');
  });
});

describe('admin: staff and schedules', () => {
  it('creates staff in the business zone unless told, and canonicalises aliases', async () => {
    const s = await shop();
    const a = await ok(s.h.req('POST', '/staff', { auth: s.sk, body: { name: 'Kim' } }), 201);
    assert.equal(a.timezone, 'Europe/Berlin');
    assert.ok(C.AdminStaff.safeParse(a).success);
    const b = await ok(s.h.req('POST', '/staff', { auth: s.sk, body: { name: 'Ravi', timezone: 'Asia/Calcutta' } }), 201);
    assert.equal(b.timezone, 'Asia/Kolkata');
    expectError(await s.h.req('POST', '/staff', { auth: s.sk, body: { name: 'X', timezone: 'Nowhere/Land' } }), 400, 'invalid_request');
  });

  it('stores a weekly schedule with exceptions, and a day-off exception removes the hours of that date', async () => {
    const s = await shop(undefined, { staff: 1 });
    const week = { mon: [['09:00', '12:00'], ['13:00', '24:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [['22:00', '06:00']] };
    const r = await ok(s.h.req('PUT', `/staff/${s.staffIds[0]}/schedule`, { auth: s.sk, body: { weekly: week, exceptions: [{ date: '2027-03-08', intervals: [] }] } }), 200);
    assert.deepEqual(r.schedule.weekly, week);
    const avail = await ok(s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-08&to=2027-03-08&timezone=Europe/Berlin`, { auth: s.session, origin: SHOP }), 200);
    // Monday's own hours are gone; only Sunday night's shift, which runs on until 06:00, remains.
    const slots = avail.days[0].slots as { start: string; end: string }[];
    assert.ok(slots.length > 0);
    assert.ok(slots.every((x) => x.end <= '2027-03-08T05:00:00.000Z'), JSON.stringify(slots.at(-1)));
    const usual = await ok(s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-01&timezone=Europe/Berlin`, { auth: s.session, origin: SHOP }), 200);
    assert.ok(usual.days[0].slots.some((x: { start: string }) => x.start === '2027-03-01T08:00:00.000Z'), 'an ordinary Monday opens at 09:00');
  });

  it('refuses malformed schedules with the exact field', async () => {
    const s = await shop(undefined, { staff: 1 });
    const base = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    for (const [weekly, field] of [
      [{ ...base, mon: [['9:00', '12:00']] }, 'weekly.mon.0.0'],
      [{ ...base, mon: [['09:00', '25:00']] }, 'weekly.mon.0.1'],
      [{ ...base, mon: [['24:00', '12:00']] }, 'weekly.mon.0.0'],
      [{ ...base, mon: [['10:00', '10:00']] }, 'weekly.mon.0'],
      [{ ...base, funday: [] }, 'weekly.funday'],
      [{ mon: [] }, 'weekly.tue'],
    ] as const) {
      const r = await s.h.req('PUT', `/staff/${s.staffIds[0]}/schedule`, { auth: s.sk, body: { weekly } });
      expectError(r, 400, 'invalid_request');
      assert.ok(r.body.error.fields.some((f: { property: string }) => f.property === field), `${field}: ${JSON.stringify(r.body)}`);
    }
  });

  it('removes a deleted staff member from services and availability', async () => {
    const s = await shop(undefined, { staff: 1 });
    assert.equal((await s.h.req('DELETE', `/staff/${s.staffIds[0]}`, { auth: s.sk })).status, 204);
    const svc = await ok(s.h.req('GET', `/services/${s.serviceId}`, { auth: s.sk }), 200);
    assert.deepEqual(svc.staff_ids, []);
    expectError(await s.h.req('GET', `/staff/${s.staffIds[0]}`, { auth: s.sk }), 404, 'not_found');
  });
});

describe('admin: bookings list', () => {
  it('lists the business bookings filtered by business-local dates and status', async () => {
    const s = await shop();
    const mk = (start: string) => ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, start) }), 201);
    await mk('2027-03-01T09:00:00Z');
    const b = await mk('2027-03-02T09:00:00Z');
    await mk('2027-03-03T09:00:00Z');
    await ok(s.h.req('POST', `/bookings/${b.booking.id}/cancel?token=${b.manage_token}`), 200);
    const all = await ok(s.h.req('GET', '/bookings', { auth: s.sk }), 200);
    assert.equal(all.data.length, 3);
    const range = await ok(s.h.req('GET', '/bookings?from=2027-03-02&to=2027-03-03&status=confirmed', { auth: s.sk }), 200);
    assert.deepEqual(range.data.map((x: { start: string }) => x.start), ['2027-03-03T09:00:00.000Z']);
  });
});
