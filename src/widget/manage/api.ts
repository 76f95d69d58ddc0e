import { BookingList, BookingResponse } from '../../contract/booking.ts';
import type { Api } from '../api.ts';
import type { FetchOptions } from '../net.ts';

// The routes the manage step calls, each answer parsed with the contract's schema. A booking's
// own routes take its manage token, not the session.
const manage = (id: string, token: string, action = '') =>
  `/bookings/${encodeURIComponent(id)}${action}?token=${encodeURIComponent(token)}`;

export const guestBookings = (api: Api, o?: FetchOptions) => api.call(BookingList, 'GET', '/guest/bookings', o);

export const booking = (api: Api, id: string, token: string, o?: FetchOptions) => api.call(BookingResponse, 'GET', manage(id, token), { ...o, auth: false });

export const cancel = (api: Api, id: string, token: string) => api.call(BookingResponse, 'POST', manage(id, token, '/cancel'), { body: {}, auth: false });

export const reschedule = (api: Api, id: string, token: string, start: string, staffId: string | undefined, o?: FetchOptions) =>
  api.call(BookingResponse, 'POST', manage(id, token, '/reschedule'), { ...o, body: { start, ...(staffId && { staff_id: staffId }) }, auth: false });
