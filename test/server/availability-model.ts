/**
 * The generated sequences of decision 010's tests: random writes (holds placed, released and
 * left to expire, bookings, reschedules, cancellations, hours and exceptions, service, staff and
 * business changes) and the passage of time (the injected clock, moved forward, sometimes to the
 * very millisecond an answer could change), interleaved with reads from several zones, with and
 * without a guest token, on one or more API instances sharing one database. Every answer served,
 * kept or not, must equal availabilityOf() computed afresh at that moment: the same JSON, byte
 * for byte, and a 304 only when the client's kept copy is that answer.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { availabilityOf } from '../../src/server/domain/availability.ts';
import { cacheOf } from '../../src/server/domain/availability-cache.ts';
import { ApiError } from '../../src/server/http/errors.ts';
import { SHOP, WEEKDAYS_9_TO_17, booking, idemKey, ok, shop, type Harness, type Res } from './helpers.ts';

const DAY = 86_400_000;
const HALF_HOUR = 1_800_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC', 'Pacific/Chatham', 'Australia/Lord_Howe'];

const HOURS = [
  WEEKDAYS_9_TO_17,
  { mon: [['08:00', '12:00'], ['13:00', '20:00']], tue: [['22:00', '02:00']], wed: [], thu: [['00:00', '24:00']], fri: [['06:30', '11:45']], sat: [['10:00', '14:00']], sun: [] },
  { mon: [], tue: [['09:00', '17:00'], ['12:00', '18:00']], wed: [['23:00', '07:00']], thu: [], fri: [['09:00', '17:00']], sat: [], sun: [['20:00', '04:00']] },
  { mon: [['01:00', '04:00']], tue: [['01:30', '03:30']], wed: [['00:00', '24:00']], thu: [['02:00', '03:00']], fri: [], sat: [['01:00', '05:00']], sun: [['01:00', '05:00']] },
];
const EXCEPTION_HOURS = [[], [['10:00', '12:00']], [['18:00', '23:30']]];

const instance = fc.nat(7);
/**
 * Where a hold or booking goes: mostly one of the times the last answer offered (of its service,
 * as the widget does), else half hours from the world's first midnight, mostly in working hours,
 * every fifth a quarter past (off a half-hour grid).
 */
const slot = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((offered) => ({ offered })) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 14, max: 40 })).map(([day, half]) => ({ half: day * 48 + half })) },
  { weight: 1, arbitrary: fc.integer({ min: -2, max: 16 * 48 }).map((half) => ({ half })) },
);
function startOf(w: World, at: { offered: number } | { half: number }): string {
  if ('offered' in at && w.offered.length) return w.offered[at.offered % w.offered.length];
  const i = 'half' in at ? at.half : at.offered % (16 * 48);
  return new Date(w.day0 + i * HALF_HOUR + (i % 5 === 0 ? 15 * 60_000 : 0)).toISOString();
}

/** The service (and staff member) a hold or booking asks for: those of the answer its time came from. */
function serviceOf(w: World, at: { offered: number } | { half: number }, service: number, staff: number | undefined) {
  return 'offered' in at && w.offered.length && w.last ? { service: w.last.service, staff: w.last.staff } : { service, staff };
}

/** What a read asks: mostly one of a few asks (as a page's visitors do, so answers get reused), sometimes any. */
const anyAsk = fc.record({ service: fc.nat(1), staff: fc.option(fc.nat(2), { nil: undefined }), from: fc.integer({ min: -2, max: 24 }), days: fc.integer({ min: 1, max: 40 }), zone: fc.constantFrom(...ZONES) });
const COMMON = [
  { service: 0, staff: undefined, from: 0, days: 31, zone: 'Europe/Berlin' },
  { service: 1, staff: undefined, from: 1, days: 7, zone: 'America/New_York' },
  { service: 0, staff: 2, from: -1, days: 14, zone: 'Pacific/Chatham' },
  { service: 1, staff: 0, from: 3, days: 30, zone: 'Asia/Kolkata' },
];
const ask = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...COMMON) }, { weight: 1, arbitrary: anyAsk });

