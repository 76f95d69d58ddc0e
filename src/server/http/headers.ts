import * as z from 'zod/mini';
import { H } from '../../contract/index.ts';

// Request headers routes declare, so the validator reads them and the OpenAPI document lists them.

/** The guest's token: unknown or foreign ones are simply not this guest's (a new one is issued where needed). */
export const GuestToken = z.object({ [H.guestToken]: z.optional(z.string()) });

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,255}$/;
const SEND_ONE = 'Send a unique key (a UUID) per booking attempt';

/** `POST /bookings`: a key of the client's choosing per booking attempt, and the guest's token. */
export const BookingHeaders = z.object({
  [H.idempotencyKey]: z.string({ error: SEND_ONE }).check(z.regex(IDEMPOTENCY_KEY, SEND_ONE)),
  [H.guestToken]: z.optional(z.string()),
});
