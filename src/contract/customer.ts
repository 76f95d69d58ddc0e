import * as z from 'zod/mini';

// The customer's own fields: the server validates bookings with them, and the widget validates its
// details form with the very same schemas as the customer types. Kept in a module of their own so
// the widget loads these checks and no other request schema.

export const Name = z.string().check(z.trim(), z.minLength(1, 'Required'), z.maxLength(200));
// A plain string check rather than z.email(): the same rule, without another schema class in the
// widget's first script. Deliberately simple: one @, no spaces, a dot in the domain.
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
export const Email = z.string().check(z.maxLength(254), z.regex(EMAIL_PATTERN, 'Enter a valid email address'));
export const Phone = z.string().check(z.maxLength(40), z.regex(/^\+?[0-9 ().-]{3,40}$/, 'Enter a valid phone number'));

export const Customer = z.strictObject({ name: Name, email: Email, phone: z.optional(Phone) });
export type Customer = z.infer<typeof Customer>;
export const Notes = z.string().check(z.maxLength(2000));

