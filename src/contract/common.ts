import * as z from 'zod/mini';

export const Id = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, 'Must be an id'));

/** RFC 3339 instant. Inputs may carry an offset; the API always answers in UTC (`Z`). */
export const Instant = z.iso.datetime({ offset: true, error: 'Must be an RFC 3339 date-time' });
export const CalendarDate = z.iso.date({ error: 'Must be a date (YYYY-MM-DD)' });

/** An IANA zone name; whether it exists is checked by the server, which answers canonical names. */
export const TimeZone = z.string().check(
  z.minLength(1, 'Required'),
  z.maxLength(64),
  z.regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'Must be an IANA time zone such as Europe/Berlin'),
);

export const Currency = z.string().check(z.regex(/^[A-Z]{3}$/, 'Must be an ISO 4217 code such as EUR'));
export const Money = z.strictObject({
  amount_minor: z.int().check(z.gte(0, 'Must not be negative'), z.lte(1_000_000_000)),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

/** "HH:MM" wall-clock time; "24:00" is allowed as the end of a day. */
export const WallTime = z.string().check(z.regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Must be a time HH:MM (00:00 to 24:00)'));

export { Name, Email, EMAIL_PATTERN, Phone } from './customer.ts';

export const list = <T extends z.core.SomeType>(item: T) => z.object({ data: z.array(item) });
