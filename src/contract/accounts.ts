import * as z from 'zod/mini';
import { Email, Name, Phone } from './customer.ts';

// Customer accounts (API.md, "Customer accounts"; decision 012). Requests are strict; answers open.
// Server and OpenAPI only: the widget's accounts chunk reads the answers with its own few schemas
// (src/widget/accounts/index.ts), so these request checks never reach a browser.

/** A password as sent; its length and commonness are judged by the server (too short, too common: 400). */
export const Password = z.string().check(z.minLength(1, 'Required'), z.maxLength(1000));
/** Where the page that asked is, for the links mailed back to it: a path on the session's origin. */
export const ReturnPath = z.string().check(z.maxLength(500), z.regex(/^\/(?:[^\s\\/][^\s\\]*)?$/, 'Must be a path on this page\'s origin, starting with /'));
export const LocaleTag = z.string().check(z.maxLength(35), z.regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/, 'Must be a language tag such as de or en-GB'));
const linkFields = { page: z.optional(ReturnPath), locale: z.optional(LocaleTag) };

export const SignUpRequest = z.strictObject({ email: Email, password: Password, name: Name, phone: z.optional(Phone), ...linkFields });
export type SignUpRequest = z.infer<typeof SignUpRequest>;
export const SignInRequest = z.strictObject({ email: Email, password: Password, ...linkFields });
export const OtpVerifyRequest = z.strictObject({ email: Email, otp: z.string().check(z.regex(/^\d{6}$/, 'Enter the 6-digit code')) });
export const RefreshRequest = z.strictObject({ refresh: z.string().check(z.minLength(1), z.maxLength(4000)) });
export const TokenRequest = z.strictObject({ token: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)) });
export const EmailRequest = z.strictObject({ email: Email, ...linkFields });
export const LinkRequest = z.strictObject(linkFields);
export const ResetPasswordRequest = z.strictObject({ token: z.string().check(z.minLength(1, 'Required'), z.maxLength(200)), password: Password });
export const ChangePasswordRequest = z.strictObject({ password: Password, new_password: Password });
export const CustomerPatch = z.strictObject({ name: z.optional(Name), phone: z.optional(z.nullable(Phone)), locale: z.optional(LocaleTag) });
/** `POST /bookings`' `create_account`: sign up and book in one step. */
export const CreateAccount = z.strictObject({ password: Password });

export const TokenPair = z.object({
  access: z.string(),
  refresh: z.string(),
  token_type: z.string(),
  expires_in: z.number(),
  refresh_expires_in: z.number(),
});
export type TokenPair = z.infer<typeof TokenPair>;
/** Sign-in's answer: the pair, or the one-time code step when the business asks for it. */
export const SignInResponse = z.union([TokenPair, z.object({ otp_required: z.literal(true) })]);
/** What sign-up and the requests for a mail answer, the same whether the email has an account or not. */
export const Accepted = z.object({ status: z.string() });

export const CustomerProfile = z.object({
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  name: z.string(),
  phone: z.nullable(z.string()),
  created_at: z.string(),
});
export type CustomerProfile = z.infer<typeof CustomerProfile>;
