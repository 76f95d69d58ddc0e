import * as z from 'zod/mini';

// The customer's own fields: the server validates bookings with them, and the widget validates its
// details form with the very same schemas as the customer types. Kept in a module of their own so
// the widget loads these checks and no other request schema.

export const Name = z.string().check(z.trim(), z.minLength(1, 'Required'), z.maxLength(200));
// An addr-spec with nothing a mail header or SMTP could read as a separator, route or second
// address (security review issue 14: `postmaster>,eve@evil.example` and `a;b:c@evil.example` each
// named another recipient): zod's own email pattern, the strictest it offers, that z.email() checks
// by default. A local part of dot-separated runs of letters, digits and _ ' + - (no quotes, no
// `<>,;:()[]\`, no spaces or control characters, no `%` or `!` routing), then a domain of at least two
// dot-separated labels of letters, digits and hyphens, the last all letters. A plain regex check
// rather than z.email(): the same rule, without another schema class in the widget's script.
export const EMAIL_PATTERN = z.regexes.email;
export const Email = z.string().check(z.maxLength(254), z.regex(EMAIL_PATTERN, 'Enter a valid email address'));
export const Phone = z.string().check(z.maxLength(40), z.regex(/^\+?[0-9 ().-]{3,40}$/, 'Enter a valid phone number'));

export const Customer = z.strictObject({ name: Name, email: Email, phone: z.optional(Phone) });
export type Customer = z.infer<typeof Customer>;
export const Notes = z.string().check(z.maxLength(2000));

