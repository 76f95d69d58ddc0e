import type { AvailabilityResponse } from '../../contract/index.ts';
import type { Scope } from './catalog.ts';
import { notFound } from '../http/errors.ts';
import { availability } from '../scheduling/index.ts';
import type { Tx } from '../store/db.ts';
import { DAY_MS, iso, utcMidnight } from '../time.ts';
import { getService, hoursOf, rulesOf, staffOfServices } from './catalog.ts';
import { findGuest } from './guests.ts';
import { busyOf } from './slots.ts';

export interface AvailabilityAsk { service_id: string; staff_id?: string | undefined; from: string; to: string; timezone: string }

/**
 * The free slots of a service per calendar date in the asked zone. The asking guest's own hold
 * does not hide its slot from that guest.
 *
 * Computed afresh every time, with the engine's reference availability(): what GET /availability
 * serves comes from availability-cache.ts (decision 010), which the tests hold to this answer.
 */
export async function availabilityOf(db: Tx, p: Scope, q: AvailabilityAsk, guestToken: string | undefined, now: number): Promise<AvailabilityResponse> {
  const service = await getService(db, p, q.service_id, { activeOnly: true });
  let staff = (await staffOfServices(db, [service.id])).get(service.id)!;
  if (q.staff_id) {
    staff = staff.filter((s) => s.id === q.staff_id);
    if (staff.length === 0) throw notFound('Staff member for this service');
  }
  // Calendar dates in any zone lie within a day of the same UTC dates; a margin of two days
  // either side also covers buffers, which are at most a day.
  const guest = await findGuest(db, p, guestToken);
  const busy = await busyOf(db, staff.map((s) => s.id), utcMidnight(q.from) - 2 * DAY_MS, utcMidnight(q.to) + 3 * DAY_MS, now, { guestId: guest?.id });
  const days = availability({ service: rulesOf(service), staff: staff.map(hoursOf), busy, from: q.from, to: q.to, timezone: q.timezone, now });
  return {
    service_id: service.id,
    timezone: q.timezone,
    days: days.map((d) => ({ date: d.date, slots: d.slots.map((s) => ({ start: iso(s.start), end: iso(s.end) })) })),
  };
}
