import * as z from 'zod/mini';
import {
  AvailabilityResponse, BookingCreated, BookingList, BookingResponse, HoldResponse, ServiceList,
  type BookingRequest,
} from '../contract/widget.ts';
import { FATAL_CREDENTIAL_CODES } from '../contract/errors.ts';
import { WidgetApiError, send, type FetchOptions } from './net.ts';
import type { Session } from './session.ts';
import { store } from './storage.ts';

/**
 * The widget's one API client. Every answer is parsed with the contract's schemas; a 401
 * `session_expired` refreshes the session and retries once; a dead key stops the session.
 */
export class Api {
  constructor(readonly session: Session) {}

  /** Where this browser's guest token for the business lives. */
  get guestKey() {
    return `bw:guest:${new URL(this.session.apiBase).origin}:${this.session.data?.business.id}`;
  }

  private async call<T extends z.ZodMiniType>(
    schema: T | null, method: string, path: string,
    o: FetchOptions & { body?: unknown; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<z.infer<T>> {
    const attempt = async (token: string | undefined) => {
      const headers: Record<string, string> = { ...o.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      const guest = store.get<string>(this.guestKey);
      if (guest) headers['X-Guest-Token'] = guest;
      if (o.body !== undefined) headers['Content-Type'] = 'application/json';
      return send(`${this.session.apiBase}/api/v1${path}`, { method, headers, body: o.body === undefined ? null : JSON.stringify(o.body) }, o);
    };
    const auth = o.auth !== false;
    let res: Response;
    try {
      res = await attempt(auth ? (await this.session.get()).token : undefined);
    } catch (err) {
      if (!(err instanceof WidgetApiError)) throw err;
      if (auth && err.code === 'session_expired') {
        res = await attempt((await this.session.refresh(this.session.data?.token)).token);
      } else {
        if (auth && FATAL_CREDENTIAL_CODES.includes(err.code)) this.session.kill(err.code);
        throw err;
      }
    }
    const guest = res.headers.get('X-Guest-Token');
    if (guest) store.set(this.guestKey, guest);
    if (!schema) return undefined as z.infer<T>;
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success) throw new WidgetApiError('bad_response', 'Unexpected answer from the booking service', res.status);
    return parsed.data;
  }

  services(o?: FetchOptions) {
    return this.call(ServiceList, 'GET', '/services', o);
  }

  availability(q: { service_id: string; from: string; to: string; timezone: string; staff_id?: string | undefined }, o?: FetchOptions) {
    const qs = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
    return this.call(AvailabilityResponse, 'GET', `/availability?${qs}`, o);
  }

  hold(body: { service_id: string; start: string; staff_id?: string | undefined }, o?: FetchOptions) {
    return this.call(HoldResponse, 'POST', '/holds', { ...o, body });
  }

  release(holdId: string) {
    return this.call(null, 'DELETE', `/holds/${encodeURIComponent(holdId)}`);
  }

  /** The key is made once per booking attempt by the caller and reused by every retry. */
  book(body: BookingRequest, idempotencyKey: string, o?: FetchOptions) {
    return this.call(BookingCreated, 'POST', '/bookings', { ...o, body, headers: { 'Idempotency-Key': idempotencyKey } });
  }

  guestBookings(o?: FetchOptions) {
    return this.call(BookingList, 'GET', '/guest/bookings', o);
  }

  booking(id: string, token: string, o?: FetchOptions) {
    return this.call(BookingResponse, 'GET', `/bookings/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`, { ...o, auth: false });
  }

  cancel(id: string, token: string) {
    return this.call(BookingResponse, 'POST', `/bookings/${encodeURIComponent(id)}/cancel?token=${encodeURIComponent(token)}`, { body: {}, auth: false });
  }

  reschedule(id: string, token: string, start: string, o?: FetchOptions) {
    return this.call(BookingResponse, 'POST', `/bookings/${encodeURIComponent(id)}/reschedule?token=${encodeURIComponent(token)}`, { ...o, body: { start }, auth: false });
  }
}
