import type { Context, Hono } from 'hono';
import { CancelRequest, ManageQuery, RescheduleRequest } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { ipBucket, limit } from '../auth/authenticate.ts';
import { hashToken, sameHash } from '../auth/tokens.ts';
import { instantOrThrow, readBody, readQuery } from '../http/validate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { blockedRange } from '../scheduling/index.ts';
import type { Tx } from '../store/db.ts';
import { getService, rulesOf, staffOfServices } from '../domain/catalog.ts';
import { freeStaffFor, leastBusy } from '../domain/slots.ts';
import { bookingOut, getBusiness } from '../domain/bookings.ts';
import { recordBookingEvent } from '../notify/outbox.ts';

/**
 * The booking behind an id and its manage token. A wrong token and a missing booking answer
 * the same 404, so a token cannot be used to learn which ids exist.
 */
async function authorised(db: Tx, c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  const { token } = readQuery(c, ManageQuery);
  const row = await db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !sameHash(row.manage_token_hash, hashToken(token))) throw notFound('Booking');
  return row;
}

export function manageRoutes(api: Hono<AppEnv>, deps: Deps) {
  // Public routes: the token is the credential, so they are limited per client IP.
  const perIp = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    await limit(c, deps, [ipBucket(c, deps, 'public')]);
    await next();
  };

  api.get('/bookings/:id', perIp, async (c) => {
    const row = await authorised(deps.store.db, c);
    return c.json({ booking: bookingOut(row) });
  });

  // Cancelling twice answers the booking as it is: the first cancellation stands.
  api.post('/bookings/:id/cancel', perIp, async (c) => {
    const body = await readBody(c, CancelRequest, { emptyOk: true });
    const { business_id } = await authorised(deps.store.db, c);
    const row = await deps.store.write(async (tx) => {
      const row = await authorised(tx, c);
      if (row.status === 'cancelled') return row;
      const now = deps.now();
      await tx.updateTable('bookings').set({ status: 'cancelled', cancelled_at: now, cancel_reason: body.reason ?? null }).where('id', '=', row.id).execute();
      const cancelled = { ...row, status: 'cancelled' as const, cancelled_at: now, cancel_reason: body.reason ?? null };
      await recordBookingEvent(tx, deps.config.notify, now, 'booking.cancelled', cancelled, readQuery(c, ManageQuery).token);
      return cancelled;
    }, business_id);
    return c.json({ booking: bookingOut(row) });
  });

  api.post('/bookings/:id/reschedule', perIp, async (c) => {
    const body = await readBody(c, RescheduleRequest);
    const start = instantOrThrow(body.start, 'start');
    // The business (the write's lock scope) never changes; the row itself is re-read inside.
    const { business_id } = await authorised(deps.store.db, c);
    const row = await deps.store.write(async (tx) => {
      const row = await authorised(tx, c);
      if (row.status === 'cancelled') throw new ApiError('forbidden', 'A cancelled booking cannot be rescheduled; book a new time instead');
      const scope = { businessId: row.business_id, mode: row.mode };
      const service = await getService(tx, scope, row.service_id);
      const staff = (await staffOfServices(tx, [service.id])).get(service.id)!;
      if (body.staff_id && !staff.some((s) => s.id === body.staff_id)) throw notFound('Staff member for this service');
      const now = deps.now();
      // The booking being moved must not block its own new time.
      let free = await freeStaffFor(tx, service, staff, start, now, { bookingId: row.id, guestId: row.guest_id ?? undefined });
      if (body.staff_id) free = free.filter((id) => id === body.staff_id);
      if (free.length === 0) throw new ApiError('slot_taken', 'That time is no longer available');
      // Keep the same staff member when they are free; otherwise spread as for a new booking.
      const staffId = free.includes(row.staff_id) ? row.staff_id : await leastBusy(tx, free, start, (await getBusiness(tx, row.business_id)).timezone);
      const range = blockedRange(rulesOf(service), start);
      const moved = { staff_id: staffId, start_ms: range.start, end_ms: range.end, block_start_ms: range.blockStart, block_end_ms: range.blockEnd };
      await tx.updateTable('bookings').set(moved).where('id', '=', row.id).execute();
      const rescheduled = { ...row, ...moved };
      await recordBookingEvent(tx, deps.config.notify, now, 'booking.rescheduled', rescheduled, readQuery(c, ManageQuery).token);
      return rescheduled;
    }, business_id);
    return c.json({ booking: bookingOut(row) });
  });
}
