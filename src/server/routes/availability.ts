import { AvailabilityQuery, AvailabilityResponse, H, MAX_RANGE_DAYS } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { GuestToken } from '../http/headers.ts';
import { ZONE_NOTE, checked, knownZone, refuse } from '../http/inputs.ts';
import { DAY_MS, utcMidnight } from '../time.ts';
import { availabilityOf } from '../domain/availability.ts';

/** The range is a calendar range, both ends included, of at most MAX_RANGE_DAYS days. */
const Ask = checked(AvailabilityQuery, {
  timezone: `${ZONE_NOTE} The dates are calendar dates in this zone.`,
  to: `Not before from; from..to spans at most ${MAX_RANGE_DAYS} days, both included.`,
}, (q) => {
  const timezone = knownZone(q.timezone);
  const days = (utcMidnight(q.to) - utcMidnight(q.from)) / DAY_MS + 1;
  if (days < 1) refuse('to', 'Must not be before from');
  if (days > MAX_RANGE_DAYS) refuse('to', `The range may span at most ${MAX_RANGE_DAYS} days`);
  return { ...q, timezone };
});

export const availabilityRoutes = [
  route({
    method: 'get', path: '/availability', auth: ['session', 'publishable'], summary: 'Free slots per calendar date in a time zone (session or publishable key, the same answer)',
    headers: GuestToken, query: Ask, ok: [200, AvailabilityResponse], errors: ['not_found'],
    handler: async ({ deps, principal, query, headers }) => availabilityOf(deps.store.db, principal, query, headers[H.guestToken], deps.now()),
  }),
];