const action = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('read' as const), on: instance, ask, guest: fc.option(fc.nat(3), { nil: undefined }), revalidate: fc.boolean() }).map(({ ask: q, ...r }) => ({ ...r, ...q })) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('reread' as const), on: instance, guest: fc.option(fc.nat(3), { nil: undefined }), revalidate: fc.boolean() }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('hold' as const), on: instance, service: fc.nat(1), staff: fc.option(fc.nat(2), { nil: undefined }), guest: fc.option(fc.nat(3), { nil: undefined }), start: slot }) },
  // A visitor's path: hold a time just shown, read again (as itself or not), let the hold run out
  // to the millisecond (or one either side), read again; what kept answers must follow exactly.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cycle' as const), on: instance, pick: fc.nat(), guest: fc.option(fc.nat(3), { nil: undefined }), asGuest: fc.boolean(), after: fc.constantFrom(-1, 0, 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), on: instance, guest: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('book' as const), on: instance, service: fc.nat(1), guest: fc.option(fc.nat(3), { nil: undefined }), start: slot }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const), on: instance, which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reschedule' as const), on: instance, which: fc.nat(), start: slot }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.oneof(fc.constantFrom(1, 60_000, 10 * 60_000, 10 * 60_000 + 1, HALF_HOUR, 3_600_000, DAY), fc.integer({ min: 1, max: 2 * DAY })) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('edge' as const), to: fc.constantFrom('notice', 'expiry', 'horizon'), after: fc.constantFrom(-1, 0, 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('schedule' as const), on: instance, staff: fc.nat(2), hours: fc.nat(HOURS.length - 1), exceptions: fc.array(fc.record({ day: fc.integer({ min: -1, max: 30 }), hours: fc.nat(EXCEPTION_HOURS.length - 1) }), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), on: instance, service: fc.nat(1), patch: fc.record({ duration_minutes: fc.constantFrom(30, 45, 60, 90), buffer_before_minutes: fc.constantFrom(0, 10), buffer_after_minutes: fc.constantFrom(0, 15), min_notice_minutes: fc.constantFrom(0, 45, 180), horizon_days: fc.constantFrom(2, 5, 60), slot_interval_minutes: fc.constantFrom(15, 30, 45), active: fc.constantFrom(true, true, true, false), staff: fc.subarray([0, 1, 2], { minLength: 1 }) }, { requiredKeys: [] }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('staff' as const), on: instance, staff: fc.nat(2), zone: fc.constantFrom(...ZONES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('business' as const), on: instance, url: fc.boolean() }) },
);
export type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;
export const actions = fc.array(action, { minLength: 5, maxLength: 45 });

interface World {
  instances: Harness[];
  /** UTC midnight of the clock's day when the world was made: dates and slots count from it. */
  day0: number;
  sk: string;
  pk: string;
  businessId: string;
  services: { id: string; notice: number; horizon: number }[];
  staffIds: string[];
  guests: string[];
  holds: Map<string, { id: string; service: number; start: string; expires: number }>;
  bookings: { id: string; token: string }[];
  /** Per URL and guest: what the client kept, by the ETag it came with. */
  kept: Map<string, { etag: string; text: string }>;
  seen: Map<string, string>;
  earliest: { service: number; start: number } | undefined;
  /** The starts the last answer offered. */
  offered: string[];
  last: Extract<Action, { kind: 'read' }> | undefined;
  counts: Record<string, number>;
}

/**
 * A salon with two services (one with buffers, notice and a short horizon) and three staff in two
 * zones; a business of its own on the instances' database, so sequences never see each other's.
 */
