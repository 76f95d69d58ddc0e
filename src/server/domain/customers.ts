import { createHash } from 'node:crypto';
import { afterAnswer } from '../background.ts';
import type { Context } from 'hono';
import type { CustomerProfile, TokenPair } from '../../contract/accounts.ts';
import type { AppEnv, Deps, SessionPrincipal } from '../context.ts';
import { ApiError, invalid } from '../http/errors.ts';
import { limit, ipBucket } from '../auth/authenticate.ts';
import { AUDIENCE, AUDIENCE_REFRESH } from '../auth/sessions.ts';
import { checkNewPassword, checkPassword, hashPassword } from '../auth/passwords.ts';
import { hashToken, newId, sameHash } from '../auth/tokens.ts';
import type { Tx } from '../store/db.ts';
import type { BusinessRow, CustomerFamilyRow, CustomerRow } from '../store/schema.ts';
import { queueAccountMail, type AccountMailKind } from '../notify/account-mail.ts';
import { iso } from '../time.ts';
import type { Scope } from './catalog.ts';

// Customer accounts (API.md "Customer accounts", decision 012).

export const ACCESS_SECONDS = 15 * 60;
export const REFRESH_SECONDS = 30 * 24 * 3600;
/** The replaced refresh token still answers the current pair this long (two tabs racing). */
export const REUSE_GRACE_MS = 10_000;
/** How long mailed secrets live, and how often a code may be guessed. */
export const VERIFY_TTL_MS = 24 * 3600_000;
export const RESET_TTL_MS = 3600_000;
export const CODE_TTL_MS = 10 * 60_000;
export const CODE_ATTEMPTS = 5;

const unauthorized = (message: string) => new ApiError('unauthorized', message);
export const WRONG_CREDENTIALS = 'Wrong email or password';

export const normalEmail = (email: string) => email.trim().toLowerCase();

/** The business behind the caller, when it has accounts on (403 otherwise). */
export async function accountsOn(db: Tx, p: Scope): Promise<BusinessRow> {
  const biz = await db.selectFrom('businesses').selectAll().where('id', '=', p.businessId).executeTakeFirstOrThrow();
  if (biz.accounts !== 'optional') throw new ApiError('forbidden', 'Customer accounts are off for this business');
  return biz;
}

/** The signed-in customer of this request (401 for a session without one). */
export async function me(db: Tx, p: SessionPrincipal): Promise<CustomerRow> {
  if (!p.customerId) throw unauthorized('Sign in: this route takes a customer access token');
  const row = await db.selectFrom('customers').selectAll().where('id', '=', p.customerId).executeTakeFirst();
  if (!row || row.business_id !== p.businessId || row.mode !== p.mode) throw unauthorized('Signed out: sign in again');
  return row;
}

export const profileOut = (c: CustomerRow): CustomerProfile => ({
  id: c.id, email: c.email, email_verified: c.email_verified_at !== null, name: c.name, phone: c.phone, created_at: iso(c.created_at),
});

/**
 * The account an email signs in to: the verified one, else the newest unverified one (sign-up
 * makes one per attempt, so that its answer is the same whether the email has an account).
 */
async function accountFor(db: Tx, p: Scope, email: string): Promise<CustomerRow | undefined> {
  const rows = await db.selectFrom('customers').selectAll()
    .where('business_id', '=', p.businessId).where('mode', '=', p.mode).where('email', '=', normalEmail(email))
    .orderBy('created_at', 'desc').limit(20).execute();
  return rows.find((r) => r.email_verified_at !== null) ?? rows[0];
}

const verifiedOwner = (db: Tx, p: Scope, email: string) =>
  db.selectFrom('customers').select('id').where('business_id', '=', p.businessId).where('mode', '=', p.mode)
    .where('email', '=', normalEmail(email)).where('email_verified_at', 'is not', null).executeTakeFirst();

