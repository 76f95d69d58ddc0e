import type { Tx } from '../store/db.ts';
import type { ServiceRow, StaffRow } from '../store/schema.ts';
import { freeStaffAt, localDate, type Busy } from '../scheduling/index.ts';
import { hoursOf, rulesOf } from './catalog.ts';

const DAY = 24 * 3600 * 1000;

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
  const busy = await busyOf(db, staff.map((s) => s.id), start - 2 * DAY, start + 3 * DAY, now, exclude);
  return freeStaffAt({ service: rulesOf(service), staff: staff.map(hoursOf), busy, now }, start);
}

/**
 * Among free staff, the one with the fewest confirmed bookings on that day (the business's
 * calendar date), so work spreads evenly; ties go to the merchant's order.
 */
export async function leastBusy(db: Tx, candidates: string[], start: number, businessZone: string): Promise<string> {
  if (candidates.length === 1) return candidates[0]!;
  const date = localDate(start, businessZone);
  const rows = await db.selectFrom('bookings').select(['staff_id', 'start_ms'])
    .where('staff_id', 'in', candidates).where('status', '=', 'confirmed')
    .where('start_ms', '>=', start - 2 * DAY).where('start_ms', '<', start + 2 * DAY).execute();
  const count = new Map(candidates.map((id) => [id, 0]));
  for (const r of rows) if (localDate(r.start_ms, businessZone) === date) count.set(r.staff_id, count.get(r.staff_id)! + 1);
  return candidates.reduce((best, id) => (count.get(id)! < count.get(best)! ? id : best));
}
