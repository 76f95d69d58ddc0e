import * as z from 'zod/mini';
import { CalendarDate, Email, Id, Instant, Name, Phone, TimeZone } from './common.ts';

// Requests are strict (unknown fields are refused); responses are open, so that an older widget
// keeps working when the server learns a new field. The answers the widget needs for its first
// paint live in catalog.ts, so its first script carries only those.

export * from './catalog.ts';

export const AvailabilityQuery = z.strictObject({
  service_id: Id,
  from: CalendarDate,
  to: CalendarDate,
  timezone: TimeZone,
  staff_id: z.optional(Id),
});
export type AvailabilityQuery = z.infer<typeof AvailabilityQuery>;

export const SlotOut = z.object({ start: z.string(), end: z.string() });
export const AvailabilityResponse = z.object({
  service_id: z.string(),
  timezone: z.string(),
  days: z.array(z.object({ date: z.string(), slots: z.array(SlotOut) })),
});
export type AvailabilityResponse = z.infer<typeof AvailabilityResponse>;

export const HoldRequest = z.strictObject({ service_id: Id, start: Instant, staff_id: z.optional(Id) });
export type HoldRequest = z.infer<typeof HoldRequest>;
export const Hold = z.object({
  id: z.string(),
  service_id: z.string(),
  staff_id: z.string(),
  start: z.string(),
  end: z.string(),
  expires_at: z.string(),
});
export type Hold = z.infer<typeof Hold>;
export const HoldResponse = z.object({ hold: Hold });

export const Customer = z.strictObject({ name: Name, email: Email, phone: z.optional(Phone) });
export type Customer = z.infer<typeof Customer>;
export const Notes = z.string().check(z.maxLength(2000));

export const BookingRequest = z.strictObject({
  service_id: Id,
  start: Instant,
  staff_id: z.optional(Id),
  hold_id: z.optional(Id),
  timezone: TimeZone,
  customer: Customer,
  notes: z.optional(Notes),
});
export type BookingRequest = z.infer<typeof BookingRequest>;

export const Booking = z.object({
  id: z.string(),
  status: z.enum(['confirmed', 'cancelled']),
  service_id: z.string(),
  staff_id: z.string(),
  start: z.string(),
  end: z.string(),
  timezone: z.string(),
  customer: z.object({ name: z.string(), email: z.string(), phone: z.optional(z.string()) }),
  notes: z.string(),
  created_at: z.string(),
  cancelled_at: z.optional(z.string()),
});
export type Booking = z.infer<typeof Booking>;
export const BookingCreated = z.object({ booking: Booking, manage_token: z.string() });
export type BookingCreated = z.infer<typeof BookingCreated>;
export const BookingResponse = z.object({ booking: Booking });
export const BookingList = z.object({ data: z.array(Booking) });

export const ManageQuery = z.strictObject({ token: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)) });
export const CancelRequest = z.strictObject({ reason: z.optional(z.string().check(z.maxLength(1000))) });
export const RescheduleRequest = z.strictObject({ start: Instant, staff_id: z.optional(Id) });
export type RescheduleRequest = z.infer<typeof RescheduleRequest>;
