/** Header names of the wire contract, in one place for both sides. */
export const H = {
  guestToken: 'X-Guest-Token',
  idempotencyKey: 'Idempotency-Key',
  limit: 'X-RateLimit-Limit',
  remaining: 'X-RateLimit-Remaining',
  reset: 'X-RateLimit-Reset',
  retryAfter: 'Retry-After',
  requestId: 'X-Request-Id',
  /** draft-ietf-httpapi-ratelimit-headers: the policy (`"widget";q=60;w=60`) and what is left of it (`"widget";r=58;t=41`). */
  rateLimitPolicy: 'RateLimit-Policy',
  rateLimit: 'RateLimit',
  /** Hub and service keys name the business each admin request acts on. */
  businessId: 'X-Business-Id',
  /** Service keys choose the mode: `live` (default) or `test`. */
  mode: 'X-Mode',
} as const;

/** What a browser may read of our responses (CORS `Access-Control-Expose-Headers`); `ETag` for GET /availability's If-None-Match. */
export const EXPOSED_HEADERS = [H.guestToken, H.limit, H.remaining, H.reset, H.rateLimitPolicy, H.rateLimit, H.retryAfter, 'ETag'] as const;

export const API_BASE_PATH = '/api/v1';
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_RANGE_DAYS = 62;