/** Sign-ins, codes and mail requests: per client IP, and per email at this business, known or not. */
export async function limitAttempts(c: Context<AppEnv>, deps: Deps, p: Scope, email: string) {
  const who = createHash('sha256').update(`${p.businessId}:${p.mode}:${normalEmail(email)}`).digest('base64url');
  await limit(c, deps, [ipBucket(c, deps, 'signIn'), { bucket: 'signInAccount', key: who }]);
}

/**
 * Where mailed links lead: the page that asked (its origin is the session's, which the key
 * allows; `page` is its path), else the business's booking page, else nowhere.
 */
export function linkBase(biz: BusinessRow, p: SessionPrincipal, page: string | undefined): string | null {
  if (p.origin) return new URL(page ?? '/', p.origin).toString();
  return biz.booking_page_url;
}

// ---- Tokens -------------------------------------------------------------------------------------

/**
 * The family's current pair, made from its row: the same row gives the same two tokens, byte for
 * byte, so a racing tab is answered the pair the first one got without the pair being stored.
 */
export async function pairOf(deps: Deps, fam: CustomerFamilyRow): Promise<TokenPair> {
  const base = { bid: fam.business_id, kid_api: fam.key_id, mode: fam.mode, origin: fam.origin };
  const iat = fam.issued_at;
  const access = await deps.sessions.sign({ ...base, cus: fam.customer_id, fam: fam.id },
    { audience: AUDIENCE, iat, exp: iat + ACCESS_SECONDS, jti: `${fam.id}.${fam.generation}.a`, kid: fam.kid });
  const refresh = await deps.sessions.sign({ ...base, sub: fam.customer_id, fam: fam.id, gen: fam.generation, cnf: { jkt: fam.jkt } },
    { audience: AUDIENCE_REFRESH, iat, exp: iat + REFRESH_SECONDS, jti: `${fam.id}.${fam.generation}.r`, kid: fam.kid });
  const left = Math.max(0, iat + ACCESS_SECONDS - Math.floor(deps.now() / 1000));
  return { access: access.token, refresh: refresh.token, token_type: 'Bearer', expires_in: left, refresh_expires_in: REFRESH_SECONDS - (ACCESS_SECONDS - left) };
}

/** A new family (one signed-in browser) for the customer, bound to the DPoP key `jkt`; answers its first pair. */
export async function startFamily(deps: Deps, p: SessionPrincipal, customerId: string, jkt: string): Promise<TokenPair> {
  const now = deps.now();
  const fam: CustomerFamilyRow = {
    id: newId('fam'), customer_id: customerId, business_id: p.businessId, mode: p.mode, key_id: p.keyId, origin: p.origin, jkt,
    generation: 1, issued_at: Math.floor(now / 1000), kid: await deps.sessions.activeKid(), rotated_at: null, created_at: now,
    revoked_at: null, revoked_reason: null,
  };
  await deps.store.db.insertInto('customer_families').values(fam).execute();
  return pairOf(deps, fam);
}

interface RefreshClaims { fam: string; gen: number; bid: string; mode: string; origin: string | null; jkt: string; sub: string }

async function readRefresh(deps: Deps, token: string): Promise<RefreshClaims> {
  const c = (await deps.sessions.verifyAudience(token, AUDIENCE_REFRESH)) as Record<string, unknown>;
  const cnf = c.cnf as { jkt?: unknown } | undefined;
  if (typeof c.fam !== 'string' || typeof c.gen !== 'number' || typeof c.bid !== 'string' || typeof c.mode !== 'string'
    || !(c.origin === null || typeof c.origin === 'string') || typeof cnf?.jkt !== 'string' || typeof c.sub !== 'string') {
    throw unauthorized('Invalid refresh token');
  }
  return { fam: c.fam, gen: c.gen, bid: c.bid, mode: c.mode, origin: c.origin, jkt: cnf.jkt, sub: c.sub };
}

