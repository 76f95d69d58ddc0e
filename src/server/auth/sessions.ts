import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Store } from '../store/db.ts';
import type { Mode } from '../store/schema.ts';
import { ApiError } from '../http/errors.ts';
import { hashToken, newId, randomToken } from './tokens.ts';

const ALG = 'HS256';
const ISSUER = 'booking-api';
const AUDIENCE = 'booking-widget';
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

export interface SessionClaims { businessId: string; keyId: string; mode: Mode; origin: string | null; sessionId: string }

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
}

/** HMAC keys as WebCrypto keys, imported once: jose would otherwise import the raw bytes for every token. */
const hmacKey = (stored: string, usage: 'sign' | 'verify') =>
  crypto.subtle.importKey('raw', new Uint8Array(Buffer.from(stored, 'base64url')), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);

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
        return row ? hmacKey(row.secret, 'verify') : undefined;
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
      return { kid: newest.kid, secret: await hmacKey(newest.secret, 'sign') };
    }
    const row = { kid: newId('sig'), secret: randomToken(32), created_at: opts.now() };
    await store.db.insertInto('signing_keys').values(row).execute();
    return { kid: row.kid, secret: await hmacKey(row.secret, 'sign') };
  };
  // digest of a token → what its verification gave. A token is the same bytes each time, so its
  // signature needs checking once; its expiry is checked every time, and an entry counts only
  // while its signing key is kept (`forget` and retirement drop the key, and so its tokens).
  const verified = new Map<string, VerifiedSession & { exp: number }>();

  let active = await current();
  let activeCheckedAt = opts.now();

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
    const { bid, kid_api, mode, origin, jti, exp } = payload as Record<string, unknown>;
    if (typeof bid !== 'string' || typeof kid_api !== 'string' || (mode !== 'test' && mode !== 'live')
      || !(origin === null || typeof origin === 'string') || typeof jti !== 'string' || typeof exp !== 'number') {
      throw new ApiError('unauthorized', 'Invalid session token');
    }
    return { businessId: bid, keyId: kid_api, mode, origin, sessionId: jti, signingKeyId, exp };
  }
}
