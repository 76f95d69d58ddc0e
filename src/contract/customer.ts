import * as z from 'zod/mini';

// The customer's own fields: the server validates bookings with them, and the widget validates its
// details form with the very same schemas as the customer types. Kept in a module of their own so
// the widget loads these checks and no other request schema.

export const Name = z.string().check(z.trim(), z.minLength(1, 'Required'), z.maxLength(200));
// An addr-spec with nothing a mail header or SMTP could read as a separator, route or second
// address (security review issue 14: `postmaster>,eve@evil.example` and `a;b:c@evil.example` each
// named another recipient): a local part of dot-separated atoms (letters of any script, digits,
// and RFC 5322's atext but `%` and `!`, old relays' routing), then at least two dot-separated
// domain labels ending in letters or a punycode label. No quotes, `<>,;:()[]\@`, spaces or
// control characters. Letters of any script, so `josé@müller.de` books as well as ASCII does.
export const EMAIL_PATTERN = /^[\p{L}\p{M}\p{N}#$&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{M}\p{N}#$&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?\.)+(?:\p{L}[\p{L}\p{M}]+|[xX][nN]--[a-zA-Z0-9-]+)$/u;
export const Email = z.string().check(z.maxLength(254), z.regex(EMAIL_PATTERN, 'Enter a valid email address'));
export const Phone = z.string().check(z.maxLength(40), z.regex(/^\+?[0-9 ().-]{3,40}$/, 'Enter a valid phone number'));

export const Customer = z.strictObject({ name: Name, email: Email, phone: z.optional(Phone) });
export type Customer = z.infer<typeof Customer>;
export const Notes = z.string().check(z.maxLength(2000));