/**
 * Rotates a refresh token (decision 012). In one write under the family's lock (SQLite's write
 * lock; on PostgreSQL the family's advisory lock and the row's FOR UPDATE), so that of any number
 * of requests with one token exactly one rotates: the current token moves the family on; the
 * one just replaced, within REUSE_GRACE_MS, answers the current pair again; anything else revokes
 * the family. The token must come with a DPoP proof from the key it is bound to (`jkt`).
 */
export async function refreshPair(deps: Deps, p: SessionPrincipal, token: string, jkt: string): Promise<TokenPair> {
  const claims = await readRefresh(deps, token);
  if (claims.bid !== p.businessId || claims.mode !== p.mode || claims.origin !== p.origin) throw unauthorized('This refresh token was issued for another page');
  if (!sameHash(claims.jkt, jkt)) throw unauthorized('This refresh token is bound to another browser');
  const now = deps.now();
  const kid = await deps.sessions.activeKid();
  const outcome = await deps.store.write(async (tx): Promise<{ fam: CustomerFamilyRow } | { refused: string }> => {
    let q = tx.selectFrom('customer_families').selectAll().where('id', '=', claims.fam);
    if (deps.store.dialect === 'postgres') q = q.forUpdate();
    const fam = await q.executeTakeFirst();
    if (!fam || fam.revoked_at !== null || fam.customer_id !== claims.sub) return { refused: 'Signed out: sign in again' };
    if (claims.gen === fam.generation) {
      const next = { generation: fam.generation + 1, issued_at: Math.floor(now / 1000), kid, rotated_at: now };
      await tx.updateTable('customer_families').set(next).where('id', '=', fam.id).where('generation', '=', fam.generation).execute();
      return { fam: { ...fam, ...next } };
    }
    if (claims.gen === fam.generation - 1 && fam.rotated_at !== null && now - fam.rotated_at <= REUSE_GRACE_MS) return { fam };
    // A replaced token again, past the grace: someone has a copy. Everyone of this family signs in again.
    await tx.updateTable('customer_families').set({ revoked_at: now, revoked_reason: 'reuse' }).where('id', '=', fam.id).execute();
    return { refused: 'This sign-in was used from two places, so it has ended everywhere: sign in again' };
  }, `customer-family:${claims.fam}`);
  if ('refused' in outcome) throw unauthorized(outcome.refused);
  return pairOf(deps, outcome.fam);
}

/** Ends the family a refresh token belongs to (idempotent; an unreadable token is refused). */
export async function signOut(deps: Deps, p: SessionPrincipal, token: string): Promise<void> {
  let claims: RefreshClaims;
  try {
    claims = await readRefresh(deps, token);
  } catch (err) {
    // An expired token still names its family; signing out of it is harmless.
    if (!(err instanceof ApiError && /expired/.test(err.message))) throw err;
    return;
  }
  if (claims.bid !== p.businessId || claims.mode !== p.mode) throw unauthorized('This refresh token was issued for another business');
  await deps.store.db.updateTable('customer_families').set({ revoked_at: deps.now(), revoked_reason: 'sign-out' })
    .where('id', '=', claims.fam).where('revoked_at', 'is', null).execute();
}

const revokeAll = (db: Tx, customerId: string, now: number, reason: string, except?: string) => {
  let q = db.updateTable('customer_families').set({ revoked_at: now, revoked_reason: reason })
    .where('customer_id', '=', customerId).where('revoked_at', 'is', null);
  if (except) q = q.where('id', '!=', except);
  return q.execute();
};

// ---- Accounts -----------------------------------------------------------------------------------

/** A guest's bookings with this (verified) email become the account's. */
async function linkGuestBookings(db: Tx, c: CustomerRow): Promise<void> {
  if (c.email_verified_at === null) return;
  await db.updateTable('bookings').set({ customer_id: c.id })
    .where('business_id', '=', c.business_id).where('mode', '=', c.mode).where('customer_id', 'is', null)
    .where((eb) => eb(eb.fn('lower', ['customer_email']), '=', c.email)).execute();
}

