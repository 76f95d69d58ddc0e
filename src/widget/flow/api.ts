import { BookingCreated, BookingList, BookingResponse, HoldResponse } from '../../contract/booking.ts';
import type { BookingRequest } from '../../contract/widget.ts';
import type { Api } from '../api.ts';
import type { FetchOptions } from '../net.ts';

// The routes the flow calls after the first paint, each answer parsed with the contract's schema.
const manage = (id: string, token: string, action = '') =>
  `/bookings/${encodeURIComponent(id)}${action}?token=${encodeURIComponent(token)}`;

export const hold = (api: Api, body: { service_id: string; start: string; staff_id?: string | undefined }, o?: FetchOptions) =>
  api.call(HoldResponse, 'POST', '/holds', { ...o, body });

export const release = (api: Api, holdId: string) => api.call(null, 'DELETE', `/holds/${encodeURIComponent(holdId)}`);

/** The key is made once per booking attempt by the caller and reused by every retry. */
export const book = (api: Api, body: BookingRequest, idempotencyKey: string, o?: FetchOptions) =>
  api.call(BookingCreated, 'POST', '/bookings', { ...o, body, headers: { 'Idempotency-Key': idempotencyKey } });

export const guestBookings = (api: Api, o?: FetchOptions) => api.call(BookingList, 'GET', '/guest/bookings', o);

export const booking = (api: Api, id: string, token: string, o?: FetchOptions) => api.call(BookingResponse, 'GET', manage(id, token), { ...o, auth: false });

export const cancel = (api: Api, id: string, token: string) => api.call(BookingResponse, 'POST', manage(id, token, '/cancel'), { body: {}, auth: false });

export const reschedule = (api: Api, id: string, token: string, start: string, o?: FetchOptions) =>
  api.call(BookingResponse, 'POST', manage(id, token, '/reschedule'), { ...o, body: { start }, auth: false });
