import type { Hono } from 'hono';
import { H, HoldRequest, type Hold } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { newId } from '../auth/tokens.ts';
import { instantOrThrow, readBody } from '../http/validate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { blockedRange } from '../scheduling/index.ts';
import type { HoldRow } from '../store/schema.ts';
import { getService, rulesOf, staffOfServices } from '../domain/catalog.ts';
import { freeStaffFor, leastBusy } from '../domain/slots.ts';
import { findGuest, guestFor } from '../domain/guests.ts';
import { getBusiness } from '../domain/bookings.ts';

const iso = (ms: number) => new Date(ms).toISOString();
export const holdOut = (h: HoldRow): Hold => ({
  id: h.id, service_id: h.service_id, staff_id: h.staff_id, start: iso(h.start_ms), end: iso(h.end_ms), expires_at: iso(h.expires_ms),
});

export function holdRoutes(api: Hono<AppEnv>, deps: Deps) {
  const session = requireAuth(deps, ['session']);

  api.post('/holds', session, async (c) => {
    const p = c.get('principal');
    const body = await readBody(c, HoldRequest);
    const start = instantOrThrow(body.start, 'start');
    const now = deps.now();
    const { hold, guest } = await deps.store.write(async (tx) => {
      const service = await getService(tx, p, body.service_id, { activeOnly: true });
      const staff = (await staffOfServices(tx, [service.id])).get(service.id)!;
      if (body.staff_id && !staff.some((s) => s.id === body.staff_id)) throw notFound('Staff member for this service');
      const guest = await guestFor(tx, p, c.req.header(H.guestToken), now);
      // One live hold per guest: the new one replaces the old, which must not block it.
      await tx.deleteFrom('holds').where('guest_id', '=', guest.id).execute();
      let free = await freeStaffFor(tx, service, staff, start, now, { guestId: guest.id });
      if (body.staff_id) free = free.filter((id) => id === body.staff_id);
      if (free.length === 0) throw new ApiError('slot_taken', 'That time is no longer available');
      const staffId = await leastBusy(tx, free, start, (await getBusiness(tx, p.businessId)).timezone);
      const range = blockedRange(rulesOf(service), start);
      // Expired holds no longer block anyone but still sit in the table; clear the ones in the
      // way, or PostgreSQL's no-overlap constraint on holds would refuse the new one.
      await tx.deleteFrom('holds').where('staff_id', '=', staffId).where('expires_ms', '<=', now)
        .where('block_start_ms', '<', range.blockEnd).where('block_end_ms', '>', range.blockStart).execute();
      const hold: HoldRow = {
        id: newId('hld'), business_id: p.businessId, mode: p.mode, guest_id: guest.id, service_id: service.id, staff_id: staffId,
        start_ms: range.start, end_ms: range.end, block_start_ms: range.blockStart, block_end_ms: range.blockEnd,
        expires_ms: now + deps.config.holdMinutes * 60_000, created_at: now,
      };
      await tx.insertInto('holds').values(hold).execute();
      return { hold, guest };
    }, p.businessId);
    c.header(H.guestToken, guest.token);
    return c.json({ hold: holdOut(hold) }, 201);
  });

  api.delete('/holds/:id', session, async (c) => {
    const p = c.get('principal');
    const guest = await findGuest(deps.store.db, p, c.req.header(H.guestToken));
    const res = guest
      ? await deps.store.db.deleteFrom('holds').where('id', '=', c.req.param('id')).where('guest_id', '=', guest.id).executeTakeFirst()
      : undefined;
    if (!res || res.numDeletedRows === 0n) throw notFound('Hold');
    return c.body(null, 204);
  });
}
