import type { Hold } from '../../contract/index.ts';
import type { Deps, SessionPrincipal } from '../context.ts';
import type { Config } from '../config.ts';
import { newId } from '../auth/tokens.ts';
import { ApiError, notFound } from '../http/errors.ts';
import type { Tx } from '../store/db.ts';
import type { HoldRow } from '../store/schema.ts';
import { iso } from '../time.ts';
import { findGuest, guestFor, type Guest } from './guests.ts';
import { claimSlot } from './slots.ts';

export const holdOut = (h: HoldRow): Hold => ({
  id: h.id, service_id: h.service_id, staff_id: h.staff_id, start: iso(h.start_ms), end: iso(h.end_ms), expires_at: iso(h.expires_ms),
});

/**
 * Holds a slot for the guest behind the token (a new guest when there is none), in place of the
 * guest's last hold. Refused with 429 when the session or the client's network already holds
 * as many open slots as `config.holdCaps` allows (a guest has one anyway: a new hold replaces
 * it); `Retry-After` says when the first of them expires. The defaults leave room for two widgets
 * on a page or a family booking side by side, and are far from enough to empty a calendar.
 */
export function placeHold(
  deps: Deps, p: SessionPrincipal, guestToken: string | undefined, want: { serviceId: string; startMs: number; staffId?: string | undefined },
  clientNet: string,
): Promise<{ hold: HoldRow; guest: Guest }> {
  const now = deps.now();
  return deps.store.write(async (tx) => {
    const guest = await guestFor(tx, p, guestToken, now);
    // One live hold per guest: the new one replaces the old, which must not block it.
    await tx.deleteFrom('holds').where('guest_id', '=', guest.id).execute();
    await checkCaps(tx, p, deps.config.holdCaps, clientNet, now);
    const { service, staffId, range } = await claimSlot(tx, p, {
      serviceId: want.serviceId, start: want.startMs, now, activeOnly: true, staffId: want.staffId, exclude: { guestId: guest.id },
    });
    await clearExpiredHolds(tx, staffId, range, now);
    const hold: HoldRow = {
      id: newId('hld'), business_id: p.businessId, mode: p.mode, guest_id: guest.id, service_id: service.id, staff_id: staffId,
      start_ms: range.start, end_ms: range.end, block_start_ms: range.blockStart, block_end_ms: range.blockEnd,
      expires_ms: now + deps.config.holdMinutes * 60_000, created_at: now, session_id: p.sessionId, client_net: clientNet,
    };
    await tx.insertInto('holds').values(hold).execute();
    return { hold, guest };
  }, p.businessId);
}

async function checkCaps(tx: Tx, p: SessionPrincipal, caps: Config['holdCaps'], clientNet: string, now: number) {
  const open = tx.selectFrom('holds').select(['expires_ms']).where('expires_ms', '>', now);
  const checks = [
    { rows: open.where('session_id', '=', p.sessionId), cap: caps.perSession, who: 'this browser session' },
    { rows: open.where('client_net', '=', clientNet).where('business_id', '=', p.businessId), cap: caps.perClientPerBusiness, who: 'your network' },
    { rows: open.where('client_net', '=', clientNet), cap: caps.perClient, who: 'your network' },
  ];
  for (const { rows, cap, who } of checks) {
    if (cap === 0) continue;
    const held = await rows.orderBy('expires_ms').limit(cap).execute();
    if (held.length < cap) continue;
    const retry = Math.max(1, Math.ceil((Number(held[0].expires_ms) - now) / 1000));
    throw new ApiError('rate_limited', `Too many times are held from ${who}: book or release one, or try again when one expires`, undefined, { 'Retry-After': String(retry) });
  }
}

/**
 * Expired holds no longer block anyone but still sit in the table; clear the ones in the way,
 * or PostgreSQL's no-overlap constraint on holds would refuse the new one.
 */
async function clearExpiredHolds(tx: Tx, staffId: string, range: { blockStart: number; blockEnd: number }, now: number) {
  await tx.deleteFrom('holds').where('staff_id', '=', staffId).where('expires_ms', '<=', now)
    .where('block_start_ms', '<', range.blockEnd).where('block_end_ms', '>', range.blockStart).execute();
}

/** Releases one of the guest's holds; another guest's, or none, is a 404. */
export async function releaseHold(db: Tx, p: SessionPrincipal, guestToken: string | undefined, id: string): Promise<void> {
  const guest = await findGuest(db, p, guestToken);
  const res = guest ? await db.deleteFrom('holds').where('id', '=', id).where('guest_id', '=', guest.id).executeTakeFirst() : undefined;
  if (!res || res.numDeletedRows === 0n) throw notFound('Hold');
}
