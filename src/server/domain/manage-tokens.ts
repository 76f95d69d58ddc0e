import { hashToken, randomToken, sameHash } from '../auth/tokens.ts';
import type { Tx } from '../store/db.ts';
import type { BookingRow } from '../store/schema.ts';

/**
 * A booking's manage tokens: the one its creation answered with (`bookings.manage_token_hash`)
 * and one more for each mail that links to it and each replayed answer, issued when needed.
 * Only digests are stored; each token reads, cancels and moves that one booking.
 */
export async function issueManageToken(db: Tx, bookingId: string, now: number): Promise<string> {
  const token = newManageToken();
  await db.insertInto('manage_tokens').values({ token_hash: hashToken(token), booking_id: bookingId, created_at: now }).execute();
  return token;
}

export const newManageToken = () => `mt_${randomToken(24)}`;

/** Whether `token` is one of the booking's manage tokens. */
export async function isManageToken(db: Tx, row: BookingRow, token: string): Promise<boolean> {
  const hash = hashToken(token);
  if (sameHash(row.manage_token_hash, hash)) return true;
  const issued = await db.selectFrom('manage_tokens').select('booking_id').where('token_hash', '=', hash).executeTakeFirst();
  return issued?.booking_id === row.id;
}
