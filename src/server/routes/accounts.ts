import * as z from 'zod/mini';
import * as A from '../../contract/accounts.ts';
import { Booking } from '../../contract/booking.ts';
import { route } from '../http/route.ts';
import { DPOP_HEADER, verifyDpop } from '../auth/dpop.ts';
import { checkNewPassword } from '../auth/passwords.ts';
import * as customers from '../domain/customers.ts';
import { bookingOut, guestBookings } from '../domain/bookings.ts';
import { issueManageToken } from '../domain/manage-tokens.ts';

// Customer accounts (API.md "Customer accounts", decision 012). Every route takes a session token
// or a customer's access token; the customer's own routes take the latter only.

const Dpop = z.object({ [DPOP_HEADER]: z.optional(z.string()) });
const ACCEPTED = { status: 'accepted' } as const;
/** One of the account's bookings, with a manage token for its actions when it is still to come. */
const MyBooking = z.extend(Booking, { manage_token: z.optional(z.string()) });

export const accountRoutes = [
  route({
    method: 'post', path: '/auth/sign-up', auth: 'session', summary: 'Create a customer account and sign in (DPoP); mails a verification link (the same answer whether the email has an account)',
    headers: Dpop, body: A.SignUpRequest, ok: [201, A.TokenPair], errors: ['forbidden'],
    handler: async ({ deps, principal, body }, c) => {
      checkNewPassword(body.password);
      const jkt = await verifyDpop(c, deps);
      return customers.signUp(c, deps, principal, jkt, body);
    },
  }),
  route({
    method: 'post', path: '/auth/sign-in', auth: 'session', summary: 'Sign in with email and password (DPoP): the token pair, or { otp_required: true } when the business asks for a code',
    headers: Dpop, body: A.SignInRequest, ok: [200, A.SignInResponse], errors: ['forbidden'],
    handler: async ({ deps, principal, body }, c) => {
      const jkt = await verifyDpop(c, deps);
      return customers.signIn(c, deps, principal, jkt, body);
    },
  }),
  route({
    method: 'post', path: '/auth/otp/verify', auth: 'session', summary: 'The one-time code mailed after the password (DPoP): the token pair',
    headers: Dpop, body: A.OtpVerifyRequest, ok: [200, A.TokenPair], errors: ['forbidden'],
    handler: async ({ deps, principal, body }, c) => {
      const jkt = await verifyDpop(c, deps);
      return customers.verifyOtp(c, deps, principal, jkt, body);
    },
  }),
  route({
    method: 'post', path: '/auth/refresh', auth: 'session', summary: 'A new token pair for a refresh token, with a DPoP proof from the key it is bound to; a reused token ends its family',
    headers: Dpop, body: A.RefreshRequest, ok: [200, A.TokenPair],
    handler: async ({ deps, principal, body }, c) => {
      const jkt = await verifyDpop(c, deps);
      return customers.refreshPair(deps, principal, body.refresh, jkt);
    },
  }),
  route({
    method: 'post', path: '/auth/sign-out', auth: 'session', summary: "End the refresh token's family (this device's sign-in)",
    body: A.RefreshRequest, ok: [204, null],
    handler: async ({ deps, principal, body }) => {
      await customers.signOut(deps, principal, body.refresh);
      return null;
    },
  }),
  route({
    method: 'post', path: '/auth/request-email-verification', auth: 'session', summary: 'Mail the signed-in customer a new verification link',
    body: A.LinkRequest, bodyOptional: true, ok: [202, A.Accepted], errors: ['forbidden'],
    handler: async ({ deps, principal, body }, c) => {
      await customers.requestVerification(c, deps, principal, body.page);
      return ACCEPTED;
    },
  }),
  route({
    method: 'post', path: '/auth/verify-email', auth: 'session', summary: "Confirm the email with the link's token, signed in to the account it was mailed for",
    body: A.TokenRequest, ok: [200, A.CustomerProfile], errors: ['forbidden'],
    handler: async ({ deps, principal, body }) => customers.verifyEmail(deps, principal, body.token),
  }),
  route({
    method: 'post', path: '/auth/request-password-reset', auth: 'session', summary: 'Mail a password reset link (the same answer whether the email has an account)',
    body: A.EmailRequest, ok: [202, A.Accepted], errors: ['forbidden'],
    handler: async ({ deps, principal, body }, c) => {
      await customers.requestReset(c, deps, principal, body);
      return ACCEPTED;
    },
  }),
  route({
    method: 'post', path: '/auth/reset-password', auth: 'session', summary: "Set a new password with the reset link's token; every device of the account is signed out",
    body: A.ResetPasswordRequest, ok: [204, null], errors: ['forbidden'],
    handler: async ({ deps, principal, body }) => {
      await customers.resetPassword(deps, principal, body);
      return null;
    },
  }),
  route({
    method: 'post', path: '/auth/change-password', auth: 'session', summary: "Change the signed-in customer's password; the account's other devices are signed out",
    body: A.ChangePasswordRequest, ok: [204, null],
    handler: async ({ deps, principal, body }) => {
      await customers.changePassword(deps, principal, body);
      return null;
    },
  }),
  route({
    method: 'get', path: '/customers/me', auth: 'session', summary: "The signed-in customer's profile",
    ok: [200, A.CustomerProfile],
    handler: async ({ deps, principal }) => customers.profileOut(await customers.me(deps.store.db, principal)),
  }),
  route({
    method: 'patch', path: '/customers/me', auth: 'session', summary: "Change the signed-in customer's name, phone or language",
    body: A.CustomerPatch, ok: [200, A.CustomerProfile],
    handler: async ({ deps, principal, body }) => customers.updateMe(deps, principal, body),
  }),
  route({
    method: 'delete', path: '/customers/me', auth: 'session', summary: 'Erase the account; its bookings keep what the merchant needs and lose the link',
    ok: [204, null],
    handler: async ({ deps, principal }) => {
      await customers.eraseMe(deps, principal);
      return null;
    },
  }),
  route({
    method: 'get', path: '/customers/me/bookings', auth: 'session', summary: "The account's bookings from every device, upcoming first; those to come carry a manage token",
    ok: [200, z.object({ data: z.array(MyBooking) })],
    handler: async ({ deps, principal }) => {
      const account = await customers.me(deps.store.db, principal);
      const now = deps.now();
      const rows = await guestBookings(deps.store.db, account.id, now, 'customer_id');
      const data = [];
      for (const row of rows) {
        const out = bookingOut(row);
        data.push(row.status === 'confirmed' && row.end_ms > now ? { ...out, manage_token: await issueManageToken(deps.store.db, row.id, now) } : out);
      }
      return { data };
    },
  }),
];