export async function world(instances: Harness[]): Promise<World> {
  const s = await shop(instances[0], { staff: 3 });
  await ok(s.h.req('PATCH', `/staff/${s.staffIds[2]}`, { auth: s.sk, body: { timezone: 'America/New_York' } }), 200);
  await ok(s.h.req('PUT', `/staff/${s.staffIds[2]}/schedule`, { auth: s.sk, body: { weekly: HOURS[1] } }), 200);
  const second = await ok(s.h.req('POST', '/services', {
    auth: s.sk,
    body: { name: 'Trim', duration_minutes: 30, slot_interval_minutes: 15, buffer_before_minutes: 10, buffer_after_minutes: 5, min_notice_minutes: 45, horizon_days: 3, staff_ids: [s.staffIds[0], s.staffIds[2]] },
  }), 201);
  return {
    instances, day0: Math.floor(instances[0].clock.now / DAY) * DAY, sk: s.sk, pk: s.pk, businessId: s.businessId,
    services: [{ id: s.serviceId, notice: 0, horizon: 60 }, { id: second.id, notice: 45, horizon: 3 }],
    staffIds: s.staffIds, guests: [], holds: new Map(), bookings: [], kept: new Map(), seen: new Map(), earliest: undefined, offered: [], last: undefined, counts: {},
  };
}

const count = (w: World, what: string) => (w.counts[what] = (w.counts[what] ?? 0) + 1);

async function session(w: World, h: Harness): Promise<string> {
  return (await ok(h.req('POST', '/session', { auth: w.pk, origin: SHOP }), 201)).session_token;
}

