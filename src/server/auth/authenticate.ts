import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Deps, SecretPrincipal, SessionPrincipal } from '../context.ts';
import { ApiError } from '../http/errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { ipKey, type Bucket } from './ratelimit.ts';
import { findKeyByToken, parseKeyShape } from './keys.ts';
import { openToAnyOrigin, originAllowed } from './origins.ts';
import { SessionExpired } from './sessions.ts';

/** The credentials `requireAuth` checks; publishable keys have their own gate (`requirePublishable`). */
export type CredentialKind = 'secret' | 'session';

/** `Authorization: Bearer <credential>`, the one shape the API reads. */
export const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function bearer(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (!header) return undefined;
  const m = BEARER.exec(header);
  if (!m) throw new ApiError('unauthorized', 'Authorization must be "Bearer <credential>"');
  return m[1];
}

/** Applies rate limits and sets the limit headers; throws `rate_limited` with them when exhausted. */
export async function limit(c: Context<AppEnv>, deps: Deps, hits: { bucket: Bucket; key: string }[]) {
  const headers = await deps.limits.consume(hits);
  for (const [k, v] of Object.entries(headers)) c.header(k, v);
}

export const ipBucket = (c: Context<AppEnv>, deps: Deps, bucket: Bucket) => ({ bucket, key: ipKey(clientIp(c, deps.config.trustProxy, deps.log)) });

/**
 * An origin refusal is readable by the page that was refused (API.md, CORS): its error answer, and
 * only an error answer, carries `Access-Control-Allow-Origin`, so the widget can tell the merchant
 * which origin to add. `null` is never reflected.
 */
function refusedOrigin(c: Context<AppEnv>, origin: string | undefined) {
  c.set('corsOrigin', origin && origin !== 'null' ? origin : '');
}

/** Routes without a credential of their own (health, manage links): limited per client IP. */
export function perIp(deps: Deps, bucket: Bucket): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await limit(c, deps, [ipBucket(c, deps, bucket)]);
    await next();
  };
}

/**
 * Authenticates a secret key or a session token, whichever the route accepts, then applies
 * that credential's rate limits. A request that fails authentication is counted against its
 * IP instead, so guessing credentials is limited too.
 */
export function requireAuth(deps: Deps, kinds: CredentialKind[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let principal: SecretPrincipal | SessionPrincipal;
    try {
      principal = await authenticate(c, deps, kinds);
    } catch (err) {
      // A refused credential counts against its IP and carries the headers; once that is spent,
      // the answer is the 429, so guessing keys or tokens is limited like everything else.
      if (!(err instanceof ApiError && err.code === 'rate_limited')) await limit(c, deps, [ipBucket(c, deps, 'public')]);
      throw err;
    }
    c.set('principal', principal);
    await limit(c, deps, principal.kind === 'secret'
      ? [{ bucket: 'admin', key: principal.keyId }]
      : [{ bucket: 'widgetMinute', key: principal.sessionId }, { bucket: 'widgetHour', key: principal.sessionId }]);
    await next();
  };
}

const lastTouched = new Map<string, number>();
/** `last_used_at` to the minute: one write per key per minute per process, not one per request. */
export async function touchKey(deps: Deps, keyId: string): Promise<void> {
  const now = deps.now();
  if (now - (lastTouched.get(keyId) ?? 0) < 60_000) return;
  lastTouched.set(keyId, now);
  await deps.store.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
}

/**
 * A publishable key, from an origin on its list: the credential of `POST /session` (bucket
 * `session`) and of the two catalog reads (bucket `catalog`). Counted per client IP before the
 * key is even looked at, so guessing keys is limited too.
 */
