import type { Tx } from '../store/db.ts';
import type { ServiceRow, StaffRow } from '../store/schema.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { blockedRange, freeStaffAt, localDate, type Busy } from '../scheduling/index.ts';
import { DAY_MS } from '../time.ts';
import { getService, hoursOf, rulesOf, staffOfServices, type Scope } from './catalog.ts';
import { getBusiness } from './business.ts';

/** What a hold or booking being checked may ignore: itself, or the guest's own hold. */
export interface Exclude { guestId?: string | undefined; bookingId?: string | undefined }

/**
 * Everything that makes a staff member busy in [from, to): confirmed bookings and unexpired
 * holds, as blocked ranges (buffers included), so the engine needs no more than this list.
 */
export async function busyOf(db: Tx, staffIds: string[], from: number, to: number, now: number, exclude: Exclude = {}): Promise<Busy[]> {
  if (staffIds.length === 0) return [];
  let bookings = db.selectFrom('bookings').select(['staff_id', 'block_start_ms', 'block_end_ms'])
    .where('staff_id', 'in', staffIds).where('status', '=', 'confirmed')
    .where('block_start_ms', '<', to).where('block_end_ms', '>', from);
  if (exclude.bookingId) bookings = bookings.where('id', '!=', exclude.bookingId);
  let holds = db.selectFrom('holds').select(['staff_id', 'block_start_ms', 'block_end_ms'])
    .where('staff_id', 'in', staffIds).where('expires_ms', '>', now)
    .where('block_start_ms', '<', to).where('block_end_ms', '>', from);
  if (exclude.guestId) holds = holds.where('guest_id', '!=', exclude.guestId);
  const rows = [...(await bookings.execute()), ...(await holds.execute())];
  return rows.map((r) => ({ staffId: r.staff_id, start: r.block_start_ms, end: r.block_end_ms }));
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
