import { BookingCreated, HoldResponse } from '../../contract/booking.ts';
import type { BookingRequest } from '../../contract/widget.ts';
import type { Api } from '../api.ts';
import type { FetchOptions } from '../net.ts';

// The routes the flow calls after the first paint, each answer parsed with the contract's schema.
export const hold = (api: Api, body: { service_id: string; start: string; staff_id?: string | undefined }, o?: FetchOptions) =>
  api.call(HoldResponse, 'POST', '/holds', { ...o, body });

export const release = (api: Api, holdId: string) => api.call(null, 'DELETE', `/holds/${encodeURIComponent(holdId)}`);

/** The key is made once per booking attempt by the caller and reused by every retry. */
export const book = (api: Api, body: BookingRequest, idempotencyKey: string, o?: FetchOptions) =>
  api.call(BookingCreated, 'POST', '/bookings', { ...o, body, headers: { 'Idempotency-Key': idempotencyKey } });
