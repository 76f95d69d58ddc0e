// Decision 010: availability answers are kept while nothing that could change them has changed.
// Generated sequences of writes, time and reads check that every answer served, kept or not,
// equals a fresh computation, on one instance and on two sharing one database (two pools on
// PostgreSQL, two connections to one file on SQLite). Then the pieces: the engine's fast path
// and its validity deadline against availability(), the cache's memory bound, and writes made
// outside the API (as the CLI makes them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { availability, freeStarts, type AvailabilityQuery, type Busy, type WallInterval } from '../../src/server/scheduling/index.ts';
import { AvailabilityCache, availabilityAnswer, cacheOf } from '../../src/server/domain/availability-cache.ts';
import { availabilityOf } from '../../src/server/domain/availability.ts';
import { SHOP, harness, ok, shop, sibling } from './helpers.ts';
import { property } from './availability-model.ts';

const RUNS = Number(process.env.AVAILABILITY_RUNS ?? 40);

describe('kept availability answers equal fresh ones (generated sequences)', () => {
  it('on one instance', async () => {
    await property('one instance', [await harness()], RUNS);
  });

  it('on two instances on one database, each writing and reading', async () => {
    const a = await harness();
    await property('two instances', [a, await sibling(a)], RUNS);
  });
});

const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
const DAY = 86_400_000;
const BASE = Date.UTC(2027, 2, 10); // the runs cross the March DST changes of both hemispheres' zones

const wall = fc.tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 1, max: 48 })).map(([a, b]): WallInterval => {
  const t = (h: number) => (h === 48 ? '24:00' : `${String(Math.floor(h / 2)).padStart(2, '0')}:${h % 2 ? '30' : '00'}`);
  return [t(a), t(a === b ? (b % 48) + 1 : b)];
});
const week = fc.array(wall, { maxLength: 3 });
const engineQuery = fc.record({
  staff: fc.array(fc.record({
    timezone: fc.constantFrom(...ZONES),
    weekly: fc.record({ mon: week, tue: week, wed: week, thu: week, fri: week, sat: week, sun: week }),
    exceptions: fc.array(fc.record({ date: fc.integer({ min: 0, max: 30 }).map((d) => new Date(BASE + d * DAY).toISOString().slice(0, 10)), intervals: week }), { maxLength: 2 }),
  }), { minLength: 1, maxLength: 4 }),
  busy: fc.array(fc.record({ staff: fc.nat(3), start: fc.integer({ min: -2 * 96, max: 40 * 96 }), length: fc.integer({ min: 1, max: 12 }) }), { maxLength: 40 }),
  service: fc.record({
    durationMinutes: fc.constantFrom(15, 30, 45, 60, 90), bufferBeforeMinutes: fc.constantFrom(0, 10, 30), bufferAfterMinutes: fc.constantFrom(0, 5, 60),
    minNoticeMinutes: fc.constantFrom(0, 30, 120, 1440), horizonDays: fc.constantFrom(1, 3, 10, 60), slotIntervalMinutes: fc.constantFrom(10, 15, 30, 45, 60),
  }),
  now: fc.integer({ min: -3 * 96, max: 20 * 96 }).map((q) => BASE + q * 15 * 60_000 + (q % 7 === 0 ? 1 : 0)),
  from: fc.integer({ min: 0, max: 25 }),
  days: fc.integer({ min: 1, max: 20 }),
  timezone: fc.constantFrom(...ZONES),
  later: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
}).map((g) => {
  const staff = g.staff.map((s, i) => ({ id: `s${i}`, ...s }));
  const busy: Busy[] = g.busy.map((b) => ({ staffId: `s${b.staff % staff.length}`, start: BASE + b.start * 15 * 60_000, end: BASE + (b.start + b.length) * 15 * 60_000 }));
  const date = (d: number) => new Date(BASE + d * DAY).toISOString().slice(0, 10);
  const q: AvailabilityQuery = { service: g.service, staff, busy, from: date(g.from), to: date(g.from + g.days - 1), timezone: g.timezone, now: g.now };
  return { q, later: g.later };
});

/** availability()'s starts, per date: what the API answers. */
const startsOf = (q: AvailabilityQuery) => availability(q).map((d) => ({ date: d.date, starts: d.slots.map((s) => s.start) }));
const fastStartsOf = (q: AvailabilityQuery) => {
  const f = freeStarts(q);
  return { days: f.dates.map((date, i) => ({ date, starts: [...f.starts.subarray(i ? f.dayEnds[i - 1] : 0, f.dayEnds[i])] })), validUntil: f.validUntil };
};

