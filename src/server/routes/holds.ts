import { H, HoldRequest, HoldResponse } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { GuestToken } from '../http/headers.ts';
import { checked, instant } from '../http/inputs.ts';
import { holdOut, placeHold, releaseHold } from '../domain/holds.ts';
import { clientIp } from '../http/client-ip.ts';
import { ipKey } from '../auth/ratelimit.ts';

const Want = checked(HoldRequest, {}, (b) => ({ serviceId: b.service_id, startMs: instant(b.start, 'start'), staffId: b.staff_id }));

export const holdRoutes = [
  route({
    method: 'post', path: '/holds', auth: 'session', summary: "Hold a slot for this guest until the answer's expires_at (HOLD_MINUTES, 10 by default); a new hold releases the last",
    headers: GuestToken, body: Want, ok: [201, HoldResponse], errors: ['not_found', 'slot_taken', 'rate_limited'],
    handler: async ({ deps, principal, headers, body }, c) => {
      const { hold, guest } = await placeHold(deps, principal, headers[H.guestToken], body, ipKey(clientIp(c, deps.config.trustProxy)));
      c.header(H.guestToken, guest.token);
      return { hold: holdOut(hold) };
    },
  }),
  route({
    method: 'delete', path: '/holds/{id}', auth: 'session', summary: "Release this guest's hold",
    headers: GuestToken, ok: [204, null], errors: ['not_found'],
    handler: async ({ deps, principal, headers, params }) => {
      await releaseHold(deps.store.db, principal, headers[H.guestToken], params.id);
      return null;
    },
  }),
];
