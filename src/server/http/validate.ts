import type { Context } from 'hono';
import type * as z from 'zod/mini';
import { issuesToFields } from '../../contract/index.ts';
import { ApiError } from './errors.ts';
import type { Route } from './route.ts';

function check<T extends z.ZodMiniType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError('invalid_request', 'Validation failed', issuesToFields(result.error.issues, prefix));
  return result.data;
}

/**
 * Text the API takes is I-JSON's (RFC 7493): Unicode scalar values only, so no unpaired
 * surrogate (which no UTF-8 database can store as sent), and no U+0000 (PostgreSQL's text
 * refuses it; a database error would be a 500 for a client's mistake).
 */
// eslint-disable-next-line no-control-regex -- U+0000 is what this refuses
const NOT_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TEXT_MESSAGE = 'Must be Unicode text without U+0000 or unpaired surrogates';

/** Every string of a JSON value, keys too, that is not such text, by its path (`customer.name`). */
function badText(value: unknown, path: string, out: string[]): string[] {
  if (typeof value === 'string') {
    if (NOT_TEXT.test(value)) out.push(path || '(body)');
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => badText(v, `${path}.${i}`.replace(/^\./, ''), out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (NOT_TEXT.test(k)) out.push(at);
      else badText(v, at, out);
    }
  }
  return out;
}

function refuseBadText(value: unknown) {
  const bad = badText(value, '', []);
  if (bad.length) throw new ApiError('invalid_request', 'Validation failed', bad.map((property) => ({ property, messages: [TEXT_MESSAGE] })));
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
  refuseBadText(json);
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
  refuseBadText(single);
  return check(schema, single);
}

/** Validates the headers the schema names (by their wire spelling); other headers are not read. */
export function readHeaders<T extends z.ZodMiniObject>(c: Context, schema: T): z.infer<T> {
  const named: Record<string, string> = {};
  for (const name of Object.keys(schema.def.shape)) {
    const value = c.req.header(name);
    if (value !== undefined) named[name] = value;
  }
  return check(schema, named);
}

/** A route's declared input, in the order a client's mistakes were always reported: headers, body, query. */
export async function readInput(c: Context, r: Route) {
  const headers = r.headers ? readHeaders(c, r.headers) : undefined;
  const body = r.body ? await readBody(c, r.body, { emptyOk: r.bodyOptional ?? false }) : undefined;
  const query = r.query ? readQuery(c, r.query) : undefined;
  const params = c.req.param() as Record<string, string>;
  refuseBadText(params);
  return { headers, body, query, params };
}
