// Generated input, thrown at every route of the real app and database: requests derived from the
// contract's schemas, valid and broken. Every answer is a success the response schema accepts or a
// 4xx envelope whose code travels with its status; never a 500. Afterwards the database still keeps
// its promises: no two confirmed bookings of one staff member overlap.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type * as z from 'zod/mini';
import {
  AdminService, AdminStaff, ApiKeyCreate, ApiKeyCreated, AvailabilityQuery, AvailabilityResponse, BookingCreated, BookingRequest,
  BookingResponse, CancelRequest, ERROR_STATUS, ErrorBody, HoldRequest, HoldResponse, RescheduleRequest, Schedule, ServiceCreate,
  ServicePatch, StaffCreate, BusinessPatch, BusinessSettings, WebhookCreate, WebhookCreated,
} from '../../src/contract/index.ts';
import { SHOP, T0, booking, idemKey, ok, shop, type Res, type Shop } from './helpers.ts';
import { invalid, valid, type Pools } from './arbitrary.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const QUARTER = 15 * 60_000;

function pools(s: Shop): Pools {
  const start = fc.integer({ min: -8, max: 14 * 96 }).map((i) => new Date(T0 + i * QUARTER).toISOString());
  const date = fc.integer({ min: -2, max: 30 }).map((i) => new Date(T0 + i * 86_400_000).toISOString().slice(0, 10));
  return {
    service_id: fc.constant(s.serviceId),
    staff_id: fc.constantFrom(...s.staffIds),
    staff_ids: fc.subarray(s.staffIds),
    start, from: date, to: date,
    timezone: fc.constantFrom('Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'US/Eastern'),
    email: fc.constantFrom('ada@example.com', 'grace@example.org'),
    weekly: fc.constant({ mon: [['09:00', '12:00'], ['13:00', '18:00']], tue: [['08:00', '16:00']], wed: [], thu: [['10:00', '24:00']], fri: [['09:00', '17:00']], sat: [], sun: [] }),
    exceptions: fc.constant([]),
    // Attribution as a page sends it (generated records rarely meet the key pattern).
    metadata: fc.constantFrom({ utm_source: 'newsletter' }, { utm_campaign: 'spring', ref: 'flyer' }),
  };
}

/** The one property: a schema-valid success or a well-formed 4xx, never a 5xx. */
function holds(r: Res, success: z.core.$ZodType | null, what: string) {
  assert.ok(r.status < 500, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  if (r.status < 300) {
    if (success) {
      const parsed = (success as z.ZodMiniType).safeParse(r.body);
      assert.ok(parsed.success, `${what}: ${r.status} answer does not match its schema: ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    return;
  }
  const err = ErrorBody.safeParse(r.body);
  assert.ok(err.success, `${what}: ${r.status} without the error envelope: ${JSON.stringify(r.body).slice(0, 300)}`);
  const code = err.data.error.code as keyof typeof ERROR_STATUS;
  assert.equal(ERROR_STATUS[code], r.status, `${what}: code ${code} with status ${r.status}`);
}

async function fuzz(name: string, schema: z.core.$ZodType, p: Pools, send: (value: unknown) => Promise<Res>, success: z.core.$ZodType | null) {
  const arb = fc.oneof(valid(schema, p), invalid(schema, p));
  const seen = new Map<string, number>();
  await fc.assert(fc.asyncProperty(arb, async (value) => {
    const r = await send(value);
    const key = `${r.status} ${r.body?.error?.code ?? ''}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    holds(r, success, `${name} ${JSON.stringify(value)?.slice(0, 200)}`);
  }), { numRuns: RUNS });
  // What the generated requests met, for a reader of the test log: successes and refusals alike.
  console.log(`fuzz ${name}: ${[...seen].sort().map(([k, n]) => `${k.trim()} ×${n}`).join(', ')}`);
}

/** No two confirmed bookings of one staff member share an instant (with their buffers). */
async function noOverlaps(s: Shop) {
  const rows = await s.h.store.db.selectFrom('bookings').select(['staff_id', 'block_start_ms', 'block_end_ms']).where('status', '=', 'confirmed').execute();
  const byStaff = new Map<string, typeof rows>();
  for (const r of rows) byStaff.set(r.staff_id, [...(byStaff.get(r.staff_id) ?? []), r]);
  for (const list of byStaff.values()) {
    list.sort((a, b) => a.block_start_ms - b.block_start_ms);
    for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].block_end_ms <= list[i].block_start_ms, 'overlapping bookings');
  }
  return rows.length;
}

