import type { Context, Hono } from 'hono';
import { AdminBookingsQuery, BookingRequest, H, type BookingCreated, type BookingRequest as BookingRequestBody } from '../../contract/index.ts';
import type { AppEnv, Deps, Principal } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { hashToken, newId, randomToken } from '../auth/tokens.ts';
import { instantOrThrow, readBody, readQuery, zoneOrThrow } from '../http/validate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { blockedRange, dayStart } from '../scheduling/index.ts';
import type { BookingRow } from '../store/schema.ts';
import type { Tx } from '../store/db.ts';
import { getService, rulesOf, staffOfServices } from '../domain/catalog.ts';
import { freeStaffFor, leastBusy } from '../domain/slots.ts';
import { findGuest, guestFor } from '../domain/guests.ts';
import { bookingOut, getBusiness } from '../domain/bookings.ts';
import * as idem from '../domain/idempotency.ts';
import { recordBookingEvent } from '../notify/outbox.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,255}$/;

export function bookingRoutes(api: Hono<AppEnv>, deps: Deps) {
  api.post('/bookings', requireAuth(deps, ['session']), async (c) => {
    const p = c.get('principal');
    const key = c.req.header(H.idempotencyKey);
    if (!key || !IDEMPOTENCY_KEY.test(key)) {
      throw new ApiError('invalid_request', 'Validation failed', [{ property: H.idempotencyKey, messages: ['Send a unique key (a UUID) per booking attempt'] }]);
    }
    const body = await readBody(c, BookingRequest);
    const timezone = zoneOrThrow(body.timezone);
    const start = instantOrThrow(body.start, 'start');
    const hash = idem.requestHash(body);

    // Phase one claims the key; phase two books and records the answer in one transaction, so a
    // crash can leave a claimed key (retried after a minute) but never a booking without its answer.
    const replay = await deps.store.write((tx) => idem.claim(tx, p, key, hash, deps.now()), p.businessId);
    if (replay) return respond(c, replay);
    try {
      const res = await deps.store.write(async (tx) => {
        const res = await book(tx, deps, p, c.req.header(H.guestToken), { ...body, timezone, startMs: start });
        await idem.finish(tx, p, key, res);
        return res;
      }, p.businessId);
      return respond(c, res);
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) {
        const res = { status: err.status, body: { error: { code: err.code, message: err.message } }, headers: {} };
        await deps.store.write((tx) => idem.finish(tx, p, key, res), p.businessId);
      } else {
        await deps.store.write((tx) => idem.release(tx, p, key), p.businessId).catch(() => {});
      }
      throw err;
    }
  });

  api.get('/guest/bookings', requireAuth(deps, ['session']), async (c) => {
    const p = c.get('principal');
    const sent = c.req.header(H.guestToken);
    const guest = (await findGuest(deps.store.db, p, sent)) ?? (await deps.store.write((tx) => guestFor(tx, p, undefined, deps.now()), p.businessId));
    const rows = await deps.store.db.selectFrom('bookings').selectAll().where('guest_id', '=', guest.id).limit(200).execute();
    const now = deps.now();
    const upcoming = (b: BookingRow) => b.status === 'confirmed' && b.end_ms > now;
    // Upcoming first, soonest first; then the rest, most recent first.
    rows.sort((a, b) => (upcoming(a) === upcoming(b) ? (upcoming(a) ? a.start_ms - b.start_ms : b.start_ms - a.start_ms) : upcoming(a) ? -1 : 1));
    c.header(H.guestToken, guest.token);
    return c.json({ data: rows.map(bookingOut) });
  });

  api.get('/bookings', requireAuth(deps, ['secret']), async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, AdminBookingsQuery);
    const zone = (await getBusiness(deps.store.db, p.businessId)).timezone;
    let sel = deps.store.db.selectFrom('bookings').selectAll().where('business_id', '=', p.businessId).where('mode', '=', p.mode);
    // Dates are the business's calendar dates.
    if (q.from) sel = sel.where('start_ms', '>=', dayStart(q.from, zone));
    if (q.to) sel = sel.where('start_ms', '<', dayStart(nextDate(q.to), zone));
    if (q.status) sel = sel.where('status', '=', q.status);
    const rows = await sel.orderBy('start_ms').limit(5000).execute();
    return c.json({ data: rows.map(bookingOut) });
  });
}

const nextDate = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function respond(c: Context<AppEnv>, res: idem.StoredResponse) {
  for (const [k, v] of Object.entries(res.headers)) c.header(k, v);
  return c.json(res.body as object, res.status as 201);
}

type BookInput = Omit<BookingRequestBody, 'start'> & { startMs: number };

/** Checks the slot and inserts the booking; runs inside one write transaction. */
async function book(tx: Tx, deps: Deps, p: Principal, guestToken: string | undefined, b: BookInput): Promise<idem.StoredResponse> {
  const now = deps.now();
  const service = await getService(tx, p, b.service_id, { activeOnly: true });
  const staff = (await staffOfServices(tx, [service.id])).get(service.id)!;
  if (b.staff_id && !staff.some((s) => s.id === b.staff_id)) throw notFound('Staff member for this service');
  const guest = await guestFor(tx, p, guestToken, now);
  // The guest's own hold must not stand in the way of the guest's booking.
  let free = await freeStaffFor(tx, service, staff, b.startMs, now, { guestId: guest.id });
  if (free.length === 0) throw new ApiError('slot_taken', 'That time is no longer available');
  const hold = b.hold_id
    ? await tx.selectFrom('holds').selectAll().where('id', '=', b.hold_id).where('guest_id', '=', guest.id).where('expires_ms', '>', now).executeTakeFirst()
    : undefined;
  const wanted = b.staff_id ?? (hold && hold.service_id === service.id && hold.start_ms === b.startMs ? hold.staff_id : undefined);
  if (wanted) {
    free = free.filter((id) => id === wanted);
    if (free.length === 0) throw new ApiError('slot_taken', 'That time is no longer available with this staff member');
  }
  const staffId = await leastBusy(tx, free, b.startMs, (await getBusiness(tx, p.businessId)).timezone);
  const range = blockedRange(rulesOf(service), b.startMs);
  const manageToken = `mt_${randomToken(24)}`;
  const row: BookingRow = {
    id: newId('bk'), business_id: p.businessId, mode: p.mode, service_id: service.id, staff_id: staffId, guest_id: guest.id,
    status: 'confirmed', start_ms: range.start, end_ms: range.end, block_start_ms: range.blockStart, block_end_ms: range.blockEnd,
    timezone: b.timezone, customer_name: b.customer.name, customer_email: b.customer.email, customer_phone: b.customer.phone ?? null,
    notes: b.notes ?? '', manage_token_hash: hashToken(manageToken), created_at: now, cancelled_at: null, cancel_reason: null, locale: b.locale ?? null,
  };
  await tx.insertInto('bookings').values(row).execute();
  await recordBookingEvent(tx, deps.config.notify, now, 'booking.created', row, manageToken);
  // Booking releases the guest's hold: it has done its job.
  await tx.deleteFrom('holds').where('guest_id', '=', guest.id).execute();
  const body: BookingCreated = { booking: bookingOut(row), manage_token: manageToken };
  return { status: 201, body, headers: { [H.guestToken]: guest.token } };
}
