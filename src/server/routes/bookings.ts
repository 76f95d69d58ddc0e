import { AdminBookingsQuery, BookingCreated, BookingList, BookingRequest, H } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { ApiError } from '../http/errors.ts';
import { BookingHeaders, GuestToken } from '../http/headers.ts';
import { ZONE_NOTE, checked, instant, knownZone } from '../http/inputs.ts';
import { bookingOut, businessBookings, createBooking, guestBookings } from '../domain/bookings.ts';
import { knownOrNewGuest } from '../domain/guests.ts';
import * as idem from '../domain/idempotency.ts';

/** The request as sent (what its Idempotency-Key is bound to), and the server's reading of it. */
const Book = checked(BookingRequest, { timezone: ZONE_NOTE }, (sent) => ({
  sent, booking: { ...sent, timezone: knownZone(sent.timezone), startMs: instant(sent.start, 'start') },
}));

export const bookingRoutes = [
  route({
    method: 'post', path: '/bookings', auth: 'session', summary: 'Book a slot (Idempotency-Key required)',
    headers: BookingHeaders, body: Book, ok: [201, BookingCreated],
    errors: ['not_found', 'slot_taken', 'idempotency_in_progress', 'idempotency_mismatch'],
    handler: async ({ deps, principal: p, headers, body }, c) => {
      const key = headers[H.idempotencyKey];
      const hash = idem.requestHash(body.sent);
      const respond = (res: idem.StoredResponse) => {
        for (const [k, v] of Object.entries(res.headers)) c.header(k, v);
        return c.json(res.body as object, res.status as 201);
      };
      // Phase one claims the key; phase two books and records the answer in one transaction, so a
      // crash can leave a claimed key (retried after a minute) but never a booking without its answer.
      const replay = await deps.store.write((tx) => idem.claim(tx, p, key, hash, deps.now()), p.businessId);
      if (replay) return respond(replay);
      try {
        return respond(await deps.store.write(async (tx) => {
          const res = await createBooking(tx, deps, p, headers[H.guestToken], body.booking);
          await idem.finish(tx, p, key, res);
          return res;
        }, p.businessId));
      } catch (err) {
        if (err instanceof ApiError && err.status < 500) {
          const res = { status: err.status, body: { error: { code: err.code, message: err.message } }, headers: {} };
          await deps.store.write((tx) => idem.finish(tx, p, key, res), p.businessId);
        } else {
          await deps.store.write((tx) => idem.release(tx, p, key), p.businessId).catch(() => {});
        }
        throw err;
      }
    },
  }),
  route({
    method: 'get', path: '/guest/bookings', auth: 'session', summary: "This guest's bookings, upcoming first",
    headers: GuestToken, ok: [200, BookingList],
    handler: async ({ deps, principal, headers }, c) => {
      const guest = await knownOrNewGuest(deps.store, principal, headers[H.guestToken], deps.now());
      const rows = await guestBookings(deps.store.db, guest.id, deps.now());
      c.header(H.guestToken, guest.token);
      return { data: rows.map(bookingOut) };
    },
  }),
  route({
    method: 'get', path: '/bookings', auth: 'secret', summary: "The business's bookings; from and to are the business's calendar dates",
    query: AdminBookingsQuery, ok: [200, BookingList],
    handler: async ({ deps, principal, query }) => ({ data: (await businessBookings(deps.store.db, principal, query)).map(bookingOut) }),
  }),
];