describe('generated requests against every route', () => {
  it('widget routes: holds, bookings, availability', async () => {
    const s = await shop(undefined, { staff: 3 });
    const p = pools(s);
    const auth = { auth: s.session, origin: SHOP };
    const sameKey = idemKey();
    await fuzz('POST /holds', HoldRequest, p, (body) => s.h.req('POST', '/holds', { ...auth, body }), HoldResponse);
    // Booking with `create_account` (sign-up in the same step) is the accounts suite's: this shop has
    // accounts off, so every such body would be a 403 and crowd out the bookings this sweep makes.
    const guestBooking = (body: unknown) => {
      if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
      const { create_account: _, ...rest } = body as Record<string, unknown>;
      return rest;
    };
    await fuzz('POST /bookings', BookingRequest, p, (body) => s.h.req('POST', '/bookings', {
      ...auth, body: guestBooking(body), headers: { 'idempotency-key': Math.random() < 0.2 ? sameKey : idemKey() },
    }), BookingCreated);
    await fuzz('GET /availability', AvailabilityQuery, p, (q) => {
      // A query carries strings only: anything else goes as its JSON (String() throws on objects such as { toString: 0 }).
      const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '');
      const query = q && typeof q === 'object' ? new URLSearchParams(Object.entries(q).map(([k, v]) => [k, text(v)])) : text(q);
      return s.h.req('GET', `/availability?${query}`, auth);
    }, AvailabilityResponse);
    const booked = await noOverlaps(s);
    assert.ok(booked > 0, 'some generated bookings succeeded');
  });

  it('manage routes: reschedule and cancel by token', async () => {
    const s = await shop(undefined, { staff: 2 });
    const p = pools(s);
    const created = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(s.serviceId, '2027-03-02T09:00:00+01:00') }), 201);
    const path = (action: string) => `/bookings/${created.booking.id}/${action}?token=${encodeURIComponent(created.manage_token)}`;
    await fuzz('POST reschedule', RescheduleRequest, p, (body) => s.h.req('POST', path('reschedule'), { body }), BookingResponse);
    await fuzz('POST cancel', CancelRequest, p, (body) => s.h.req('POST', path('cancel'), { body }), BookingResponse);
    await noOverlaps(s);
  });

  it('admin routes: services, staff, schedules, keys, business settings, webhooks', async () => {
    const s = await shop(undefined, { staff: 2 });
    const p = pools(s);
    const auth = { auth: s.sk };
    await fuzz('POST /services', ServiceCreate, p, (body) => s.h.req('POST', '/services', { ...auth, body }), AdminService);
    await fuzz('PATCH /services/:id', ServicePatch, p, (body) => s.h.req('PATCH', `/services/${s.serviceId}`, { ...auth, body }), AdminService);
    await fuzz('POST /staff', StaffCreate, p, (body) => s.h.req('POST', '/staff', { ...auth, body }), AdminStaff);
    await fuzz('PUT /staff/:id/schedule', Schedule, p, (body) => s.h.req('PUT', `/staff/${s.staffIds[0]}/schedule`, { ...auth, body }), null);
    await fuzz('POST /api-keys', ApiKeyCreate, p, (body) => s.h.req('POST', '/api-keys', { ...auth, body }), ApiKeyCreated);
    await fuzz('PATCH /business', BusinessPatch, p, (body) => s.h.req('PATCH', '/business', { ...auth, body }), BusinessSettings);
    await fuzz('POST /webhooks', WebhookCreate, p, (body) => s.h.req('POST', '/webhooks', { ...auth, body }), WebhookCreated);
  });

  it('bodies that are not JSON at all', async () => {
    const s = await shop();
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), fc.constantFrom('/holds', '/bookings', '/services'), async (raw, route) => {
      const r = await s.h.req('POST', route, { auth: route === '/services' ? s.sk : s.session, origin: route === '/services' ? undefined : SHOP, rawBody: raw, headers: { 'content-type': 'application/json', 'idempotency-key': idemKey() } });
      holds(r, null, `${route} raw ${JSON.stringify(raw)}`);
    }), { numRuns: RUNS });
  });
});
