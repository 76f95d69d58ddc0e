import { CompiledQuery, sql } from 'kysely';
import type { Dialect, Tx } from '../store/db.ts';
import type { ServiceRow, StaffRow } from '../store/schema.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { blockedRange, freeStaffAt, localDate, type Busy } from '../scheduling/index.ts';
import { DAY_MS } from '../time.ts';
import { getService, hoursOf, rulesOf, staffOfServices, type Scope } from './catalog.ts';
import { getBusiness } from './business.ts';

/** What a hold or booking being checked may ignore: itself, or the guest's own hold. */
export interface Exclude { guestId?: string | undefined; bookingId?: string | undefined }

/**
 * The longest range a booking or hold can block: a service lasts at most a day and each buffer
 * is at most a day (the contract's limits). A block ending after `from` so starts after
 * `from - MAX_BLOCK_MS`, which bounds the index range a busy query reads from below; without
 * it, the query walks every earlier booking of the staff member, years of them in time.
 */
export const MAX_BLOCK_MS = 3 * DAY_MS;

/**
 * Everything that makes a staff member busy in [from, to): confirmed bookings and unexpired
 * holds, as blocked ranges (buffers included), so the engine needs no more than this list.
 */
export async function busyOf(db: Tx, staffIds: string[], from: number, to: number, now: number, exclude: Exclude = {}): Promise<Busy[]> {
  if (staffIds.length === 0) return [];
  let bookings = db.selectFrom('bookings').select(['staff_id', 'block_start_ms', 'block_end_ms'])
    .where('staff_id', 'in', staffIds).where('status', '=', 'confirmed')
    .where('block_start_ms', '<', to).where('block_start_ms', '>=', from - MAX_BLOCK_MS).where('block_end_ms', '>', from);
  if (exclude.bookingId) bookings = bookings.where('id', '!=', exclude.bookingId);
  let holds = db.selectFrom('holds').select(['staff_id', 'block_start_ms', 'block_end_ms'])
    .where('staff_id', 'in', staffIds).where('expires_ms', '>', now)
    .where('block_start_ms', '<', to).where('block_start_ms', '>=', from - MAX_BLOCK_MS).where('block_end_ms', '>', from);
  if (exclude.guestId) holds = holds.where('guest_id', '!=', exclude.guestId);
  const rows = [...(await bookings.execute()), ...(await holds.execute())];
  return rows.map((r) => ({ staffId: r.staff_id, start: r.block_start_ms, end: r.block_end_ms }));
}

/** One unexpired hold, with its guest: the guest's own hold does not hide its slot from that guest. */
export interface HeldRange { staffId: string; start: number; end: number; expires: number; guestId: string; tokenHash: string }

/**
 * The busy time of busyOf() with nobody excluded, as the availability cache keeps it: per staff
 * member the confirmed bookings' blocked ranges in order of start, as parallel arrays, and each
 * unexpired hold on its own with its guest and expiry. The bookings come aggregated, one row per
 * staff member (a JSON array), because reading each of a month's 500 bookings as a row of its
 * own was most of the query's cost.
 */
export interface BusySnapshot { bookings: Map<string, { starts: number[]; ends: number[] }>; holds: HeldRange[] }

export async function busySnapshot(db: Tx, dialect: Dialect, staffIds: string[], from: number, to: number, now: number): Promise<BusySnapshot> {
  const out: BusySnapshot = { bookings: new Map(), holds: [] };
  if (staffIds.length === 0) return out;
  const { bookings, holds } = snapshotSql(db, dialect, staffIds.length);
  const range = [to, from - MAX_BLOCK_MS, from];
  // On PostgreSQL the two go out on two pooled connections at once; SQLite runs them in turn anyway.
  const [bookingRows, holdRows] = await Promise.all([
    db.executeQuery<{ staff_id: string; starts: unknown; ends: unknown }>(CompiledQuery.raw(bookings, [...staffIds, 'confirmed', ...range])),
    db.executeQuery<{ staff_id: string; block_start_ms: number; block_end_ms: number; expires_ms: number; guest_id: string; token_hash: string }>(CompiledQuery.raw(holds, [...staffIds, now, ...range])),
  ]);
  // SQLite answers the JSON as text; pg parses json columns itself.
  const numbers = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as number[];
  for (const r of bookingRows.rows) out.bookings.set(r.staff_id, { starts: numbers(r.starts), ends: numbers(r.ends) });
  for (const h of holdRows.rows) {
    out.holds.push({ staffId: h.staff_id, start: Number(h.block_start_ms), end: Number(h.block_end_ms), expires: Number(h.expires_ms), guestId: h.guest_id, tokenHash: h.token_hash });
  }
  return out;
}

/**
 * busySnapshot()'s two queries as SQL text, built once per database and number of staff:
 * Kysely's building and compiling was a third of their cost. Their parameters are, in order,
 * the staff ids, then 'confirmed' (bookings) or now (holds), then to, from - MAX_BLOCK_MS, from;
 * the first compile checks that order against Kysely's.
 */