/**
 * Makes an unverified account and queues its mail, in the caller's write: a verification link,
 * or, when the email already has a verified account, a note saying so. The answer is the same
 * either way, and so is the work (a look-up, two inserts), so neither tells whether the email has
 * an account.
 */
export async function createAccount(tx: Tx, deps: Deps, p: SessionPrincipal, biz: BusinessRow,
  a: { email: string; name: string; phone?: string | null | undefined; passwordHash: string; locale?: string | null | undefined; page?: string | undefined }): Promise<CustomerRow> {
  const now = deps.now();
  const taken = await verifiedOwner(tx, p, a.email);
  const row: CustomerRow = {
    id: newId('cus'), business_id: p.businessId, mode: p.mode, email: normalEmail(a.email), name: a.name, phone: a.phone ?? null,
    password_hash: a.passwordHash, locale: a.locale ?? null, email_verified_at: null, created_at: now,
  };
  await tx.insertInto('customers').values(row).execute();
  await queueAccountMail(tx, now, row, taken ? 'account_exists' : 'account_verify', linkBase(biz, p, a.page));
  return row;
}

export async function signUp(c: Context<AppEnv>, deps: Deps, p: SessionPrincipal, jkt: string,
  b: { email: string; password: string; name: string; phone?: string | undefined; locale?: string | undefined; page?: string | undefined }): Promise<TokenPair> {
  const biz = await accountsOn(deps.store.db, p);
  await limitAttempts(c, deps, p, b.email);
  const passwordHash = await hashPassword(b.password);
  const row = await deps.store.write((tx) => createAccount(tx, deps, p, biz, { ...b, passwordHash }), p.businessId);
  return startFamily(deps, p, row.id, jkt);
}

/**
 * The password step. The same answer and the same work (one scrypt) for a wrong password and an
 * unknown email. With `sign_in_code: required`, a right password mails a code instead of signing in.
 */
export async function signIn(c: Context<AppEnv>, deps: Deps, p: SessionPrincipal, jkt: string,
  b: { email: string; password: string; locale?: string | undefined }): Promise<TokenPair | { otp_required: true }> {
  const biz = await accountsOn(deps.store.db, p);
  await limitAttempts(c, deps, p, b.email);
  const account = await accountFor(deps.store.db, p, b.email);
  const right = await checkPassword(b.password, account?.password_hash);
  if (!account || !right) throw unauthorized(WRONG_CREDENTIALS);
  if (biz.sign_in_code === 'required') {
    await deps.store.write((tx) => queueAccountMail(tx, deps.now(), account, 'account_code', null), p.businessId);
    return { otp_required: true };
  }
  await linkGuestBookings(deps.store.db, account);
  return startFamily(deps, p, account.id, jkt);
}

/** The code step: the newest code mailed to the account, single-use, CODE_TTL_MS, CODE_ATTEMPTS guesses. */
export async function verifyOtp(c: Context<AppEnv>, deps: Deps, p: SessionPrincipal, jkt: string, b: { email: string; otp: string }): Promise<TokenPair> {
  await accountsOn(deps.store.db, p);
  await limitAttempts(c, deps, p, b.email);
  const now = deps.now();
  const account = await accountFor(deps.store.db, p, b.email);
  const wrong = 'Wrong or expired code: ask for a new one by signing in again';
  const ok = await deps.store.write(async (tx) => {
    if (!account) return false;
    const code = await tx.selectFrom('customer_secrets').selectAll().where('customer_id', '=', account.id).where('purpose', '=', 'code')
      .where('used_at', 'is', null).orderBy('created_at', 'desc').executeTakeFirst();
    if (!code || code.expires_ms <= now) return false;
    if (!sameHash(code.hash, codeHash(account.id, b.otp))) {
      const attempts = code.attempts + 1;
      await tx.updateTable('customer_secrets').set({ attempts, ...(attempts >= CODE_ATTEMPTS ? { used_at: now } : {}) }).where('hash', '=', code.hash).execute();
      return false;
    }
    await tx.updateTable('customer_secrets').set({ used_at: now }).where('hash', '=', code.hash).execute();
    return true;
  }, p.businessId);
  if (!ok || !account) throw unauthorized(wrong);
  await linkGuestBookings(deps.store.db, account);
  return startFamily(deps, p, account.id, jkt);
}

