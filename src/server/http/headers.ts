import * as z from 'zod/mini';
import { H } from '../../contract/index.ts';

// Request headers routes declare, so the validator reads them and the OpenAPI document lists them.

/** The guest's token: unknown or foreign ones are simply not this guest's (a new one is issued where needed). */
export const GuestToken = z.object({ [H.guestToken]: z.optional(z.string()) });

/** draft-ietf-httpapi-idempotency-key-header: 1–255 visible ASCII characters; a UUID is recommended. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const SEND_ONE = 'Send a unique key per booking attempt: 1-255 visible ASCII characters (a UUID is recommended)';

/** `POST /bookings`: a key of the client's choosing per booking attempt, and the guest's token. */
export const BookingHeaders = z.object({
  [H.idempotencyKey]: z.string({ error: SEND_ONE }).check(z.regex(IDEMPOTENCY_KEY, SEND_ONE)),
  [H.guestToken]: z.optional(z.string()),
});
