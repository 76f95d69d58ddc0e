import { AdminBookingList, AdminBookingsQuery, BookingCreated, BookingList, BookingRequest, H } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { BookingHeaders, GuestToken } from '../http/headers.ts';
import { ZONE_NOTE, checked, instant, knownZone } from '../http/inputs.ts';
import * as z from 'zod/mini';
import { TokenPair } from '../../contract/accounts.ts';
import { adminBookingOut, bookOnce, bookingOut, businessBookings, guestBookings, type NewAccount } from '../domain/bookings.ts';
import { accountsOn, startFamily } from '../domain/customers.ts';
import { checkNewPassword, hashPassword } from '../auth/passwords.ts';
import { DPOP_HEADER, verifyDpop } from '../auth/dpop.ts';
import { invalid } from '../http/errors.ts';
import { findGuest } from '../domain/guests.ts';

/** The request as sent (what its Idempotency-Key is bound to), and the server's reading of it. */
const Book = checked(BookingRequest, { timezone: ZONE_NOTE }, (sent) => ({
  sent, booking: { ...sent, timezone: knownZone(sent.timezone), startMs: instant(sent.start, 'start') },
}));

export const bookingRoutes = [
  route({
    method: 'post', path: '/bookings', auth: 'session', summary: 'Book a slot (Idempotency-Key required)',
    headers: z.extend(BookingHeaders, { [DPOP_HEADER]: z.optional(z.string()) }), body: Book,
    ok: [201, z.extend(BookingCreated, { tokens: z.optional(TokenPair) })],
    errors: ['not_found', 'slot_taken', 'idempotency_in_progress', 'idempotency_mismatch'],
    handler: async ({ deps, principal, headers, body }, c) => {
      // create_account: sign up and book in one step; the answer adds the new account's tokens (decision 012).
      let account: (NewAccount & { jkt: string }) | undefined;
      if (body.sent.create_account) {
        if (principal.customerId) throw invalid('create_account', 'Already signed in: book without create_account');
        const biz = await accountsOn(deps.store.db, principal);
        checkNewPassword(body.sent.create_account.password, 'create_account.password');
        const jkt = await verifyDpop(c, deps);
        account = { biz, jkt, passwordHash: await hashPassword(body.sent.create_account.password) };
      }
      const res = await bookOnce(deps, principal, headers[H.idempotencyKey], body.sent, headers[H.guestToken], body.booking, account);
      for (const [k, v] of Object.entries(res.headers)) c.header(k, v);
      if (account && res.customerId) return c.json({ ...(res.body as object), tokens: await startFamily(deps, principal, res.customerId, account.jkt) }, 201);
      return c.json(res.body as object, res.status as 201);
    },
  }),
  route({
    method: 'get', path: '/guest/bookings', auth: 'session', summary: "This guest's bookings, upcoming first",
    headers: GuestToken, ok: [200, BookingList],
    handler: async ({ deps, principal, headers }, c) => {
      // A read creates nothing: without a known guest the list is empty and no token is issued.
      const guest = await findGuest(deps.store.db, principal, headers[H.guestToken]);
      if (!guest) return { data: [] };
      const rows = await guestBookings(deps.store.db, guest.id, deps.now());
      c.header(H.guestToken, guest.token);
      return { data: rows.map(bookingOut) };
    },
  }),
  route({
    method: 'get', path: '/bookings', auth: 'secret', summary: "The business's bookings; from and to are the business's calendar dates",
    query: AdminBookingsQuery, ok: [200, AdminBookingList],
    handler: async ({ deps, principal, query }) => ({ data: (await businessBookings(deps.store.db, principal, query)).map(adminBookingOut) }),
  }),
];