const snapshotQueries = new WeakMap<Tx, Map<number, { bookings: string; holds: string }>>();
function snapshotSql(db: Tx, dialect: Dialect, staffCount: number): { bookings: string; holds: string } {
  let byCount = snapshotQueries.get(db);
  if (!byCount) snapshotQueries.set(db, (byCount = new Map<number, { bookings: string; holds: string }>()));
  const known = byCount.get(staffCount);
  if (known) return known;
  const ids = Array.from({ length: staffCount }, (_, i) => `staff ${i}`);
  const [to, lowest, from] = [3, 1, 2];
  // The two arrays must stay pairs. PostgreSQL orders both alike when asked; SQLite feeds each row
  // to every aggregate of its group in one pass, in the order of the covering index
  // (staff_id, status, block_start_ms), and ordering inside the aggregate would double the
  // query's cost. BusyIndex.of sorts the pairs itself should they ever come out of order.
  const agg = (column: 'block_start_ms' | 'block_end_ms') => dialect === 'postgres'
    ? sql<unknown>`json_agg(${sql.ref(column)} order by block_start_ms, block_end_ms)`
    : sql<unknown>`json_group_array(${sql.ref(column)})`;
  const bookings = db.selectFrom('bookings').select(['staff_id', agg('block_start_ms').as('starts'), agg('block_end_ms').as('ends')])
    .where('staff_id', 'in', ids).where('status', '=', 'confirmed')
    .where('block_start_ms', '<', to).where('block_start_ms', '>=', lowest).where('block_end_ms', '>', from)
    .groupBy('staff_id').compile();
  const holds = db.selectFrom('holds').innerJoin('guests', 'guests.id', 'holds.guest_id')
    .select(['holds.staff_id', 'holds.block_start_ms', 'holds.block_end_ms', 'holds.expires_ms', 'holds.guest_id', 'guests.token_hash'])
    .where('holds.staff_id', 'in', ids).where('holds.expires_ms', '>', 0)
    .where('holds.block_start_ms', '<', to).where('holds.block_start_ms', '>=', lowest).where('holds.block_end_ms', '>', from)
    .compile();
  const same = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(bookings.parameters, [...ids, 'confirmed', to, lowest, from]) || !same(holds.parameters, [...ids, 0, to, lowest, from])) {
    throw new Error('busySnapshot: the compiled queries take their parameters in another order');
  }
  const texts = { bookings: bookings.sql, holds: holds.sql };
  byCount.set(staffCount, texts);
  return texts;
}

/** The eligible staff free for a slot starting exactly at `start` (grid, notice, horizon and all). */
export async function freeStaffFor(db: Tx, service: ServiceRow, staff: StaffRow[], start: number, now: number, exclude: Exclude = {}): Promise<string[]> {
  // Buffers and durations are at most a day each, so two days either side see every conflict.
  const busy = await busyOf(db, staff.map((s) => s.id), start - 2 * DAY_MS, start + 3 * DAY_MS, now, exclude);
  return freeStaffAt({ service: rulesOf(service), staff: staff.map(hoursOf), busy, now }, start);
}

/**
 * Among free staff, the one with the fewest confirmed bookings on that day (the business's
 * calendar date), so work spreads evenly; ties go to the merchant's order.
 */
export async function leastBusy(db: Tx, candidates: string[], start: number, businessId: string): Promise<string> {
  if (candidates.length === 1) return candidates[0];
  const zone = (await getBusiness(db, businessId)).timezone;
  const date = localDate(start, zone);
  const rows = await db.selectFrom('bookings').select(['staff_id', 'start_ms'])
    .where('staff_id', 'in', candidates).where('status', '=', 'confirmed')
    .where('start_ms', '>=', start - 2 * DAY_MS).where('start_ms', '<', start + 2 * DAY_MS).execute();
  const count = new Map(candidates.map((id) => [id, 0]));
  for (const r of rows) if (localDate(r.start_ms, zone) === date) count.set(r.staff_id, count.get(r.staff_id)! + 1);
  return candidates.reduce((best, id) => (count.get(id)! < count.get(best)! ? id : best));
}

export interface SlotRequest {
  serviceId: string;
  start: number;
  now: number;
  /** New holds and bookings need a service open for booking; a booking being moved keeps its own. */
  activeOnly: boolean;
  /** The staff member the customer named: one who does not perform the service is a 404, a busy one a 409. */
  staffId?: string | undefined;
  /** A staff member the slot must go to although the customer named none (the one the guest's hold was for). */
  heldBy?: string | undefined;
  /** Keeps this staff member when free (a moved booking stays with its stylist); otherwise the least busy. */
  prefer?: string | undefined;
  exclude: Exclude;
}

export interface Claim {
  service: ServiceRow;
  staffId: string;
  range: ReturnType<typeof blockedRange>;
}

/**
 * The claim of one slot, the same for a hold, a booking and a reschedule: the service, its staff,
 * those free at `start`, the one asked for or the least busy, and the range the slot blocks
 * (buffers included). Throws `not_found` or `slot_taken`. Call it inside the write that stores
 * the claim, so nothing can take the slot between the check and the insert.
 */
export async function claimSlot(tx: Tx, scope: Scope, r: SlotRequest): Promise<Claim> {
  const service = await getService(tx, scope, r.serviceId, { activeOnly: r.activeOnly });
  const staff = (await staffOfServices(tx, [service.id])).get(service.id)!;
  if (r.staffId && !staff.some((s) => s.id === r.staffId)) throw notFound('Staff member for this service');
  let free = await freeStaffFor(tx, service, staff, r.start, r.now, r.exclude);
  if (free.length === 0) throw new ApiError('slot_taken', 'That time is no longer available');
  const wanted = r.staffId ?? r.heldBy;
  if (wanted) {
    free = free.filter((id) => id === wanted);
    if (free.length === 0) throw new ApiError('slot_taken', 'That time is no longer available with this staff member');
  }
  const staffId = r.prefer && free.includes(r.prefer) ? r.prefer : await leastBusy(tx, free, r.start, scope.businessId);
  return { service, staffId, range: blockedRange(rulesOf(service), r.start) };
}
