import type { Hono } from 'hono';
import type { SessionResponse } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { bearer, ipBucket, limit, touchKey } from '../auth/authenticate.ts';
import { allowedOrigins, findKeyByToken, parseKeyShape } from '../auth/keys.ts';
import { originAllowedByList } from '../auth/origins.ts';
import { ApiError } from '../http/errors.ts';
import { getBusiness } from '../domain/bookings.ts';

/** POST /session: a publishable key, from an allowed origin, becomes a one-hour session token. */
export function sessionRoutes(api: Hono<AppEnv>, deps: Deps) {
  api.post('/session', async (c) => {
    // Counted per client IP before the key is even looked at, so guessing keys is limited too.
    await limit(c, deps, [ipBucket(c, deps, 'session')]);
    const token = bearer(c);
    const origin = c.req.header('origin');
    const shape = token ? parseKeyShape(token) : null;
    if (!token || !shape) throw new ApiError('unauthorized', 'Send Authorization: Bearer <publishable key>');
    if (shape.type === 'secret') {
      if (origin !== undefined) {
        c.set('corsOrigin', '');
        throw new ApiError('secret_key_in_browser', 'Secret keys must never be used from a browser; use a publishable key');
      }
      throw new ApiError('forbidden', 'Sessions are created with a publishable key');
    }
    const key = await findKeyByToken(deps.store.db, token);
    if (!key) throw new ApiError('unauthorized', 'Unknown publishable key');
    if (!originAllowedByList(allowedOrigins(key), origin)) {
      // An empty list allows any origin, but a request from no page at all must name none.
      if (!(allowedOrigins(key).length === 0 && origin === undefined)) {
        c.set('corsOrigin', '');
        throw new ApiError('origin_not_allowed', `Origin ${origin ?? '(none)'} is not allowed for this key`);
      }
    }
    if (origin !== undefined) c.set('corsOrigin', origin);
    if (key.status === 'revoked') throw new ApiError('key_revoked', 'This publishable key has been revoked');
    await touchKey(deps, key.id);
    const business = await getBusiness(deps.store.db, key.business_id);
    const session = await deps.sessions.issue({ businessId: key.business_id, keyId: key.id, mode: key.mode, origin: origin ?? null });
    const body: SessionResponse = {
      session_token: session.token,
      expires_at: new Date(session.expiresAt).toISOString(),
      business: { id: business.id, name: business.name, timezone: business.timezone },
    };
    return c.json(body, 201);
  });
}