/** Runs one action on its instance; a read checks its answer against a fresh computation. */
export async function step(w: World, a: Action): Promise<void> {
  const h = 'on' in a ? w.instances[a.on % w.instances.length] : w.instances[0];
  const clock = w.instances[0].clock;
  switch (a.kind) {
    case 'read':
      w.last = a;
      return read(w, h, a);
    case 'reread':
      // The last ask again, from another instance or guest perhaps: what reuses a kept answer.
      return w.last && read(w, h, { ...w.last, on: a.on, guest: a.guest, revalidate: a.revalidate });
    case 'hold': {
      const guest = a.guest === undefined ? undefined : w.guests[a.guest];
      const asked = serviceOf(w, a.start, a.service, a.staff);
      const body = { service_id: w.services[asked.service].id, start: startOf(w, a.start), ...(asked.staff === undefined ? {} : { staff_id: w.staffIds[asked.staff] }) };
      const r = await h.req('POST', '/holds', { auth: await session(w, h), origin: SHOP, body, headers: guest ? { 'x-guest-token': guest } : {} });
      count(w, `hold ${r.status}`);
      if (r.status === 201) {
        const token = r.headers.get('x-guest-token')!;
        if (!w.guests.includes(token) && w.guests.length < 4) w.guests.push(token);
        w.holds.set(token, { id: r.body.hold.id, service: asked.service, start: r.body.hold.start, expires: Date.parse(r.body.hold.expires_at) });
      }
      return;
    }
    case 'cycle': {
      if (!w.last) return;
      const last = w.last;
      await read(w, h, last);
      if (!w.offered.length) return;
      await step(w, { kind: 'hold', on: a.on + 1, service: last.service, staff: last.staff, guest: a.guest, start: { offered: a.pick } });
      const held = [...w.holds.entries()].find(([, x]) => x.expires > clock.now && x.expires - clock.now >= 10 * 60_000);
      const guest = held && a.asGuest ? w.guests.indexOf(held[0]) : undefined;
      await read(w, h, { ...last, guest: guest === -1 ? undefined : guest, revalidate: true });
      if (held) clock.now = held[1].expires + a.after;
      await read(w, w.instances[(a.on + 1) % w.instances.length], { ...last, guest: guest === -1 ? undefined : guest, revalidate: true });
      await read(w, h, { ...last, guest: undefined, revalidate: true });
      w.last = last;
      count(w, 'cycle');
      return;
    }
    case 'release': {
      const guest = w.guests[a.guest];
      const hold = guest && w.holds.get(guest);
      if (!hold) return;
      const r = await h.req('DELETE', `/holds/${hold.id}`, { auth: await session(w, h), origin: SHOP, headers: { 'x-guest-token': guest } });
      count(w, `release ${r.status}`);
      w.holds.delete(guest);
      return;
    }
    case 'book': {
      const guest = a.guest === undefined ? undefined : w.guests[a.guest];
      const hold = guest ? w.holds.get(guest) : undefined;
      const live = hold && hold.expires > clock.now;
      const extra = live ? { hold_id: hold.id } : {};
      const r = await h.req('POST', '/bookings', {
        auth: await session(w, h), origin: SHOP, body: booking(w.services[live ? hold.service : serviceOf(w, a.start, a.service, undefined).service].id, live ? hold.start : startOf(w, a.start), extra),
        headers: { 'idempotency-key': idemKey(), ...(guest ? { 'x-guest-token': guest } : {}) },
      });
      count(w, `book ${r.status}`);
      if (r.status === 201) {
        w.bookings.push({ id: r.body.booking.id, token: r.body.manage_token });
        if (guest && live) w.holds.delete(guest);
      }
      return;
    }
    case 'cancel': {
      const b = w.bookings[a.which % Math.max(1, w.bookings.length)];
      if (!b) return;
      count(w, `cancel ${(await h.req('POST', `/bookings/${b.id}/cancel?token=${b.token}`, { body: {} })).status}`);
      return;
    }
    case 'reschedule': {
      const b = w.bookings[a.which % Math.max(1, w.bookings.length)];
      if (!b) return;
      count(w, `reschedule ${(await h.req('POST', `/bookings/${b.id}/reschedule?token=${b.token}`, { body: { start: startOf(w, a.start) } })).status}`);
      return;
    }
    case 'tick':
      clock.now += a.ms;
      return;
    case 'edge': {
      // To the millisecond an answer could change by time alone, or one either side of it.
      let at: number | undefined;
      if (a.to === 'expiry') at = Math.min(...[...w.holds.values()].map((x) => x.expires).filter((e) => e > clock.now));
      else if (w.earliest && a.to === 'notice') at = w.earliest.start - w.services[w.earliest.service].notice * 60_000;
      else if (w.earliest && a.to === 'horizon') at = w.earliest.start - w.services[w.earliest.service].horizon * DAY + HALF_HOUR;
      if (at !== undefined && Number.isFinite(at) && at + a.after > clock.now) {
        clock.now = at + a.after;
        count(w, `edge ${a.to}`);
      }
      return;
    }
    case 'schedule': {
      const exceptions = new Map(a.exceptions.map((e) => [new Date(w.day0 + e.day * DAY).toISOString().slice(0, 10), EXCEPTION_HOURS[e.hours]]));
      const body = { weekly: HOURS[a.hours], exceptions: [...exceptions].map(([date, intervals]) => ({ date, intervals })) };
      await ok(h.req('PUT', `/staff/${w.staffIds[a.staff]}/schedule`, { auth: w.sk, body }), 200);
      count(w, 'schedule');
      return;
    }
    case 'service': {
      const { staff, ...patch } = a.patch;
      const body = { ...patch, ...(staff ? { staff_ids: staff.map((i) => w.staffIds[i]) } : {}) };
      await ok(h.req('PATCH', `/services/${w.services[a.service].id}`, { auth: w.sk, body }), 200);
      if (patch.min_notice_minutes !== undefined) w.services[a.service].notice = patch.min_notice_minutes;
      if (patch.horizon_days !== undefined) w.services[a.service].horizon = patch.horizon_days;
      count(w, 'service');
      return;
    }
    case 'staff':
      await ok(h.req('PATCH', `/staff/${w.staffIds[a.staff]}`, { auth: w.sk, body: { timezone: a.zone } }), 200);
      count(w, 'staff');
      return;
    case 'business':
      await ok(h.req('PATCH', '/business', { auth: w.sk, body: { booking_page_url: a.url ? 'https://shop.example.com/book' : null } }), 200);
      count(w, 'business');
      return;
  }
}

