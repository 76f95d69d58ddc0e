import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sql } from 'kysely';
import { openPostgres, turns } from '../../../src/server/store/postgres.ts';
import type { Store } from '../../../src/server/store/db.ts';
import { ApiError } from '../../../src/server/http/errors.ts';
import type { BookingRow, HoldRow } from '../../../src/server/store/schema.ts';
import { createBusiness } from '../../../src/server/setup.ts';
import { freshPostgres, type TestDatabase } from '../database.ts';
import { BIN } from '../process.ts';

// These run only in `npm run test:server:pg`, always against a real PostgreSQL: they test what
// only PostgreSQL has (the exclusion constraints, the driver, the start-up failure).

const H = 3600_000;
const T = Date.parse('2027-03-01T10:00:00Z');

describe('PostgreSQL store: overlapping calendar rows are impossible in the database itself', () => {
  let database: TestDatabase;
  let store: Store;
  let staffId: string;
  let otherStaffId: string;
  let serviceId: string;
  let guestId: string;
  let businessId: string;
  let n = 0;

  before(async () => {
    database = await freshPostgres();
    store = await openPostgres(database.url!);
    ({ business: { id: businessId } } = await createBusiness(store, { name: 'Constraint Co', timezone: 'UTC', mode: 'test' }));
    const staff = (id: string) => ({ id, business_id: businessId, mode: 'test' as const, name: id, email: null, timezone: 'UTC', weekly: '{}', exceptions: '[]', created_at: 0, deleted_at: null });
    staffId = 'stf_a';
    otherStaffId = 'stf_b';
    await store.db.insertInto('staff').values([staff(staffId), staff(otherStaffId)]).execute();
    serviceId = 'svc_a';
    await store.db.insertInto('services').values({
      id: serviceId, business_id: businessId, mode: 'test', name: 'Cut', description: '', duration_minutes: 60, price_amount_minor: null, price_currency: null,
      buffer_before_minutes: 0, buffer_after_minutes: 0, min_notice_minutes: 0, horizon_days: 60, slot_interval_minutes: 30, active: 1, created_at: 0, deleted_at: null,
    }).execute();
    guestId = 'gst_a';
    await store.db.insertInto('guests').values({ id: guestId, business_id: businessId, mode: 'test', token_hash: 'h', created_at: 0 }).execute();
  });
  after(async () => {
    await store?.close();
    await database?.drop();
  });

  const bookingRow = (start: number, end: number, extra: Partial<BookingRow> = {}): BookingRow => ({
    id: `bk_${++n}`, business_id: businessId, mode: 'test', service_id: serviceId, staff_id: staffId, guest_id: null, status: 'confirmed',
    start_ms: start, end_ms: end, block_start_ms: start, block_end_ms: end, timezone: 'UTC', customer_name: 'A', customer_email: 'a@example.com',
    customer_phone: null, notes: '', manage_token_hash: `m${n}`, created_at: 0, cancelled_at: null, cancel_reason: null, locale: null, ics_sequence: 0, metadata: null, ...extra,
  });
  const holdRow = (start: number, end: number, extra: Partial<HoldRow> = {}): HoldRow => ({
    id: `hld_${++n}`, business_id: businessId, mode: 'test', guest_id: guestId, service_id: serviceId, staff_id: staffId,
    start_ms: start, end_ms: end, block_start_ms: start, block_end_ms: end, expires_ms: T + 10 * H, created_at: 0, session_id: null, client_net: null, ...extra,
  });
  const insertBooking = (row: BookingRow) => store.db.insertInto('bookings').values(row).execute();
  const sqlstate = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      return (err as { code?: string }).code ?? String(err);
    }
  };

  it('refuses an overlapping but different interval for one staff member with SQLSTATE 23P01, even bypassing the app', async () => {
    await insertBooking(bookingRow(T, T + H));
    // 10:00-11:00 taken; 10:30-11:30 overlaps by half: no equal-key trick would catch it.
    assert.equal(await sqlstate(insertBooking(bookingRow(T + H / 2, T + 1.5 * H))), '23P01');
    assert.equal(await sqlstate(insertBooking(bookingRow(T - H / 2, T + H / 2))), '23P01');
    assert.equal(await sqlstate(insertBooking(bookingRow(T + 10 * 60_000, T + 20 * 60_000))), '23P01', 'inside');
  });

  it('accepts back-to-back intervals (half-open ranges) and the same time for another staff member', async () => {
    assert.equal(await sqlstate(insertBooking(bookingRow(T + H, T + 2 * H))), 'ok');
    assert.equal(await sqlstate(insertBooking(bookingRow(T - H, T))), 'ok');
    assert.equal(await sqlstate(insertBooking(bookingRow(T, T + H, { staff_id: otherStaffId }))), 'ok');
  });

  it('frees a cancelled booking\'s time, and refuses to un-cancel it onto a taken time', async () => {
    const first = bookingRow(T + 5 * H, T + 6 * H);
    await insertBooking(first);
    await store.db.updateTable('bookings').set({ status: 'cancelled', cancelled_at: 1 }).where('id', '=', first.id).execute();
    assert.equal(await sqlstate(insertBooking(bookingRow(T + 5 * H, T + 6 * H))), 'ok');
    assert.equal(await sqlstate(store.db.updateTable('bookings').set({ status: 'confirmed' }).where('id', '=', first.id).execute()), '23P01');
  });

  it('compares the blocked range, buffers included', async () => {
    // Booked 20:00-21:00 with a 15-minute buffer after; a booking at 21:00 collides with the buffer.
    await insertBooking(bookingRow(T + 10 * H, T + 11 * H, { block_end_ms: T + 11 * H + 15 * 60_000 }));
    assert.equal(await sqlstate(insertBooking(bookingRow(T + 11 * H, T + 12 * H))), '23P01');
    assert.equal(await sqlstate(insertBooking(bookingRow(T + 11.25 * H, T + 12 * H))), 'ok');
  });

  it('refuses two overlapping holds for one staff member', async () => {
    const hold = (s: number, e: number) => store.db.insertInto('holds').values(holdRow(s, e)).execute();
    assert.equal(await sqlstate(hold(T + 30 * H, T + 31 * H)), 'ok');
    assert.equal(await sqlstate(hold(T + 30.5 * H, T + 31.5 * H)), '23P01');
    assert.equal(await sqlstate(hold(T + 31 * H, T + 32 * H)), 'ok');
  });

  it('turns a violation inside store.write into ApiError slot_taken (409) and rolls the whole write back', async () => {
    const before = await store.db.selectFrom('bookings').select('id').execute();
    await assert.rejects(
      store.write(async (tx) => {
        await tx.insertInto('bookings').values(bookingRow(T + 40 * H, T + 41 * H)).execute();
        await tx.insertInto('bookings').values(bookingRow(T + 40.5 * H, T + 41.5 * H)).execute();
      }),
      (err: unknown) => err instanceof ApiError && err.code === 'slot_taken' && err.status === 409,
    );
    assert.equal((await store.db.selectFrom('bookings').select('id').execute()).length, before.length, 'nothing of the write stays');
  });

  it('serialises writes across pools: a write that reads then inserts never interleaves with another', async () => {
    // Two stores = two API instances. Each write reads how many bookings exist, waits, then
    // inserts at a time derived from that count; interleaving would make two writes pick one time.
    const second = await openPostgres(database.url!);
    try {
      const slotBase = T + 100 * H;
      const one = (s: Store) => s.write(async (tx) => {
        const rows = await tx.selectFrom('bookings').select('id').where('start_ms', '>=', slotBase).execute();
        await new Promise((r) => setTimeout(r, 5));
        await tx.insertInto('bookings').values(bookingRow(slotBase + rows.length * H, slotBase + (rows.length + 1) * H)).execute();
      });
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => one(i % 2 ? second : store)));
      assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
      const rows = await store.db.selectFrom('bookings').select('start_ms').where('start_ms', '>=', slotBase).orderBy('start_ms').execute();
      assert.deepEqual(rows.map((r) => (r.start_ms - slotBase) / H), Array.from({ length: 20 }, (_, i) => i));
      assert.equal(typeof rows[0].start_ms, 'number', 'bigint columns read as numbers');
    } finally {
      await second.close();
    }
  });
});

