// Error codes without zod: the widget's first script needs them, and must not pull in a schema.

/** Every error code of the API, with the HTTP status it always travels with. */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  key_revoked: 401,
  session_expired: 401,
  origin_not_allowed: 403,
  secret_key_in_browser: 403,
  forbidden: 403,
  not_found: 404,
  slot_taken: 409,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  idempotency_mismatch: 422,
  rate_limited: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** Codes after which a client must stop using its credential, not retry. */
export const FATAL_CREDENTIAL_CODES: readonly string[] = ['key_revoked', 'unauthorized', 'origin_not_allowed'];
