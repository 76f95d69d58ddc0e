import * as z from 'zod/mini';
import { CalendarDate, Id, Instant, TimeZone } from './common.ts';
import { Customer, Notes } from './customer.ts';
import { Metadata } from './metadata.ts';

// Requests are strict (unknown fields are refused); responses are open, so that an older widget
// keeps working when the server learns a new field. The answers the widget needs for its first
// paint live in catalog.ts, so its first script carries only those.

export * from './catalog.ts';
export * from './booking.ts';
export * from './customer.ts';
export * from './metadata.ts';

export const AvailabilityQuery = z.strictObject({
  service_id: Id,
  from: CalendarDate,
  to: CalendarDate,
  timezone: TimeZone,
  staff_id: z.optional(Id),
});
export type AvailabilityQuery = z.infer<typeof AvailabilityQuery>;

export const HoldRequest = z.strictObject({ service_id: Id, start: Instant, staff_id: z.optional(Id) });
export type HoldRequest = z.infer<typeof HoldRequest>;
export const BookingRequest = z.strictObject({
  service_id: Id,
  start: Instant,
  staff_id: z.optional(Id),
  hold_id: z.optional(Id),
  timezone: TimeZone,
  customer: Customer,
  notes: z.optional(Notes),
  /** The customer's language (BCP 47), for the emails about this booking. */
  locale: z.optional(z.string().check(z.maxLength(35), z.regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, 'Must be a language tag such as de or en-GB'))),
  /** Sign up and book in one step (customer accounts, decision 012): the answer adds `tokens`. Needs a DPoP proof. */
  create_account: z.optional(z.strictObject({ password: z.string().check(z.minLength(1, 'Required'), z.maxLength(1000)) })),
  /** Attribution (utm_source and the like): answered to the merchant (admin, emails, webhooks), never to customers. */
  metadata: z.optional(Metadata),
});
export type BookingRequest = z.infer<typeof BookingRequest>;

export const ManageQuery = z.strictObject({ token: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)) });
export const CancelRequest = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(1000))) });
export const RescheduleRequest = z.strictObject({ start: Instant, staff_id: z.optional(Id) });
export type RescheduleRequest = z.infer<typeof RescheduleRequest>;
