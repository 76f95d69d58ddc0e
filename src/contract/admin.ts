import * as z from 'zod/mini';
import { CalendarDate, Email, Id, Money, Name, TimeZone, WallTime } from './common.ts';
import { Booking } from './booking.ts';
import { Metadata } from './metadata.ts';

const Origin = z.string().check(
  z.maxLength(300),
  z.regex(/^https?:\/\/[^/\s?#@]+$/, 'Must be an origin: scheme://host[:port], no path'),
);

export const ApiKeyCreate = z.strictObject({
  name: Name,
  /** `hub`: only a hub key creates one, for its own hub. */
  type: z.enum(['publishable', 'secret', 'hub']),
  allowed_origins: z.optional(z.array(Origin).check(z.maxLength(50))),
});
export type ApiKeyCreate = z.infer<typeof ApiKeyCreate>;
export const ApiKeyPatch = z.strictObject({
  name: z.optional(Name),
  allowed_origins: z.optional(z.array(Origin).check(z.maxLength(50))),
});
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['publishable', 'secret', 'hub']),
  mode: z.enum(['test', 'live']),
  prefix: z.string(),
  last4: z.string(),
  allowed_origins: z.array(z.string()),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
  last_used_at: z.nullable(z.string()),
});
export type ApiKey = z.infer<typeof ApiKey>;
export const ApiKeyCreated = z.extend(ApiKey, { key: z.string() });

const Minutes = (max: number) => z.int().check(z.gte(0, 'Must not be negative'), z.lte(max));
const serviceFields = {
  name: Name,
  description: z.optional(z.string().check(z.maxLength(5000))),
  duration_minutes: z.int().check(z.gte(5, 'Must be at least 5 minutes'), z.lte(24 * 60)),
  price: z.optional(z.nullable(Money)),
  buffer_before_minutes: z.optional(Minutes(24 * 60)),
  buffer_after_minutes: z.optional(Minutes(24 * 60)),
  min_notice_minutes: z.optional(Minutes(365 * 24 * 60)),
  horizon_days: z.optional(z.int().check(z.gte(1), z.lte(730))),
  slot_interval_minutes: z.optional(z.int().check(z.gte(5, 'Must be at least 5 minutes'), z.lte(24 * 60))),
  staff_ids: z.optional(z.array(Id).check(z.maxLength(200))),
  active: z.optional(z.boolean()),
};
export const ServiceCreate = z.strictObject(serviceFields);
export type ServiceCreate = z.infer<typeof ServiceCreate>;
export const ServicePatch = z.partial(ServiceCreate);
export type ServicePatch = z.infer<typeof ServicePatch>;
export const AdminService = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  duration_minutes: z.number(),
  price: z.nullable(Money),
  buffer_before_minutes: z.number(),
  buffer_after_minutes: z.number(),
  min_notice_minutes: z.number(),
  horizon_days: z.number(),
  slot_interval_minutes: z.number(),
  staff_ids: z.array(z.string()),
  active: z.boolean(),
  created_at: z.string(),
});
export type AdminService = z.infer<typeof AdminService>;

export const StaffCreate = z.strictObject({ name: Name, email: z.optional(Email), timezone: z.optional(TimeZone) });
export type StaffCreate = z.infer<typeof StaffCreate>;
export const StaffPatch = z.partial(StaffCreate);
export const Interval = z.tuple([WallTime, WallTime]);
const Intervals = z.array(Interval).check(z.maxLength(24));
export const Weekly = z.strictObject({
  mon: Intervals, tue: Intervals, wed: Intervals, thu: Intervals, fri: Intervals, sat: Intervals, sun: Intervals,
});
export type Weekly = z.infer<typeof Weekly>;
export const Schedule = z.strictObject({
  weekly: Weekly,
  exceptions: z.optional(z.array(z.strictObject({ date: CalendarDate, intervals: Intervals })).check(z.maxLength(1000))),
});
export type Schedule = z.infer<typeof Schedule>;
export const AdminStaff = z.object({
  id: z.string(),
  name: z.string(),
  email: z.nullable(z.string()),
  timezone: z.string(),
  schedule: z.object({
    weekly: z.record(z.string(), z.array(z.array(z.string()))),
    exceptions: z.array(z.object({ date: z.string(), intervals: z.array(z.array(z.string())) })),
  }),
  created_at: z.string(),
});
export type AdminStaff = z.infer<typeof AdminStaff>;

/** A booking as the merchant sees it (admin answers, webhooks): the customer's `Booking` and its attribution. */
export const AdminBooking = z.extend(Booking, { metadata: Metadata });
export type AdminBooking = z.infer<typeof AdminBooking>;
export const AdminBookingList = z.object({ data: z.array(AdminBooking) });

export const AdminBookingsQuery = z.strictObject({
  from: z.optional(CalendarDate),
  to: z.optional(CalendarDate),
  status: z.optional(z.enum(['confirmed', 'cancelled'])),
});

export const BusinessOut = z.object({ id: z.string(), name: z.string(), timezone: z.string() });
