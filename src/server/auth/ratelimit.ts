import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { H } from '../../contract/index.ts';
import type { Config } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import { normalizeIp } from '../http/client-ip.ts';

export type Bucket = 'session' | 'catalog' | 'widgetMinute' | 'widgetHour' | 'admin' | 'public' | 'signIn' | 'signInAccount' | 'signin' | 'signinAccount';

export interface RateLimits {
  /**
   * Takes one point from each bucket and answers the headers of the tightest of them.
   * Throws ApiError `rate_limited` (with `Retry-After`) when any bucket is empty.
   */
  consume(hits: { bucket: Bucket; key: string }[]): Promise<Record<string, string>>;
}

/** Each bucket's name in `RateLimit-Policy` and `RateLimit`. */
const POLICY_NAMES: Record<Bucket, string> = {
  session: 'session', catalog: 'catalog', widgetMinute: 'widget', widgetHour: 'widget-hour', admin: 'admin', public: 'public',
  signIn: 'sign-in', signInAccount: 'sign-in-account',
  signin: 'signin', signinAccount: 'signin-account',
};

/**
 * Rate limits through rate-limiter-flexible. Its limiters share one interface over many stores
 * (memory, Redis, PostgreSQL, …), so instances that must share counters swap the store here and
 * nothing else changes. A limit of 0 is off: no counting, no headers from it.
 */
export function rateLimits(limits: Config['limits'], create: LimiterFactory = memoryLimiter): RateLimits {
  const spec: Record<Bucket, { points: number; duration: number }> = {
    session: { points: limits.sessionPerMinute, duration: 60 },
    widgetMinute: { points: limits.widgetPerMinute, duration: 60 },
    widgetHour: { points: limits.widgetPerHour, duration: 3600 },
    admin: { points: limits.adminPerMinute, duration: 60 },
    public: { points: limits.publicPerMinute, duration: 60 },
    // Catalog reads with the publishable key itself, per client IP (they carry no session to count by).
    catalog: { points: limits.catalogPerMinute, duration: 60 },
    // Customer accounts: sign-ins, codes and mail requests per client IP, and per email at a business.
    signIn: { points: limits.signInPerMinute ?? 0, duration: 60 },
    signInAccount: { points: limits.signInPerAccountPerHour ?? 0, duration: 3600 },
    // Dashboard sign-ins: per client IP, and per account (every attempt at one email, 15 minutes).
    signin: { points: limits.signinPerMinute ?? 0, duration: 60 },
    signinAccount: { points: limits.signinPerAccount ?? 0, duration: 900 },
  };
  const limiters = new Map<Bucket, LimiterLike>();
  for (const [bucket, s] of Object.entries(spec) as [Bucket, typeof spec.session][]) {
    if (s.points > 0) limiters.set(bucket, create(bucket, s.points, s.duration));
  }

  return {
    async consume(hits) {
      const results: { bucket: Bucket; points: number; res: RateLimiterRes; blocked: boolean }[] = [];
      for (const { bucket, key } of hits) {
        const limiter = limiters.get(bucket);
        if (!limiter) continue;
        try {
          results.push({ bucket, points: limiter.points, res: await limiter.consume(key), blocked: false });
        } catch (rejection) {
          // The library rejects with its result object when the bucket is empty, or an Error when its store fails.
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          results.push({ bucket, points: limiter.points, res: rejection, blocked: true });
        }
      }
      if (results.length === 0) return {};
      const blocked = results.filter((r) => r.blocked).sort((a, b) => b.res.msBeforeNext - a.res.msBeforeNext);
      const tightest = blocked[0] ?? [...results].sort((a, b) => a.res.remainingPoints - b.res.remainingPoints)[0];
      const resetMs = Date.now() + tightest.res.msBeforeNext;
      const left = Math.max(0, tightest.res.remainingPoints);
      const name = POLICY_NAMES[tightest.bucket];
      const headers: Record<string, string> = {
        [H.limit]: String(tightest.points),
        [H.remaining]: String(left),
        [H.reset]: String(Math.ceil(resetMs / 1000)),
        // The IETF draft's fields, for the same (tightest) limit: its quota and window, then what is left and when it resets.
        [H.rateLimitPolicy]: `"${name}";q=${tightest.points};w=${spec[tightest.bucket].duration}`,
        [H.rateLimit]: `"${name}";r=${left};t=${Math.max(0, Math.ceil(tightest.res.msBeforeNext / 1000))}`,
      };
      if (blocked.length) {
        headers[H.retryAfter] = String(Math.max(1, Math.ceil(tightest.res.msBeforeNext / 1000)));
        throw new ApiError('rate_limited', 'Too many requests; try again in a moment', undefined, headers);
      }
      return headers;
    },
  };
}

/**
 * The key a client address is counted under. An IPv6 client is usually given a whole /64 and can
 * pick any address in it, so per address it could rotate past every limit: it is counted per /64.
 * IPv4 (and IPv4-mapped IPv6) is counted per address.
 */
export function ipKey(address: string): string {
  const ip = normalizeIp(address);
  return isIPv6(ip) ? `${ip.split(':').slice(0, 4).join(':')}::/64` : ip;
}

interface LimiterLike { points: number; consume(key: string): Promise<RateLimiterRes> }
export type LimiterFactory = (bucket: Bucket, points: number, duration: number) => LimiterLike;

export function memoryLimiter(bucket: Bucket, points: number, duration: number): LimiterLike {
  const limiter = new RateLimiterMemory({ keyPrefix: bucket, points, duration });
  return { points, consume: (key) => limiter.consume(key, 1) };
}

// Shared stores: every API instance counts against the same numbers. When the shared store
// fails, the library falls back to a per-process memory limiter (`insuranceLimiter`) instead of
// failing the request: limits get looser for a moment, the API stays up.

/** Counters in the `rate_limits` table (migration 0002) of the PostgreSQL database the API uses. */
export const postgresLimiter = (pool: Pool): LimiterFactory => (bucket, points, duration) => {
  const limiter = new RateLimiterPostgres({
    storeClient: pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, keyPrefix: bucket, points, duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: bucket, points, duration }),
  });
  return { points, consume: (key) => limiter.consume(key, 1) };
};

/** Counters in Redis (`REDIS_URL`), under `<prefix>:<bucket>:<key>`. */
export const redisLimiter = (client: Redis, prefix: string): LimiterFactory => (bucket, points, duration) => {
  const limiter = new RateLimiterRedis({
    storeClient: client, keyPrefix: `${prefix}:${bucket}`, points, duration,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: bucket, points, duration }),
  });
  return { points, consume: (key) => limiter.consume(key, 1) };
};
