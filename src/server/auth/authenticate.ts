import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv, Deps, HubPrincipal, SecretPrincipal, SessionPrincipal } from '../context.ts';
import { H } from '../../contract/index.ts';
import type { Mode } from '../store/schema.ts';
import { ApiError } from '../http/errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { ipKey, type Bucket } from './ratelimit.ts';
import { findKeyByToken, parseKeyShape } from './keys.ts';
import { openToAnyOrigin, originAllowed } from './origins.ts';
import { SessionExpired } from './sessions.ts';
import { findHubKeyByToken, hubBusiness } from '../domain/hubs.ts';
import { hashToken, sameHash } from './tokens.ts';

/**
 * The credentials `requireAuth` checks; publishable keys have their own gate (`requirePublishable`).
 * `secret` admits a business's secret key, and a hub key or the service key naming a business.
 */
export type CredentialKind = 'secret' | 'session' | 'hub';

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
    let principal: SecretPrincipal | SessionPrincipal | HubPrincipal;
    try {
      principal = await authenticate(c, deps, kinds);
    } catch (err) {
      // A refused credential counts against its IP and carries the headers; once that is spent,
      // the answer is the 429, so guessing keys or tokens is limited like everything else.
      if (!(err instanceof ApiError && err.code === 'rate_limited')) await limit(c, deps, [ipBucket(c, deps, 'public')]);
      throw err;
    }
    c.set('principal', principal);
    await limit(c, deps, principal.kind === 'session'
      ? [{ bucket: 'widgetMinute', key: principal.sessionId }, { bucket: 'widgetHour', key: principal.sessionId }]
      : [{ bucket: 'admin', key: adminLimitKey(principal) }]);
    await next();
  };
}

/**
 * The admin limit each credential counts against: a business's secret key its own; every key of
 * a hub the hub's one budget; the service key its own (API.md: their own admin limit).
 */
function adminLimitKey(p: SecretPrincipal | HubPrincipal): string {
  if (p.kind === 'hub') return `hub:${p.hubId}`;
  if (p.via?.type === 'hub_key') return `hub:${p.via.hubId}`;
  if (p.via?.type === 'service_key') return 'service';
  return p.keyId;
}

const lastTouched = new Map<string, number>();
/** `last_used_at` to the minute: one write per key per minute per process, not one per request. */
export async function touchKey(deps: Deps, keyId: string, table: 'api_keys' | 'hub_keys' = 'api_keys'): Promise<void> {
  const now = deps.now();
  if (now - (lastTouched.get(keyId) ?? 0) < 60_000) return;
  lastTouched.set(keyId, now);
  await deps.store.db.updateTable(table).set({ last_used_at: now }).where('id', '=', keyId).execute();
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
    if (shape.type !== 'publishable') {
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

const inBrowser = (c: Context<AppEnv>) => {
  c.set('corsOrigin', '');
  return new ApiError('secret_key_in_browser', 'Secret keys must never be used from a browser; use a publishable key');
};

/** `X-Business-Id`, which hub and service keys must send on every admin route. */
function namedBusiness(c: Context<AppEnv>, who: string): string {
  const id = c.req.header(H.businessId)?.trim();
  if (!id) throw new ApiError('invalid_request', `Send ${H.businessId}: biz_… to name the business this ${who} acts on`);
  return id;
}

/** The service key, compared in constant time (as digests, so its length is not told either). */
function isServiceKey(deps: Deps, token: string): boolean {
  const key = deps.config.serviceKey;
  return key !== undefined && sameHash(hashToken(token), hashToken(key));
}

async function authenticate(c: Context<AppEnv>, deps: Deps, kinds: CredentialKind[]): Promise<SecretPrincipal | SessionPrincipal | HubPrincipal> {
  const token = bearer(c);
  if (!token) throw new ApiError('unauthorized', 'Missing credential: send Authorization: Bearer <key or session token>');
  const origin = c.req.header('origin');
  const shape = parseKeyShape(token);

  if ((shape?.type === 'secret' || shape?.type === 'hub') && origin !== undefined) throw inBrowser(c);
  if (shape?.type === 'hub') {
    const row = await findHubKeyByToken(deps.store.db, token);
    if (!row) throw new ApiError('unauthorized', 'Unknown API key');
    if (row.status === 'revoked') throw new ApiError('key_revoked', 'This API key has been revoked');
    if (kinds.includes('hub')) {
      await touchKey(deps, row.id, 'hub_keys');
      return { kind: 'hub', keyId: row.id, hubId: row.hub_id, mode: row.mode };
    }
    if (!kinds.includes('secret')) throw new ApiError('forbidden', 'Hub keys cannot call widget routes; use a session token');
    const businessId = await hubBusiness(deps.store.db, row.hub_id, namedBusiness(c, 'hub key'));
    await touchKey(deps, row.id, 'hub_keys');
    return { kind: 'secret', keyId: row.id, businessId, mode: row.mode, via: { type: 'hub_key', hubId: row.hub_id } };
  }
  if (shape) {
    const row = await findKeyByToken(deps.store.db, token);
    if (!row) throw new ApiError('unauthorized', 'Unknown API key');
    if (row.status === 'revoked') throw new ApiError('key_revoked', 'This API key has been revoked');
    if (row.type === 'publishable' || !kinds.includes('secret')) {
      throw new ApiError('forbidden', row.type === 'publishable'
        ? 'A publishable key can only create sessions (POST /api/v1/session)'
        : kinds.includes('hub') ? 'Only a hub key can call this route' : 'Secret keys cannot call widget routes; use a session token');
    }
    // A business's own key acts on its own business only: naming another is refused, never obeyed.
    const named = c.req.header(H.businessId)?.trim();
    if (named && named !== row.business_id) throw new ApiError('forbidden', `This key belongs to ${row.business_id}; ${H.businessId} is for hub and service keys`);
    await touchKey(deps, row.id);
    return { kind: 'secret', keyId: row.id, businessId: row.business_id, mode: row.mode };
  }
  if (isServiceKey(deps, token)) {
    if (origin !== undefined) throw inBrowser(c);
    if (!kinds.includes('secret')) throw new ApiError('forbidden', kinds.includes('hub') ? 'Only a hub key can call this route' : 'The service key cannot call widget routes; use a session token');
    const mode = (c.req.header(H.mode)?.trim() || 'live') as Mode;
    if (mode !== 'live' && mode !== 'test') throw new ApiError('invalid_request', `${H.mode} must be live or test`);
    const businessId = namedBusiness(c, 'service key');
    const business = await deps.store.db.selectFrom('businesses').select('id').where('id', '=', businessId).executeTakeFirst();
    if (!business) throw new ApiError('not_found', 'Business not found');
    return { kind: 'secret', keyId: 'service', businessId, mode, via: { type: 'service_key' } };
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
  // The key behind the session, and whether the signing key is still stored, in one read: the
  // signer verified with a cached key, and a key removed from the database (retired by another
  // instance, or deleted by an operator) must stop verifying at once, everywhere.
  const key = await deps.store.db.selectFrom('api_keys').select(['status', 'business_id', 'allowed_origins', 'mode'])
    .select((eb) => eb.exists(eb.selectFrom('signing_keys').select('kid').where('kid', '=', claims.signingKeyId)).as('signing_key_stored'))
    .where('id', '=', claims.keyId).executeTakeFirst();
  if (key && !key.signing_key_stored) {
    deps.sessions.forget(claims.signingKeyId);
    throw new ApiError('unauthorized', 'Unknown session signing key');
  }
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
