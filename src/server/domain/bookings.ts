import type { AdminBooking, Booking, BookingCreated, BookingRequest, Metadata } from '../../contract/index.ts';
import { H } from '../../contract/index.ts';
import type { Deps, SecretPrincipal, SessionPrincipal } from '../context.ts';
import { hashToken, newId } from '../auth/tokens.ts';
import { issueManageToken, newManageToken } from './manage-tokens.ts';
import { ApiError } from '../http/errors.ts';
import { dayStart } from '../scheduling/index.ts';
import type { Tx } from '../store/db.ts';
import type { BookingRow } from '../store/schema.ts';
import { iso, nextDate } from '../time.ts';
import { recordBookingEvent } from '../notify/outbox.ts';
import { getBusiness } from './business.ts';
import { findGuest, guestFor } from './guests.ts';
import * as idem from './idempotency.ts';
import { claimSlot } from './slots.ts';
import { createAccount } from './customers.ts';
import type { BusinessRow } from '../store/schema.ts';

/** `create_account` on a booking, read by the route: the business (accounts on) and the password's hash. */
export interface NewAccount { biz: BusinessRow; passwordHash: string }
/** A booking's answer, with the account it created (for the route to sign in). */
export type BookedResponse = idem.StoredResponse & { customerId?: string };

export function bookingOut(b: BookingRow): Booking {
  const out: Booking = {
    id: b.id, status: b.status, service_id: b.service_id, staff_id: b.staff_id,
    start: iso(b.start_ms), end: iso(b.end_ms), timezone: b.timezone,
    customer: b.customer_phone === null
      ? { name: b.customer_name, email: b.customer_email }
      : { name: b.customer_name, email: b.customer_email, phone: b.customer_phone },
    notes: b.notes, created_at: iso(b.created_at),
  };
  if (b.cancelled_at !== null) out.cancelled_at = iso(b.cancelled_at);
  return out;
}

/**
 * The booking as its merchant sees it (admin answers, webhooks, the merchant's emails): with its
 * attribution, `{}` when the page sent none. Widget and manage answers use `bookingOut`, without it.
 */
export function adminBookingOut(b: BookingRow): AdminBooking {
  return { ...bookingOut(b), metadata: b.metadata === null ? {} : (JSON.parse(b.metadata) as Metadata) };
}

/** A booking request as the route read it: the zone canonical, the start in milliseconds. */
export type NewBooking = Omit<BookingRequest, 'start'> & { startMs: number };

/** Claims the slot and inserts the booking, with its notifications; runs inside one write transaction. */
export async function createBooking(tx: Tx, deps: Deps, p: SessionPrincipal, guestToken: string | undefined, b: NewBooking, account?: NewAccount): Promise<BookedResponse> {
  const now = deps.now();
  const guest = await guestFor(tx, p, guestToken, now);
  // The guest's own hold must not stand in the way of the guest's booking, and keeps its staff member.
  const hold = b.hold_id
    ? await tx.selectFrom('holds').selectAll().where('id', '=', b.hold_id).where('guest_id', '=', guest.id).where('expires_ms', '>', now).executeTakeFirst()
    : undefined;
  const { service, staffId, range } = await claimSlot(tx, p, {
    serviceId: b.service_id, start: b.startMs, now, activeOnly: true, staffId: b.staff_id,
    heldBy: hold && hold.service_id === b.service_id && hold.start_ms === b.startMs ? hold.staff_id : undefined,
    exclude: { guestId: guest.id },
  });
  const manageToken = newManageToken();
  // Signed in, the booking is the customer's; with create_account, the new account's.
  const customer = account
    ? await createAccount(tx, deps, p, account.biz, { email: b.customer.email, name: b.customer.name, phone: b.customer.phone, passwordHash: account.passwordHash, locale: b.locale })
    : undefined;
  const row: BookingRow = {
    customer_id: customer?.id ?? p.customerId ?? null,
    id: newId('bk'), business_id: p.businessId, mode: p.mode, service_id: service.id, staff_id: staffId, guest_id: guest.id,
    status: 'confirmed', start_ms: range.start, end_ms: range.end, block_start_ms: range.blockStart, block_end_ms: range.blockEnd,
    timezone: b.timezone, customer_name: b.customer.name, customer_email: b.customer.email, customer_phone: b.customer.phone ?? null,
    notes: b.notes ?? '', manage_token_hash: hashToken(manageToken), created_at: now, cancelled_at: null, cancel_reason: null, locale: b.locale ?? null,
    ics_sequence: 0, metadata: b.metadata && Object.keys(b.metadata).length ? JSON.stringify(b.metadata) : null,
  };
  await tx.insertInto('bookings').values(row).execute();
  await recordBookingEvent(tx, deps.config.notify, now, 'booking.created', row);
  // Booking releases the guest's hold: it has done its job.
  await tx.deleteFrom('holds').where('guest_id', '=', guest.id).execute();
  const body: BookingCreated = { booking: bookingOut(row), manage_token: manageToken };
  return { status: 201, body, headers: { [H.guestToken]: guest.token }, ...(customer ? { customerId: customer.id } : {}) };
}