describe('PostgreSQL store: write scopes', () => {
  it('makes a write wait for another of the same scope, on another pool, but not for one of another scope', async () => {
    const database = await freshPostgres();
    const one = await openPostgres(database.url!);
    const two = await openPostgres(database.url!);
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const first = one.write(async () => {
        entered();
        await held;
      }, 'biz_a');
      await inside;
      const order: string[] = [];
      const sameScope = two.write(() => Promise.resolve(order.push('biz_a')), 'biz_a');
      await two.write(() => Promise.resolve(order.push('biz_b')), 'biz_b');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(order, ['biz_b'], 'another business went ahead; the same business waits');
      release();
      await first;
      await sameScope;
      assert.deepEqual(order, ['biz_b', 'biz_a']);
    } finally {
      await one.close();
      await two.close();
      await database.drop();
    }
  });

  it('queues a burst for one business in the process, leaving pooled connections for other businesses and reads', async () => {
    // Two connections, and a pool that gives up after 300 ms: if each of the 12 queued writes held
    // a connection while it waited for the business's lock, the other business's write and the
    // read would time out waiting for the pool, and so would most of the burst.
    const database = await freshPostgres();
    const store = await openPostgres(database.url!, { poolMax: 2, connectTimeoutMs: 300 });
    try {
      const burst = Array.from({ length: 12 }, () => store.write(async (tx) => {
        await sql`select pg_sleep(0.05)`.execute(tx);
      }, 'biz_busy'));
      await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      await store.write(async (tx) => { await sql`select 1`.execute(tx); }, 'biz_quiet');
      await sql`select 1`.execute(store.db);
      const waited = Date.now() - started;
      const settled = await Promise.allSettled(burst);
      assert.deepEqual(settled.filter((r) => r.status === 'rejected').map((r) => String((r).reason)), []);
      assert.ok(waited < 300, `the other business waited ${waited} ms, behind the burst's 600 ms of writes`);
    } finally {
      await store.close();
      await database.drop();
    }
  });

  it('runs the writes of one scope in order and goes on after one of them fails', async () => {
    const inTurn = turns();
    const order: number[] = [];
    const slow = (n: number, ms: number) => inTurn('a', async () => {
      await new Promise((r) => setTimeout(r, ms));
      order.push(n);
      if (n === 2) throw new Error('two fails');
      return n;
    });
    const results = await Promise.allSettled([slow(1, 30), slow(2, 10), slow(3, 0)]);
    assert.deepEqual(order, [1, 2, 3]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('PostgreSQL at start-up', () => {
  it('exits non-zero with a clear message, and no password, when the database cannot be reached', () => {
    const env = { ...process.env, DATABASE_URL: 'postgres://booker:hunter2secret@127.0.0.1:1/nowhere' };
    for (const command of [['serve', '--port', '0'], ['init', '--name', 'X', '--timezone', 'UTC']]) {
      const r = spawnSync(process.execPath, [BIN, ...command], { env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, `${command[0]}: ${r.stderr}`);
      assert.match(r.stderr, /^booking-api: cannot reach PostgreSQL at 127\.0\.0\.1:1\/nowhere: /);
      assert.doesNotMatch(r.stderr + r.stdout, /hunter2secret/);
    }
  });

  it('exits non-zero when REDIS_URL is set but Redis cannot be reached, after closing the database pool', async () => {
    const database = await freshPostgres();
    try {
      const env = { ...process.env, DATABASE_URL: database.url!, REDIS_URL: 'redis://:redispass@127.0.0.1:1' };
      const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0'], { env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^booking-api: cannot reach Redis \(REDIS_URL\)/);
      assert.doesNotMatch(r.stderr + r.stdout, /redispass/);
    } finally {
      await database.drop();
    }
  });

  it('refuses a DATABASE_URL that is not a postgres:// URL, naming the variable but not the value', () => {
    const r = spawnSync(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, DATABASE_URL: 'mysql://u:topsecret@h/db' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
    assert.doesNotMatch(r.stderr, /topsecret/);
  });
});