export function requirePublishable(deps: Deps, bucket: 'session' | 'catalog' = 'session'): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await limit(c, deps, [ipBucket(c, deps, bucket)]);
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
    if (!originAllowed(key, origin)) {
      // An open test key allows any origin, and a request from no page at all, which names none.
      // A catalog read without an Origin is a same-origin page's GET (browsers send none there) or
      // a server's: no other site's page can read its answer, so the key alone is enough.
      if (!(origin === undefined && (openToAnyOrigin(key) || bucket === 'catalog'))) {
        refusedOrigin(c, origin);
        throw new ApiError('origin_not_allowed', `Origin ${origin ?? '(none)'} is not allowed for this key`);
      }
    }
    if (origin !== undefined) c.set('corsOrigin', origin);
    if (key.status === 'revoked') throw new ApiError('key_revoked', 'This publishable key has been revoked');
    await touchKey(deps, key.id);
    c.set('principal', { kind: 'publishable', keyId: key.id, businessId: key.business_id, mode: key.mode, origin: origin ?? null });
    await next();
  };
}

async function authenticate(c: Context<AppEnv>, deps: Deps, kinds: CredentialKind[]): Promise<SecretPrincipal | SessionPrincipal> {
  const token = bearer(c);
  if (!token) throw new ApiError('unauthorized', 'Missing credential: send Authorization: Bearer <key or session token>');
  const origin = c.req.header('origin');
  const shape = parseKeyShape(token);

  if (shape?.type === 'secret' && origin !== undefined) {
    c.set('corsOrigin', '');
    throw new ApiError('secret_key_in_browser', 'Secret keys must never be used from a browser; use a publishable key');
  }
  if (shape) {
    const row = await findKeyByToken(deps.store.db, token);
    if (!row) throw new ApiError('unauthorized', 'Unknown API key');
    if (row.status === 'revoked') throw new ApiError('key_revoked', 'This API key has been revoked');
    if (row.type === 'publishable' || !kinds.includes('secret')) {
      throw new ApiError('forbidden', row.type === 'publishable'
        ? 'A publishable key can only create sessions (POST /api/v1/session)'
        : 'Secret keys cannot call widget routes; use a session token');
    }
    await touchKey(deps, row.id);
    return { kind: 'secret', keyId: row.id, businessId: row.business_id, mode: row.mode };
  }

  let claims;
  try {
    claims = await deps.sessions.verify(token);
  } catch (err) {
    // An expired token was still signed by us: let the widget read the code, so it refreshes.
    if (err instanceof SessionExpired && origin !== undefined && err.origin === origin) c.set('corsOrigin', origin);
    throw err;
  }
  if (origin !== undefined) {
    if (origin !== claims.origin) {
      refusedOrigin(c, origin);
      throw new ApiError('origin_not_allowed', 'This session was issued for another origin');
    }
    c.set('corsOrigin', origin);
  }
  const key = await deps.store.db.selectFrom('api_keys').select(['status', 'business_id', 'allowed_origins', 'mode']).where('id', '=', claims.keyId).executeTakeFirst();
  if (!key || key.business_id !== claims.businessId) throw new ApiError('unauthorized', 'Invalid session token');
  if (key.status === 'revoked') throw new ApiError('key_revoked', 'The publishable key behind this session has been revoked');
  // The key's list as it is now, not as it was when the session was made: narrowing it takes effect at once.
  if (!(originAllowed(key, claims.origin) || (claims.origin === null && openToAnyOrigin(key)))) {
    refusedOrigin(c, origin);
    throw new ApiError('origin_not_allowed', 'This origin is no longer allowed for the key behind this session');
  }
  if (!kinds.includes('session')) throw new ApiError('forbidden', 'Session tokens cannot call admin routes; use a secret key from your server');
  if (claims.customerId) {
    // A customer's access token lives as long as its family: signed out, reset or erased ends it at once.
    const family = await deps.store.db.selectFrom('customer_families').select(['customer_id', 'revoked_at']).where('id', '=', claims.familyId!).executeTakeFirst();
    if (!family || family.revoked_at !== null || family.customer_id !== claims.customerId) throw new ApiError('unauthorized', 'Signed out: sign in again');
    return { kind: 'session', keyId: claims.keyId, businessId: claims.businessId, mode: claims.mode, origin: claims.origin, sessionId: claims.sessionId, customerId: claims.customerId };
  }
  return { kind: 'session', keyId: claims.keyId, businessId: claims.businessId, mode: claims.mode, origin: claims.origin, sessionId: claims.sessionId };
}
