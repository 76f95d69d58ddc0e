/** Header names of the wire contract, in one place for both sides. */
export const H = {
  guestToken: 'X-Guest-Token',
  idempotencyKey: 'Idempotency-Key',
  limit: 'X-RateLimit-Limit',
  remaining: 'X-RateLimit-Remaining',
  reset: 'X-RateLimit-Reset',
  retryAfter: 'Retry-After',
  requestId: 'X-Request-Id',
} as const;

/** What a browser may read of our responses (CORS `Access-Control-Expose-Headers`). */
export const EXPOSED_HEADERS = [H.guestToken, H.limit, H.remaining, H.reset, H.retryAfter] as const;

export const API_BASE_PATH = '/api/v1';
export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_RANGE_DAYS = 62;
