import type { Hono } from 'hono';
import { AvailabilityQuery, H, MAX_RANGE_DAYS, type AvailabilityResponse } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { readQuery, zoneOrThrow } from '../http/validate.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { availability, isoInstant as iso } from '../scheduling/index.ts';
import { getService, hoursOf, rulesOf, staffOfServices } from '../domain/catalog.ts';
import { busyOf } from '../domain/slots.ts';
import { findGuest } from '../domain/guests.ts';

const DAY = 24 * 3600 * 1000;

export function availabilityRoutes(api: Hono<AppEnv>, deps: Deps) {
  api.get('/availability', requireAuth(deps, ['session']), async (c) => {
    const p = c.get('principal');
    const q = readQuery(c, AvailabilityQuery);
    const timezone = zoneOrThrow(q.timezone);
    const fromDay = Date.parse(`${q.from}T00:00:00Z`);
    const toDay = Date.parse(`${q.to}T00:00:00Z`);
    if (toDay < fromDay) throw new ApiError('invalid_request', 'Validation failed', [{ property: 'to', messages: ['Must not be before from'] }]);
    if ((toDay - fromDay) / DAY + 1 > MAX_RANGE_DAYS) {
      throw new ApiError('invalid_request', 'Validation failed', [{ property: 'to', messages: [`The range may span at most ${MAX_RANGE_DAYS} days`] }]);
    }

    const { db } = deps.store;
    const service = await getService(db, p, q.service_id, { activeOnly: true });
    let staff = (await staffOfServices(db, [service.id])).get(service.id)!;
    if (q.staff_id) {
      staff = staff.filter((s) => s.id === q.staff_id);
      if (staff.length === 0) throw notFound('Staff member for this service');
    }
    const now = deps.now();
    // Calendar dates in any zone lie within a day of the same UTC dates; a margin of two days
    // either side also covers buffers, which are at most a day.
    const guest = await findGuest(db, p, c.req.header(H.guestToken));
    const busy = await busyOf(db, staff.map((s) => s.id), fromDay - 2 * DAY, toDay + 3 * DAY, now, { guestId: guest?.id });
    const days = availability({ service: rulesOf(service), staff: staff.map(hoursOf), busy, from: q.from, to: q.to, timezone, now });
    const body: AvailabilityResponse = {
      service_id: service.id,
      timezone,
      days: days.map((d) => ({ date: d.date, slots: d.slots.map((s) => ({ start: iso(s.start), end: iso(s.end) })) })),
    };
    return c.json(body);
  });
}
