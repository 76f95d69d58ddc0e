import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Store } from '../store/db.ts';
import type { Mode } from '../store/schema.ts';
import { ApiError } from '../http/errors.ts';
import { hashToken, newId, randomToken } from './tokens.ts';

const ALG = 'HS256';
const ISSUER = 'booking-api';
export const AUDIENCE = 'booking-widget';
/** A signing key stops signing after this long; it keeps verifying for one token lifetime more. */
export const ROTATE_AFTER_MS = 30 * 24 * 3600 * 1000;
/** How often an instance looks for a newer signing key: an old one may sign this long after its successor exists. */
const RECHECK_MS = 3600_000;
/** Tokens whose signature this instance checked, kept by digest: a page's session asks many times. */
const VERIFIED_MAX = 2000;

export class SessionExpired extends ApiError {
  constructor(readonly origin: string | null) {
    super('session_expired', 'The session has expired; request a new one');
  }
}

/**
 * `customerId` and `familyId`: the token is a customer's access token (decision 012), accepted
 * wherever a session token is; `sessionId` is then the family's id, which rate limits count by.
 */
export interface SessionClaims { businessId: string; keyId: string; mode: Mode; origin: string | null; sessionId: string; customerId?: string; familyId?: string }

/** The audiences of this signer's tokens: sessions and customer access tokens, and customer refresh tokens. */
export const AUDIENCE_REFRESH = 'booking-refresh';

/** Verified claims, and the signing key (`kid`) that verified them. */
export interface VerifiedSession extends SessionClaims { signingKeyId: string }

export interface SessionSigner {
  issue(claims: Omit<SessionClaims, 'sessionId'>): Promise<{ token: string; expiresAt: number }>;
  /**
   * Throws ApiError `session_expired` or `unauthorized`; never returns unverified claims. The key
   * comes from a cache, so the caller confirms `signingKeyId` is still stored (authenticate.ts
   * does, in the read it makes anyway) and calls `forget` when it is not.
   */
  verify(token: string): Promise<VerifiedSession>;
  /** Drops a signing key removed from the database (by another instance's retirement, or an operator). */
  forget(kid: string): void;
  /**
   * Signs claims with the given times and id, with the signing key `kid` (or the active one):
   * the same input gives the same token, byte for byte (HMAC), which is how a refresh family's
   * current pair is answered again without being stored (decision 012).
   */
  sign(claims: JWTPayload, o: { audience: string; iat: number; exp: number; jti: string; kid?: string }): Promise<{ token: string; kid: string }>;
  /** The signing key new tokens are signed with now (read outside any write transaction). */
  activeKid(): Promise<string>;
  /** The payload of a token of this audience; throws `unauthorized` (expired ones too). */
  verifyAudience(token: string, audience: string): Promise<JWTPayload>;
}

/**
 * HMAC keys as WebCrypto keys, imported once: jose would otherwise import the raw bytes for every
 * token. A stored key may also sign (a refresh family's pair is re-signed with the key it was
 * first signed with, decision 012).
 */