async function read(w: World, h: Harness, a: Extract<Action, { kind: 'read' }>) {
  const clock = w.instances[0].clock;
  const from = new Date(w.day0 + a.from * DAY).toISOString().slice(0, 10);
  const to = new Date(w.day0 + (a.from + a.days - 1) * DAY).toISOString().slice(0, 10);
  const service = w.services[a.service];
  const staffId = a.staff === undefined ? undefined : w.staffIds[a.staff];
  const guest = a.guest === undefined ? undefined : a.guest === 3 ? 'gt_not_a_guest_of_ours' : w.guests[a.guest];
  const path = `/availability?service_id=${service.id}&from=${from}&to=${to}&timezone=${a.zone}${staffId ? `&staff_id=${staffId}` : ''}`;
  const mine = `${path} ${guest ?? ''}`;
  const kept = w.kept.get(mine);
  const headers: Record<string, string> = { ...(guest ? { 'x-guest-token': guest } : {}), ...(a.revalidate && kept ? { 'if-none-match': kept.etag } : {}) };
  const r: Res = await h.req('GET', path, { auth: w.pk, origin: SHOP, headers });

  let fresh: unknown;
  try {
    fresh = await availabilityOf(h.store.db, { businessId: w.businessId, mode: 'test' }, { service_id: service.id, staff_id: staffId, from, to, timezone: a.zone }, guest, clock.now);
  } catch (err) {
    assert.ok(err instanceof ApiError && err.code === 'not_found', String(err));
    assert.equal(r.status, 404, `${path}: ${JSON.stringify(r.body)}`);
    count(w, 'read 404');
    return;
  }
  const expected = JSON.stringify(fresh);
  const etag = r.headers.get('etag')!;
  let text: string;
  if (r.status === 304) {
    assert.ok(kept, 'a 304 only to a request that named a tag');
    assert.equal(etag, kept.etag);
    text = kept.text;
    count(w, 'read 304');
  } else {
    assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    text = JSON.stringify(r.body);
    count(w, 'read 200');
  }
  assert.equal(text, expected, `${path} guest ${guest ?? '-'} at ${new Date(clock.now).toISOString()} (${r.status})`);
  // One tag, one answer: a tag seen before for this URL and guest stands for the same bytes.
  const before = w.seen.get(`${mine} ${etag}`);
  if (before !== undefined) assert.equal(before, text, `ETag ${etag} reused for another answer`);
  w.seen.set(`${mine} ${etag}`, text);
  w.kept.set(mine, { etag, text });
  const offered = (fresh as { days: { slots: { start: string }[] }[] }).days.flatMap((d) => d.slots.map((x) => x.start));
  if (offered.length) w.earliest = { service: a.service, start: Date.parse(offered[0]) };
  w.offered = offered;
}

/**
 * Runs generated sequences on the instances, each in a world of its own (a new business; the
 * clock goes on from where the last left it), and reports what they met.
 */
export async function property(name: string, instances: Harness[], runs: number) {
  const totals: Record<string, number> = {};
  await fc.assert(fc.asyncProperty(actions, async (list) => {
    const w = await world(instances);
    for (const a of list) await step(w, a);
    // A last read of every instance at the end, so each sequence checks the state it left.
    for (let on = 0; on < instances.length; on++) await step(w, { kind: 'read', on, service: 0, staff: undefined, from: 0, days: 31, zone: 'Europe/Berlin', guest: undefined, revalidate: true });
    for (const [k, n] of Object.entries(w.counts)) totals[k] = (totals[k] ?? 0) + n;
  }), { numRuns: runs, includeErrorInReport: true });
  const hits = instances.reduce((n, h) => n + cacheOf(h.store).stats.hits, 0);
  const misses = instances.reduce((n, h) => n + cacheOf(h.store).stats.misses, 0);
  console.log(`${name}: ${runs} sequences; ${Object.entries(totals).sort().map(([k, n]) => `${k} ×${n}`).join(', ')}; cache ${hits} hits, ${misses} misses`);
  assert.ok(hits > 0 && misses > 0, 'the sequences reused answers and computed new ones');
}
