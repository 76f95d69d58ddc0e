import { BookingResponse, CancelRequest, ManageQuery, RescheduleRequest } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { checked, instant } from '../http/inputs.ts';
import { bookingOut } from '../domain/bookings.ts';
import { bookingByToken, cancelBooking, rescheduleBooking } from '../domain/manage.ts';

// Public routes: the booking's manage token (in the query) is the credential.

const MoveTo = checked(RescheduleRequest, {}, (b) => ({ startMs: instant(b.start, 'start'), staffId: b.staff_id }));

export const manageRoutes = [
  route({
    method: 'get', path: '/bookings/{id}', auth: 'manage', summary: 'View a booking by its manage token',
    query: ManageQuery, ok: [200, BookingResponse],
    handler: async ({ deps, params, query }) => ({ booking: bookingOut(await bookingByToken(deps.store.db, params.id, query.token)) }),
  }),
  route({
    method: 'post', path: '/bookings/{id}/cancel', auth: 'manage', summary: 'Cancel a booking by its manage token (twice is fine)',
    query: ManageQuery, body: CancelRequest, bodyOptional: true, ok: [200, BookingResponse],
    handler: async ({ deps, params, query, body }) => ({ booking: bookingOut(await cancelBooking(deps, params.id, query.token, body.reason)) }),
  }),
  route({
    method: 'post', path: '/bookings/{id}/reschedule', auth: 'manage', summary: 'Move a booking by its manage token',
    query: ManageQuery, body: MoveTo, ok: [200, BookingResponse], errors: ['slot_taken', 'forbidden'],
    handler: async ({ deps, params, query, body }) => ({ booking: bookingOut(await rescheduleBooking(deps, params.id, query.token, body)) }),
  }),
];
