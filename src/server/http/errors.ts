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
  else {
    log.error('unhandled error', { request_id: c.get('requestId'), error: err instanceof Error ? err.stack : String(err) });
    e = new ApiError('internal', 'Something went wrong on our side. Please try again.');
  }
  for (const [k, v] of Object.entries(e.headers ?? {})) c.header(k, v);
  return c.json(envelope(e.code, e.message, e.fields), e.status as 400);
}
