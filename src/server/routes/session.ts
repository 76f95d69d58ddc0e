import { SessionResponse } from '../../contract/index.ts';
import { route } from '../http/route.ts';
import { iso } from '../time.ts';
import { getBusiness } from '../domain/business.ts';

/** A publishable key, from an allowed origin, becomes a one-hour session token. */
export const sessionRoutes = [
  route({
    method: 'post', path: '/session', auth: 'publishable', summary: 'Exchange a publishable key for a one-hour session token',
    ok: [201, SessionResponse],
    handler: async ({ deps, principal: p }) => {
      const business = await getBusiness(deps.store.db, p.businessId);
      const session = await deps.sessions.issue({ businessId: p.businessId, keyId: p.keyId, mode: p.mode, origin: p.origin });
      return {
        session_token: session.token,
        expires_at: iso(session.expiresAt),
        business: { id: business.id, name: business.name, timezone: business.timezone, accounts: business.accounts ?? 'off' },
      };
    },
  }),
];
