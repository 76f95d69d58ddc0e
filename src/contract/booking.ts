import * as z from 'zod/mini';

// The answers the widget parses after its first paint: availability, holds and bookings.
// Responses only, and open (unknown fields pass), so this module pulls no request checks along.

export const SlotOut = z.object({ start: z.string(), end: z.string() });
export const AvailabilityResponse = z.object({
  service_id: z.string(),
  timezone: z.string(),
  days: z.array(z.object({ date: z.string(), slots: z.array(SlotOut) })),
});
export type AvailabilityResponse = z.infer<typeof AvailabilityResponse>;

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

export const BOOKING_STATUSES = ['confirmed', 'cancelled'] as const;
/**
 * The two statuses, held by a regex check rather than z.enum: the widget already carries the
 * regex check (for emails), and z.enum would add a third of a kilobyte to it for this one field.
 * The OpenAPI document still states them as an enum (src/server/http/openapi.ts).
 */
export const BookingStatus = z.string().check(z.regex(new RegExp(`^(?:${BOOKING_STATUSES.join('|')})$`))) as z.ZodMiniType<(typeof BOOKING_STATUSES)[number]>;

export const Booking = z.object({
  id: z.string(),
  status: BookingStatus,
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

