import type { Tx } from '../store/db.ts';
import { hashToken, newId, randomToken } from '../auth/tokens.ts';
import type { Scope } from './catalog.ts';

export interface Guest { id: string; token: string; issued: boolean }

/** The guest behind a token of this business and mode, or undefined for a missing or foreign one. */
export async function findGuest(db: Tx, scope: Scope, token: string | undefined): Promise<Guest | undefined> {
  if (!token || token.length > 200) return undefined;
  const row = await db.selectFrom('guests').select(['id', 'business_id', 'mode'])
    .where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.business_id !== scope.businessId || row.mode !== scope.mode) return undefined;
  return { id: row.id, token, issued: false };
}

/** The guest behind the token, or a new guest with a new token when there is none that fits. */
export async function guestFor(db: Tx, scope: Scope, token: string | undefined, now: number): Promise<Guest> {
  const found = await findGuest(db, scope, token);
  if (found) return found;
  const fresh = { id: newId('gst'), token: `gt_${randomToken(24)}` };
  await db.insertInto('guests').values({ id: fresh.id, business_id: scope.businessId, mode: scope.mode, token_hash: hashToken(fresh.token), created_at: now }).execute();
  return { ...fresh, issued: true };
}
