import type { AdminBooking, Booking, WebhookEventType } from '../../contract/index.ts';
import type { NotifyConfig } from '../config.ts';
import { newId } from '../auth/tokens.ts';
import type { Tx } from '../store/db.ts';
import type { BookingRow, OutboxRow } from '../store/schema.ts';
import { adminBookingOut, bookingOut } from '../domain/bookings.ts';
import { issueManageToken } from '../domain/manage-tokens.ts';
import { iso } from '../time.ts';
import { recordActivity, type Actor } from '../domain/activity.ts';

/**
 * What an email row carries: the booking, and whether the mail gets a manage link. The link's
 * token is never stored here: it is issued when the mail is sent (`manageLink`), so neither
 * the outbox nor a backup of it holds anything that can cancel a booking.
 */
export type EmailKind =
  | 'confirmation' | 'rescheduled' | 'cancelled' | 'reminder'
  | 'merchant_new' | 'merchant_changed' | 'merchant_cancelled';
export interface EmailPayload {
  /** The merchant's notices carry the booking's attribution (`AdminBooking`); the customer's mails never do. */
  booking: Booking | AdminBooking; manage?: boolean;
  /** The booking's calendar SEQUENCE as of this change (absent in rows written before 0008). */
  sequence?: number;
}
/** What `compose` is given: the payload with its link, made at send time, and its calendar SEQUENCE. */
export interface MailInput { booking: Booking | AdminBooking; manage_url: string | null; sequence: number }

const CUSTOMER: Record<WebhookEventType, EmailKind> = {
  'booking.created': 'confirmation', 'booking.rescheduled': 'rescheduled', 'booking.cancelled': 'cancelled',
};
const MERCHANT: Record<WebhookEventType, EmailKind> = {
  'booking.created': 'merchant_new', 'booking.rescheduled': 'merchant_changed', 'booking.cancelled': 'merchant_cancelled',
};

/**
 * A manage link for a mail being sent now: a fresh manage token for the booking (its digest
 * stored beside the booking's first one), in `<booking_page_url>?booking=<id>&token=<token>`.
 */
export async function manageLink(db: Tx, page: string | null, bookingId: string, now: number): Promise<string | null> {
  if (!page) return null;
  return manageUrl(page, bookingId, await issueManageToken(db, bookingId, now));
}

/** `<booking_page_url>?booking=<id>&token=<token>`, keeping the page's own query. */
export function manageUrl(page: string | null, bookingId: string, token: string | undefined): string | null {
  if (!page || !token) return null;
  const url = new URL(page);
  url.searchParams.set('booking', bookingId);
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * Writes the messages a booking change owes, inside the transaction that makes the change, so
 * either both are stored or neither: one row per subscribed webhook, the customer's email, the
 * merchant's notice, and the reminder (replaced on reschedule, dropped on cancel). Runs under the
 * business's write lock, which is what keeps `seq` increasing without gaps in order.
 */
export async function recordBookingEvent(tx: Tx, cfg: NotifyConfig, now: number, type: WebhookEventType, row: BookingRow, actor: Actor = { type: 'customer', id: null }): Promise<void> {
  // The activity log's entry, in the same write: who made, moved or cancelled the booking.
  await recordActivity(tx, now, { businessId: row.business_id, mode: row.mode, actor, action: type, target: { type: 'booking', id: row.id } });
  const business = await tx.selectFrom('businesses').selectAll().where('id', '=', row.business_id).executeTakeFirstOrThrow();
  const last = await tx.selectFrom('outbox').select((eb) => eb.fn.max('seq').as('seq')).where('business_id', '=', row.business_id).executeTakeFirst();
  let seq = Number(last?.seq ?? 0);
  const booking = bookingOut(row);
  // What the merchant's own channels get: the booking with its attribution.
  const merchantView = adminBookingOut(row);
  const eventId = newId('evt');
  const rows: OutboxRow[] = [];
  const add = (r: Pick<OutboxRow, 'channel' | 'webhook_id' | 'kind' | 'payload'> & { at?: number }) => rows.push({
    id: newId(r.channel === 'webhook' ? 'whd' : 'msg'), business_id: row.business_id, mode: row.mode, seq: ++seq,
    channel: r.channel, webhook_id: r.webhook_id, booking_id: row.id, event_id: eventId, kind: r.kind, payload: r.payload,
    status: 'pending', attempts: 0, next_attempt_ms: r.at ?? now, locked_until_ms: 0, created_at: now, delivered_at: null,
  });

  // The webhook body is fixed now, byte for byte, so every retry signs and sends the same thing.
  const hooks = await tx.selectFrom('webhooks').selectAll()
    .where('business_id', '=', row.business_id).where('mode', '=', row.mode).where('active', '=', 1).where('deleted_at', 'is', null).execute();
  const body = JSON.stringify({ id: eventId, type, created_at: iso(now), data: { booking: merchantView } });
  for (const hook of hooks) {
    if ((JSON.parse(hook.events) as string[]).includes(type)) add({ channel: 'webhook', webhook_id: hook.id, kind: type, payload: body });
  }

  // The customer's mails link to the manage page; the merchant's never carry a customer's link.
  const email = (kind: EmailKind, at?: number) => add({
    channel: 'email', webhook_id: null, kind, ...(at === undefined ? {} : { at }),
    payload: JSON.stringify({ booking: kind.startsWith('merchant_') ? merchantView : booking, manage: !kind.startsWith('merchant_'), sequence: row.ics_sequence } satisfies EmailPayload),
  });
  email(CUSTOMER[type]);
  if (business.notification_email) email(MERCHANT[type]);

  // One reminder per booking at most: a change replaces the one waiting, a cancellation drops it.
  if (type !== 'booking.created') {
    await tx.updateTable('outbox').set({ status: 'cancelled' })
      .where('booking_id', '=', row.id).where('kind', '=', 'reminder').where('status', '=', 'pending').execute();
  }
  const remindAt = row.start_ms - cfg.reminderMinutes * 60_000;
  if (type !== 'booking.cancelled' && cfg.reminderMinutes > 0 && remindAt > now) email('reminder', remindAt);

  if (rows.length) await tx.insertInto('outbox').values(rows).execute();
}
