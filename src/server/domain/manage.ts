import type { Deps } from '../context.ts';
import { isManageToken } from './manage-tokens.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Tx } from '../store/db.ts';
import type { BookingRow } from '../store/schema.ts';
import { recordBookingEvent } from '../notify/outbox.ts';
import { claimSlot } from './slots.ts';
import type { Actor } from './activity.ts';

// What a booking's manage token allows: read, cancel and move that one booking.

/**
 * The booking behind an id and its manage token. A wrong token and a missing booking answer
 * the same 404, so a token cannot be used to learn which ids exist.
 */
export async function bookingByToken(db: Tx, id: string, token: string): Promise<BookingRow> {
  const row = await db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !(await isManageToken(db, row, token))) throw notFound('Booking');
  return row;
}

/**
 * A write on the booking: found once to learn its business (the write's lock scope, which never
 * changes), then read again inside the write, where it cannot change under us.
 */
async function change(deps: Deps, id: string, token: string, fn: (tx: Tx, row: BookingRow) => Promise<BookingRow>): Promise<BookingRow> {
  const { business_id } = await bookingByToken(deps.store.db, id, token);
  return deps.store.write(async (tx) => fn(tx, await bookingByToken(tx, id, token)), business_id);
}

/** Cancelling twice answers the booking as it is: the first cancellation stands. */
export function cancelBooking(deps: Deps, id: string, token: string, reason: string | undefined): Promise<BookingRow> {
  return change(deps, id, token, async (tx, row) => {
    if (row.status === 'cancelled') return row;
    const now = deps.now();
    // One more calendar SEQUENCE per change, counted under the write lock (issue 22).
    const change = { status: 'cancelled' as const, cancelled_at: now, cancel_reason: reason ?? null, ics_sequence: row.ics_sequence + 1 };
    const cancelled = { ...row, ...change };
    await tx.updateTable('bookings').set(change).where('id', '=', row.id).execute();
    await recordBookingEvent(tx, deps.config.notify, now, 'booking.cancelled', cancelled);
    return cancelled;
  });
}

/** Moves a booking to a free start, with the same staff member when they are free. */
export function rescheduleBooking(deps: Deps, id: string, token: string, to: { startMs: number; staffId?: string | undefined }): Promise<BookingRow> {
  return change(deps, id, token, (tx, row) => moveBooking(deps, tx, row, to));
}

/** The move itself, under the business's write lock; `actor` for the activity log (the customer unless said). */
async function moveBooking(deps: Deps, tx: Tx, row: BookingRow, to: { startMs: number; staffId?: string | undefined }, actor?: Actor): Promise<BookingRow> {
  if (row.status === 'cancelled') throw new ApiError('forbidden', 'A cancelled booking cannot be rescheduled; book a new time instead');
  const now = deps.now();
  const { staffId, range } = await claimSlot(tx, { businessId: row.business_id, mode: row.mode }, {
    serviceId: row.service_id, start: to.startMs, now, activeOnly: false, staffId: to.staffId, prefer: row.staff_id,
    // The booking being moved must not block its own new time.
    exclude: { bookingId: row.id, guestId: row.guest_id ?? undefined },
  });
  const moved = {
    staff_id: staffId, start_ms: range.start, end_ms: range.end, block_start_ms: range.blockStart, block_end_ms: range.blockEnd,
    ics_sequence: row.ics_sequence + 1,
  };
  await tx.updateTable('bookings').set(moved).where('id', '=', row.id).execute();
  const rescheduled = { ...row, ...moved };
  await recordBookingEvent(tx, deps.config.notify, now, 'booking.rescheduled', rescheduled, actor);
  return rescheduled;
}

/** A booking by id within the operator's business and mode (the dashboard's), else the 404. */
async function inScope(db: Tx, scope: { businessId: string; mode: string }, id: string): Promise<BookingRow> {
  const row = await db.selectFrom('bookings').selectAll().where('id', '=', id)
    .where('business_id', '=', scope.businessId).where('mode', '=', scope.mode as BookingRow['mode']).executeTakeFirst();
  if (!row) throw notFound('Booking');
  return row;
}

/** The merchant moves a booking on the customer's behalf: the customer gets the usual reschedule email. */
export async function rescheduleForCustomer(deps: Deps, scope: { businessId: string; mode: string }, id: string, to: { startMs: number; staffId?: string | undefined }, actor: Actor): Promise<BookingRow> {
  await inScope(deps.store.db, scope, id);
  return deps.store.write(async (tx) => moveBooking(deps, tx, await inScope(tx, scope, id), to, actor), scope.businessId);
}

/**
 * The merchant cancels on the customer's behalf (the dashboard): the customer gets the usual
 * cancellation email, and the activity log names the operator.
 */
export async function cancelForCustomer(deps: Deps, scope: { businessId: string; mode: string }, id: string, reason: string | undefined, actor: Actor): Promise<BookingRow> {
  await inScope(deps.store.db, scope, id);
  return deps.store.write(async (tx) => {
    const row = await inScope(tx, scope, id);
    if (row.status === 'cancelled') return row;
    const now = deps.now();
    const change = { status: 'cancelled' as const, cancelled_at: now, cancel_reason: reason ?? null, ics_sequence: row.ics_sequence + 1 };
    const cancelled = { ...row, ...change };
    await tx.updateTable('bookings').set(change).where('id', '=', row.id).execute();
    await recordBookingEvent(tx, deps.config.notify, now, 'booking.cancelled', cancelled, actor);
    return cancelled;
  }, scope.businessId);
}