/**
 * Books at most once per Idempotency-Key (decision 003). Phase one claims the key; phase two
 * books and records the answer in one transaction, so a crash can leave a claimed key (retried
 * after a minute) but never a booking without its answer. The key is bound to the request as
 * sent; a final 4xx is recorded too, so a retry gets the same answer.
 *
 * A key belongs to the guest that sent it (or, without a known guest, to the session): a
 * stranger's request under the same key is another request, and learns nothing of the first.
 * The stored answer keeps no secret: a replay gets a freshly issued manage token, and the guest
 * token only back in the header it was sent in.
 */
export async function bookOnce(deps: Deps, p: SessionPrincipal, key: string, sent: BookingRequest, guestToken: string | undefined, b: NewBooking, account?: NewAccount): Promise<BookedResponse> {
  // A password is never part of what is kept: the key is bound to the request without it.
  const hash = idem.requestHash(sent.create_account ? { ...sent, create_account: true } : sent);
  const guest = await findGuest(deps.store.db, p, guestToken);
  const scoped = guest ? `guest:${guest.id}:${key}` : `session:${p.sessionId}:${key}`;
  const replay = await deps.store.write(async (tx) => {
    const stored = await idem.claim(tx, p, scoped, hash, deps.now());
    return stored && (await withSecrets(tx, stored, guest?.token, deps.now()));
  }, p.businessId);
  if (replay) return replay;
  try {
    return await deps.store.write(async (tx) => {
      const res = await createBooking(tx, deps, p, guestToken, b, account);
      await idem.finish(tx, p, scoped, withoutSecrets(res));
      return res;
    }, p.businessId);
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) {
      const res = { status: err.status, body: { error: { code: err.code, message: err.message } }, headers: {} };
      await deps.store.write((tx) => idem.finish(tx, p, scoped, res), p.businessId);
    } else {
      await deps.store.write((tx) => idem.release(tx, p, scoped), p.businessId).catch(() => {});
    }
    throw err;
  }
}

/** The answer as it is stored for replays: no manage token, no guest token. */
function withoutSecrets(res: idem.StoredResponse): idem.StoredResponse {
  const body = res.body as BookingCreated;
  return { status: res.status, body: { booking: body.booking }, headers: {} };
}

/** A stored booking answer made whole for its replay: a new manage token, and the caller's own guest token. */
async function withSecrets(tx: Tx, stored: idem.StoredResponse, guestToken: string | undefined, now: number): Promise<idem.StoredResponse> {
  if (stored.status !== 201) return stored;
  const { booking } = stored.body as BookingCreated;
  const body: BookingCreated = { booking, manage_token: await issueManageToken(tx, booking.id, now) };
  return { status: 201, body, headers: guestToken ? { [H.guestToken]: guestToken } : {} };
}

/** A guest's (or, by `customer_id`, an account's) bookings: upcoming first, soonest first; then the rest, most recent first. */
export async function guestBookings(db: Tx, ownerId: string, now: number, by: 'guest_id' | 'customer_id' = 'guest_id'): Promise<BookingRow[]> {
  const rows = await db.selectFrom('bookings').selectAll().where(by, '=', ownerId).orderBy('start_ms', 'desc').limit(200).execute();
  const upcoming = (b: BookingRow) => b.status === 'confirmed' && b.end_ms > now;
  return rows.sort((a, b) => (upcoming(a) === upcoming(b) ? (upcoming(a) ? a.start_ms - b.start_ms : b.start_ms - a.start_ms) : upcoming(a) ? -1 : 1));
}

export interface BookingFilter { from?: string | undefined; to?: string | undefined; status?: Booking['status'] | undefined }

/** The business's bookings by start; `from` and `to` are the business's calendar dates, both included. */
export async function businessBookings(db: Tx, p: SecretPrincipal, f: BookingFilter): Promise<BookingRow[]> {
  const zone = (await getBusiness(db, p.businessId)).timezone;
  let sel = db.selectFrom('bookings').selectAll().where('business_id', '=', p.businessId).where('mode', '=', p.mode);
  if (f.from) sel = sel.where('start_ms', '>=', dayStart(f.from, zone));
  if (f.to) sel = sel.where('start_ms', '<', dayStart(nextDate(f.to), zone));
  if (f.status) sel = sel.where('status', '=', f.status);
  return sel.orderBy('start_ms').limit(5000).execute();
}
