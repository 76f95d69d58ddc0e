import * as z from 'zod/mini';
import { Email, Name, TimeZone } from './common.ts';
import { AdminBooking } from './admin.ts';

// Business settings and webhooks: admin routes (secret key), so the widget never loads this file.

/** An absolute http(s) URL without credentials in it. */
const Url = z.string().check(
  z.maxLength(2000),
  z.regex(/^https?:\/\/[^\s/?#@]+(?:[/?#]\S*)?$/, 'Must be an http:// or https:// URL without user:password@'),
);

export const BusinessSettings = z.object({
  id: z.string(),
  name: z.string(),
  timezone: z.string(),
  booking_page_url: z.nullable(z.string()),
  notification_email: z.nullable(z.string()),
  reply_to: z.nullable(z.string()),
  /** Customer accounts (decision 012): `off` or `optional`; a one-time code after the password: `off` or `required`. */
  accounts: z.enum(['off', 'optional']),
  sign_in_code: z.enum(['off', 'required']),
});
export type BusinessSettings = z.infer<typeof BusinessSettings>;

export const BusinessPatch = z.strictObject({
  name: z.optional(Name),
  timezone: z.optional(TimeZone),
  /** The merchant page that hosts the widget; manage links are `<url>?booking=<id>&token=<token>`. */
  booking_page_url: z.optional(z.nullable(Url)),
  /** Where notices of new, changed and cancelled bookings go. */
  notification_email: z.optional(z.nullable(Email)),
  /** The Reply-To of the emails customers receive. */
  reply_to: z.optional(z.nullable(Email)),
  /** Customer accounts for the widget's customers: `off` (default) or `optional`. */
  accounts: z.optional(z.enum(['off', 'optional'])),
  /** With accounts on: `required` mails a one-time code after the password. */
  sign_in_code: z.optional(z.enum(['off', 'required'])),
});
export type BusinessPatch = z.infer<typeof BusinessPatch>;

/** `POST /api/v1/businesses` with a hub key: a new business in the hub. */
export const BusinessCreate = z.strictObject({
  name: Name,
  timezone: TimeZone,
  booking_page_url: z.optional(z.nullable(Url)),
});
export type BusinessCreate = z.infer<typeof BusinessCreate>;

export const WEBHOOK_EVENTS = ['booking.created', 'booking.rescheduled', 'booking.cancelled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
const EventList = z.array(z.enum(WEBHOOK_EVENTS)).check(z.minLength(1, 'Name at least one event'), z.maxLength(3));

export const WebhookCreate = z.strictObject({
  url: Url,
  events: z.optional(EventList),
  active: z.optional(z.boolean()),
});
export type WebhookCreate = z.infer<typeof WebhookCreate>;
export const WebhookPatch = z.strictObject({ url: z.optional(Url), events: z.optional(EventList), active: z.optional(z.boolean()) });
export type WebhookPatch = z.infer<typeof WebhookPatch>;

export const Webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  active: z.boolean(),
  mode: z.enum(['test', 'live']),
  /** Why the endpoint was switched off automatically; null while it is healthy or was switched off by hand. */
  disabled_reason: z.nullable(z.string()),
  created_at: z.string(),
});
export type Webhook = z.infer<typeof Webhook>;
/** The create answer alone holds the signing secret (`whsec_…`). */
export const WebhookCreated = z.extend(Webhook, { secret: z.string() });

export const DeliveryAttempt = z.object({
  at: z.string(),
  status_code: z.nullable(z.number()),
  duration_ms: z.number(),
  error: z.nullable(z.string()),
  /** The first 200 characters of the receiver's answer, no more. */
  response_excerpt: z.nullable(z.string()),
});
export const WebhookDelivery = z.object({
  id: z.string(),
  event_id: z.string(),
  event_type: z.enum(WEBHOOK_EVENTS),
  booking_id: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  next_attempt_at: z.nullable(z.string()),
  created_at: z.string(),
  attempts: z.array(DeliveryAttempt),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookEvent = z.object({
  id: z.string(),
  type: z.enum(WEBHOOK_EVENTS),
  created_at: z.string(),
  data: z.object({ booking: AdminBooking }),
});
