import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type FieldError } from '../../contract/index.ts';
import type { Logger } from '../log.ts';

/** A client-facing failure: the code and message go on the wire, nothing else does. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const invalid = (property: string, message: string) =>
  new ApiError('invalid_request', 'Validation failed', [{ property, messages: [message] }]);
export const notFound = (what = 'Resource') => new ApiError('not_found', `${what} not found`);

export function envelope(code: ErrorCode, message: string, fields?: FieldError[]): ErrorBody {
  return { error: fields ? { code, message, fields } : { code, message } };
}

/** The one error handler: known errors become the envelope; anything else a logged, bare 500. */
export function errorResponse(err: unknown, c: Context, log: Logger): Response {
  let e: ApiError;
  if (err instanceof ApiError) e = err;
  else if (err instanceof HTTPException && err.status === 413) e = new ApiError('payload_too_large', 'Request body is larger than 64 KiB');
  else if (err instanceof HTTPException && err.status < 500) e = new ApiError('invalid_request', err.message || 'Bad request');
  else if (isBusy(err)) {
    // Another process holds a lock we need past the wait: the transaction rolled back, nothing was
    // written, and the same request (same Idempotency-Key) succeeds once the lock is gone.
    log.error('database busy', { request_id: c.get('requestId') });
    e = new ApiError('internal', 'The booking service is busy. Please try again in a moment.', undefined, { 'Retry-After': '1' });
  } else if (isStorageFull(err)) {
    // The disk is full or failing: the transaction rolled back, so nothing is half-written; the
    // operator must act, and the same request succeeds once they have.
    log.error('database cannot write', { request_id: c.get('requestId'), code: (err as { code?: string }).code });
    e = new ApiError('internal', 'The booking service cannot save anything right now. Please try again later.', undefined, { 'Retry-After': '30' });
  } else {
    log.error('unhandled error', { request_id: c.get('requestId'), error: err instanceof Error ? err.stack : String(err) });
    e = new ApiError('internal', 'Something went wrong on our side. Please try again.');
  }
  for (const [k, v] of Object.entries(e.headers ?? {})) c.header(k, v);
  return c.json(envelope(e.code, e.message, e.fields), e.status as 400);
}

/**
 * The database's lock wait ran out: SQLite's busy_timeout, PostgreSQL's statement or lock timeout,
 * or no pooled PostgreSQL connection came free in time (pg-pool says so only in its message).
 */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === '57014' || code === '55P03' ||
    (err instanceof Error && err.message === 'timeout exceeded when trying to connect');
}

/** SQLite's SQLITE_FULL and I/O errors, PostgreSQL's disk_full (53100). */
function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || (typeof code === 'string' && code.startsWith('SQLITE_IOERR'));
}