/** A code's digest: bound to its account, so one code cannot be tried against another. */
export const codeHash = (customerId: string, code: string) => hashToken(`code:${customerId}:${code}`);

/**
 * Uses a mailed single-use secret: it must be of this purpose, unused and unexpired, and is used
 * up by the one update that finds it so (two requests with one link: one wins).
 */
async function useSecret(db: Tx, token: string, purpose: 'verify' | 'reset', now: number) {
  const hash = hashToken(token);
  const row = await db.selectFrom('customer_secrets').selectAll().where('hash', '=', hash).where('purpose', '=', purpose).executeTakeFirst();
  if (!row || row.used_at !== null || row.expires_ms <= now) return undefined;
  const used = await db.updateTable('customer_secrets').set({ used_at: now }).where('hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? row : undefined;
}

/**
 * Confirms the email with the link's token. The link only works for the account it was mailed
 * for, signed in: so a stranger who signed up with someone else's address, and got that person
 * to click the link, gains nothing (the "pre-hijacking" of accounts).
 */
export async function verifyEmail(deps: Deps, p: SessionPrincipal, token: string): Promise<CustomerProfile> {
  const account = await me(deps.store.db, p);
  const now = deps.now();
  const result = await deps.store.write(async (tx) => {
    const hash = hashToken(token);
    const row = await tx.selectFrom('customer_secrets').select('customer_id').where('hash', '=', hash).executeTakeFirst();
    if (row && row.customer_id !== account.id) return 'other';
    if (!(await useSecret(tx, token, 'verify', now))) return 'bad';
    if (await verifiedOwner(tx, p, account.email)) return 'taken';
    await tx.updateTable('customers').set({ email_verified_at: now }).where('id', '=', account.id).execute();
    return 'ok';
  }, p.businessId);
  if (result === 'other') throw new ApiError('forbidden', 'This link confirms another account: sign in to that one');
  if (result === 'bad') throw invalid('token', 'This link is used up, expired or wrong: ask for a new one');
  if (result === 'taken') throw new ApiError('forbidden', 'This email already belongs to another account');
  const fresh = await me(deps.store.db, p);
  await linkGuestBookings(deps.store.db, fresh);
  return profileOut(fresh);
}

export async function requestVerification(c: Context<AppEnv>, deps: Deps, p: SessionPrincipal, page: string | undefined): Promise<void> {
  const biz = await accountsOn(deps.store.db, p);
  const account = await me(deps.store.db, p);
  await limitAttempts(c, deps, p, account.email);
  if (account.email_verified_at !== null) return;
  await deps.store.write(async (tx) => {
    const kind: AccountMailKind = (await verifiedOwner(tx, p, account.email)) ? 'account_exists' : 'account_verify';
    await queueAccountMail(tx, deps.now(), account, kind, linkBase(biz, p, page));
  }, p.businessId);
}

/**
 * Mails a reset link when the email has an account, and the same answer when not. The lookup and
 * the queued mail happen after the answer: awaited, a known email's answer took the outbox write
 * longer (5.9 ms against 1.4 ms, measured by accounts.test.ts), which told who has an account.
 */
export async function requestReset(c: Context<AppEnv>, deps: Deps, p: SessionPrincipal, b: { email: string; page?: string | undefined }): Promise<void> {
  const biz = await accountsOn(deps.store.db, p);
  await limitAttempts(c, deps, p, b.email);
  const base = linkBase(biz, p, b.page);
  const now = deps.now();
  afterAnswer(deps, 'password reset mail', () => deps.store.write(async (tx) => {
    const account = await accountFor(tx, p, b.email);
    if (account) await queueAccountMail(tx, now, account, 'account_reset', base);
  }, p.businessId));
}

/**
 * Sets a new password with the mailed link's token: every family of the account ends (every
 * device signs in again), other reset links die, and the email counts as confirmed (the link
 * reached it).
 */
export async function resetPassword(deps: Deps, p: SessionPrincipal, b: { token: string; password: string }): Promise<void> {
  await accountsOn(deps.store.db, p);
  checkNewPassword(b.password);
  const passwordHash = await hashPassword(b.password);
  const now = deps.now();
  const ok = await deps.store.write(async (tx) => {
    const row = await useSecret(tx, b.token, 'reset', now);
    if (!row) return false;
    const account = await tx.selectFrom('customers').selectAll().where('id', '=', row.customer_id).executeTakeFirst();
    if (!account || account.business_id !== p.businessId || account.mode !== p.mode) return false;
    const verified = account.email_verified_at ?? ((await verifiedOwner(tx, p, account.email)) ? null : now);
    await tx.updateTable('customers').set({ password_hash: passwordHash, email_verified_at: verified }).where('id', '=', account.id).execute();
    await tx.updateTable('customer_secrets').set({ used_at: now }).where('customer_id', '=', account.id).where('used_at', 'is', null).execute();
    await revokeAll(tx, account.id, now, 'reset');
    return true;
  }, p.businessId);
  if (!ok) throw invalid('token', 'This link is used up, expired or wrong: ask for a new one');
}

/** Changes the password with the current one; every other device of the account signs in again. */
export async function changePassword(deps: Deps, p: SessionPrincipal, b: { password: string; new_password: string }): Promise<void> {
  const account = await me(deps.store.db, p);
  if (!(await checkPassword(b.password, account.password_hash))) throw invalid('password', WRONG_CREDENTIALS.replace('email or ', ''));
  checkNewPassword(b.new_password, 'new_password');
  const passwordHash = await hashPassword(b.new_password);
  await deps.store.write(async (tx) => {
    await tx.updateTable('customers').set({ password_hash: passwordHash }).where('id', '=', account.id).execute();
    await revokeAll(tx, account.id, deps.now(), 'password-changed', p.sessionId);
  }, p.businessId);
}

export async function updateMe(deps: Deps, p: SessionPrincipal, b: { name?: string | undefined; phone?: string | null | undefined; locale?: string | undefined }): Promise<CustomerProfile> {
  const account = await me(deps.store.db, p);
  const set: Partial<CustomerRow> = {};
  if (b.name !== undefined) set.name = b.name;
  if (b.phone !== undefined) set.phone = b.phone;
  if (b.locale !== undefined) set.locale = b.locale;
  if (Object.keys(set).length) await deps.store.db.updateTable('customers').set(set).where('id', '=', account.id).execute();
  return profileOut(await me(deps.store.db, p));
}

/**
 * Erases the account: its row, its families, its secrets and its mails not yet sent. Its bookings
 * keep what the merchant needs (the name, email and phone given for the booking) and lose the link.
 */
export async function eraseMe(deps: Deps, p: SessionPrincipal): Promise<void> {
  const account = await me(deps.store.db, p);
  await deps.store.write(async (tx) => {
    await tx.updateTable('bookings').set({ customer_id: null }).where('customer_id', '=', account.id).execute();
    await tx.deleteFrom('customer_families').where('customer_id', '=', account.id).execute();
    await tx.deleteFrom('customer_secrets').where('customer_id', '=', account.id).execute();
    await tx.updateTable('outbox').set({ status: 'cancelled' }).where('booking_id', '=', account.id).where('status', '=', 'pending').execute();
    await tx.deleteFrom('customers').where('id', '=', account.id).execute();
  }, p.businessId);
}
