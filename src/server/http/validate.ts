import type { Context } from 'hono';
import type * as z from 'zod/mini';
import { issuesToFields } from '../../contract/index.ts';
import { ApiError } from './errors.ts';
import { canonicalZone } from '../scheduling/index.ts';

function check<T extends z.ZodMiniType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError('invalid_request', 'Validation failed', issuesToFields(result.error.issues, prefix));
  return result.data;
}

/** Reads a JSON body and validates it; an empty body counts as `{}` where `emptyOk`. */
export async function readBody<T extends z.ZodMiniType>(c: Context, schema: T, opts: { emptyOk?: boolean } = {}): Promise<z.infer<T>> {
  const text = await c.req.text();
  if (text.trim() === '' && opts.emptyOk) return check(schema, {});
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError('invalid_request', 'Content-Type must be application/json', [{ property: 'Content-Type', messages: ['Must be application/json'] }]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_request', 'The body is not valid JSON', [{ property: '(body)', messages: ['Malformed JSON'] }]);
  }
  return check(schema, json);
}

/** Validates the query string; every parameter appears once (a repeated one is refused). */
export function readQuery<T extends z.ZodMiniType>(c: Context, schema: T): z.infer<T> {
  const all = c.req.queries();
  const single: Record<string, string> = {};
  for (const [k, values] of Object.entries(all)) {
    if (values.length > 1) throw new ApiError('invalid_request', 'Validation failed', [{ property: k, messages: ['Give this parameter once'] }]);
    single[k] = values[0]!;
  }
  return check(schema, single);
}

/** A zone that exists, in canonical form; anything else is a 400 naming the field. */
export function zoneOrThrow(name: string, property = 'timezone'): string {
  const zone = canonicalZone(name);
  if (!zone) throw new ApiError('invalid_request', 'Validation failed', [{ property, messages: ['Unknown time zone'] }]);
  return zone;
}

export function instantOrThrow(value: string, property: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new ApiError('invalid_request', 'Validation failed', [{ property, messages: ['Must be an RFC 3339 date-time'] }]);
  return ms;
}