const hmacKey = (stored: string) =>
  crypto.subtle.importKey('raw', new Uint8Array(Buffer.from(stored, 'base64url')), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

/**
 * Session tokens are JWTs signed with HMAC keys kept in the database, so every API instance on
 * one database can verify every other's tokens. The `kid` header names the key, which is what
 * lets keys rotate: new tokens use the newest key, old tokens find theirs by `kid`.
 */
export async function sessionSigner(store: Store, opts: { now: () => number; ttlSeconds: number }): Promise<SessionSigner> {
  // kid → its verifying key. An entry is made from the stored row, dropped when this instance
  // retires keys, and dropped by `forget` when a request finds its row gone.
  const cache = new Map<string, Promise<CryptoKey | undefined>>();
  const load = (kid: string) => {
    let hit = cache.get(kid);
    if (!hit) {
      hit = (async () => {
        const row = await store.db.selectFrom('signing_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
        return row ? hmacKey(row.secret) : undefined;
      })();
      // An unknown kid (a forgery, or a key not stored yet) is asked again next time, never kept.
      void hit.then((key) => key ?? cache.delete(kid), () => cache.delete(kid));
      cache.set(kid, hit);
    }
    return hit;
  };

  /**
   * Deletes the keys no living token can name: a key is replaced when its successor is made, may
   * sign for one more re-check interval on instances that have not seen the successor yet, and
   * its last tokens expire one lifetime later. A key kept past that would only let a copy of the
   * database (a backup) forge sessions.
   */
  const retire = async () => {
    // A day to spare beyond that: instances' clocks may disagree, and an old key costs nothing.
    const cutoff = opts.now() - (opts.ttlSeconds * 1000 + RECHECK_MS + 24 * 3600_000);
    const successor = await store.db.selectFrom('signing_keys').select('created_at').where('created_at', '<', cutoff)
      .orderBy('created_at', 'desc').executeTakeFirst();
    if (!successor) return;
    await store.db.deleteFrom('signing_keys').where('created_at', '<', successor.created_at).execute();
    cache.clear();
  };

  const current = async (): Promise<{ kid: string; secret: CryptoKey }> => {
    await retire();
    const newest = await store.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').executeTakeFirst();
    if (newest && opts.now() - newest.created_at < ROTATE_AFTER_MS) {
      return { kid: newest.kid, secret: await hmacKey(newest.secret) };
    }
    const row = { kid: newId('sig'), secret: randomToken(32), created_at: opts.now() };
    await store.db.insertInto('signing_keys').values(row).execute();
    return { kid: row.kid, secret: await hmacKey(row.secret) };
  };
  // digest of a token → what its verification gave. A token is the same bytes each time, so its
  // signature needs checking once; its expiry is checked every time, and an entry counts only
  // while its signing key is kept (`forget` and retirement drop the key, and so its tokens).
  const verified = new Map<string, VerifiedSession & { exp: number }>();

  let active = await current();
  let activeCheckedAt = opts.now();
  const keyFor = async (header: { kid?: string | undefined }) => {
    const key = header.kid ? await load(header.kid) : undefined;
    if (!key) throw new ApiError('unauthorized', 'Unknown signing key');
    return key;
  };

  return {
    async issue(claims) {
      if (opts.now() - activeCheckedAt > RECHECK_MS) {
        active = await current();
        activeCheckedAt = opts.now();
      }
      const iat = Math.floor(opts.now() / 1000);
      const exp = iat + opts.ttlSeconds;
      const token = await new SignJWT({ bid: claims.businessId, kid_api: claims.keyId, mode: claims.mode, origin: claims.origin })
        .setProtectedHeader({ alg: ALG, kid: active.kid, typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .setJti(randomToken(12))
        .sign(active.secret);
      return { token, expiresAt: exp * 1000 };
    },

    forget(kid) {
      cache.delete(kid);
      // The key this instance signs with is gone too: the next session takes a stored one (or a new one).
      if (kid === active.kid) activeCheckedAt = -Infinity;
    },

    async verify(token) {
      const digest = hashToken(token);
      const seen = verified.get(digest);
      if (seen && cache.has(seen.signingKeyId)) {
        // jose's rule: expired once the clock's second reaches `exp`.
        if (Math.floor(opts.now() / 1000) >= seen.exp) {
          verified.delete(digest);
          throw new SessionExpired(seen.origin);
        }
        const { exp: _, ...claims } = seen;
        return claims;
      }
      const claims = await verifyToken(token);
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(digest, claims);
      const { exp: _, ...out } = claims;
      return out;
    },

    async activeKid() {
      if (opts.now() - activeCheckedAt > RECHECK_MS) {
        active = await current();
        activeCheckedAt = opts.now();
      }
      return active.kid;
    },

    async sign(claims, o) {
      if (!o.kid && opts.now() - activeCheckedAt > RECHECK_MS) {
        active = await current();
        activeCheckedAt = opts.now();
      }
      const kid = o.kid ?? active.kid;
      const secret = o.kid ? await keyFor({ kid }) : active.secret;
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(ISSUER).setAudience(o.audience).setIssuedAt(o.iat).setExpirationTime(o.exp).setJti(o.jti)
        .sign(secret);
      return { token, kid };
    },

    async verifyAudience(token, audience) {
      try {
        const { payload } = await jwtVerify(token, keyFor, {
          algorithms: [ALG], issuer: ISSUER, audience, currentDate: new Date(opts.now()), requiredClaims: ['exp', 'iat', 'jti'],
        });
        return payload;
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new ApiError('unauthorized', 'This token has expired; sign in again');
        throw new ApiError('unauthorized', 'Invalid token');
      }
    },
  };

  async function verifyToken(token: string): Promise<VerifiedSession & { exp: number }> {
    let payload: JWTPayload;
    let signingKeyId: string;
    try {
      ({ payload, protectedHeader: { kid: signingKeyId = '' } } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid ? await load(header.kid) : undefined;
          if (!key) throw new ApiError('unauthorized', 'Unknown session signing key');
          return key;
        },
        { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, currentDate: new Date(opts.now()), requiredClaims: ['exp', 'iat', 'jti'] },
      ));
    } catch (err) {
      if (err instanceof errors.JWTExpired) {
        // jose checks the signature before the claims, so an expired token's payload is ours.
        const origin = (err.payload as { origin?: unknown }).origin;
        throw new SessionExpired(typeof origin === 'string' ? origin : null);
      }
      throw new ApiError('unauthorized', 'Invalid session token');
    }
    const { bid, kid_api, mode, origin, jti, exp, cus, fam } = payload as Record<string, unknown>;
    if (typeof bid !== 'string' || typeof kid_api !== 'string' || (mode !== 'test' && mode !== 'live')
      || !(origin === null || typeof origin === 'string') || typeof jti !== 'string' || typeof exp !== 'number') {
      throw new ApiError('unauthorized', 'Invalid session token');
    }
    if (cus !== undefined || fam !== undefined) {
      if (typeof cus !== 'string' || typeof fam !== 'string') throw new ApiError('unauthorized', 'Invalid session token');
      return { businessId: bid, keyId: kid_api, mode, origin, sessionId: fam, customerId: cus, familyId: fam, signingKeyId, exp };
    }
    return { businessId: bid, keyId: kid_api, mode, origin, sessionId: jti, signingKeyId, exp };
  }
}