describe('the engine behind kept answers', () => {
  it('freeStarts() offers exactly availability()\'s starts, and the same until validUntil', () => {
    let bounded = 0;
    fc.assert(fc.property(engineQuery, ({ q, later }) => {
      const fast = fastStartsOf(q);
      assert.deepEqual(fast.days, startsOf(q));
      assert.ok(fast.validUntil > q.now, 'valid now');
      // Time alone changes nothing before validUntil: at its last millisecond, and at points between.
      const end = Number.isFinite(fast.validUntil) ? fast.validUntil : q.now + 800 * DAY;
      if (Number.isFinite(fast.validUntil)) bounded++;
      for (const t of [end - 1, ...later.map((x) => q.now + Math.floor(x * (end - 1 - q.now)))]) {
        assert.deepEqual(startsOf({ ...q, now: t }), fast.days, `at ${t} (valid until ${fast.validUntil})`);
      }
    }), { numRuns: Number(process.env.ENGINE_RUNS ?? 1500), includeErrorInReport: true });
    assert.ok(bounded > 100, `validUntil was finite in ${bounded} runs`);
  });

  it('a validUntil is tight where time changes the answer: one millisecond later it differs', () => {
    let changed = 0;
    fc.assert(fc.property(engineQuery, ({ q }) => {
      const fast = fastStartsOf(q);
      if (!Number.isFinite(fast.validUntil)) return;
      if (JSON.stringify(startsOf({ ...q, now: fast.validUntil })) !== JSON.stringify(fast.days)) changed++;
    }), { numRuns: 300, includeErrorInReport: true });
    // Not every deadline changes the answer (a start past the horizon may be busy by then), but most do.
    assert.ok(changed > 50, `${changed} deadlines changed the answer`);
  });
});

describe('the cache', () => {
  it('keeps its answers under its byte bound, dropping the least recently used', async () => {
    const s = await shop();
    const cache = new AvailabilityCache({ maxBytes: 40_000 });
    const p = { businessId: s.businessId, mode: 'test' as const };
    const ask = (day: number) => ({ service_id: s.serviceId, from: `2027-03-${String(day).padStart(2, '0')}`, to: '2027-03-31', timezone: 'Europe/Berlin' });
    for (let day = 1; day <= 28; day++) {
      const a = await availabilityAnswer(s.h.deps, p, ask(day), undefined, cache);
      cache.gzipped(a);
      assert.ok(cache.size.bytes <= 40_000, `${cache.size.bytes} bytes kept`);
    }
    assert.ok(cache.stats.evictions > 0);
    assert.ok(cache.size.answers < 28);
    // The most recent is kept, the first went first.
    const hits = cache.stats.hits;
    await availabilityAnswer(s.h.deps, p, ask(28), undefined, cache);
    assert.equal(cache.stats.hits, hits + 1);
    await availabilityAnswer(s.h.deps, p, ask(1), undefined, cache);
    assert.equal(cache.stats.hits, hits + 1);
  });

  it('sees writes made on the database without the API (the CLI, another process) at once', async () => {
    const s = await shop();
    const path = `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-07&timezone=Europe/Berlin`;
    const before = await ok(s.h.req('GET', path, { auth: s.pk, origin: SHOP }), 200);
    assert.ok(before.days[1].slots.length > 0);
    const closed = JSON.stringify({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });
    await s.h.store.db.updateTable('staff').set({ weekly: closed }).where('business_id', '=', s.businessId).execute();
    const after = await ok(s.h.req('GET', path, { auth: s.pk, origin: SHOP }), 200);
    assert.deepEqual(after.days.flatMap((d: { slots: unknown[] }) => d.slots), []);
    assert.deepEqual(after, await availabilityOf(s.h.store.db, { businessId: s.businessId, mode: 'test' }, { service_id: s.serviceId, from: '2027-03-01', to: '2027-03-07', timezone: 'Europe/Berlin' }, undefined, s.h.clock.now));
  });

  it('computes once for readers arriving together after a write', async () => {
    const s = await shop();
    const path = `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-31&timezone=Europe/Berlin`;
    await ok(s.h.req('GET', path, { auth: s.pk, origin: SHOP }), 200);
    await ok(s.h.req('PUT', `/staff/${s.staffIds[0]}/schedule`, { auth: s.sk, body: { weekly: { mon: [['10:00', '12:00']], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } } }), 200);
    const stats = { ...cacheOf(s.h.store).stats };
    const answers = await Promise.all(Array.from({ length: 10 }, () => s.h.req('GET', path, { auth: s.pk, origin: SHOP })));
    const fresh = await availabilityOf(s.h.store.db, { businessId: s.businessId, mode: 'test' }, { service_id: s.serviceId, from: '2027-03-01', to: '2027-03-31', timezone: 'Europe/Berlin' }, undefined, s.h.clock.now);
    for (const r of answers) assert.deepEqual(r.body, fresh);
    const after = cacheOf(s.h.store).stats;
    assert.equal(after.misses - stats.misses, 1, 'one computation');
    assert.equal(after.shared - stats.shared + after.hits - stats.hits, 9, 'the others shared it or found it kept');
  });

  it('keeps one answer per business: a write of another business reuses this one', async () => {
    const h = await harness();
    const s = await shop(h);
    const other = await shop(h);
    const path = `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-31&timezone=Europe/Berlin`;
    const first = await s.h.req('GET', path, { auth: s.pk, origin: SHOP });
    await ok(h.req('PUT', `/staff/${other.staffIds[0]}/schedule`, { auth: other.sk, body: { weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } } }), 200);
    const hits = cacheOf(h.store).stats.hits;
    const again = await s.h.req('GET', path, { auth: s.pk, origin: SHOP, headers: { 'if-none-match': first.headers.get('etag')! } });
    assert.equal(again.status, 304);
    assert.equal(cacheOf(h.store).stats.hits, hits + 1);
  });
});
