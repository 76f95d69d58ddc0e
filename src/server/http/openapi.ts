import * as z from 'zod/mini';
import * as C from '../../contract/index.ts';
import { notesOf } from './inputs.ts';
import type { Credential, Route } from './route.ts';

type Json = Record<string, unknown>;

/** A schema as JSON Schema: what a client sends (`input`) or reads (`output`). */
const json = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io, unrepresentable: 'any',
    // The contract checks the booking status with a pattern (lighter for the widget); clients read an enum.
    override: (ctx) => {
      // The entry limit is a refinement, which JSON Schema cannot read from it: stated here.
      if (ctx.zodSchema === (C.Metadata as unknown)) ctx.jsonSchema.maxProperties = C.METADATA_LIMITS.entries;
      if (ctx.zodSchema !== (C.BookingStatus as unknown)) return;
      delete ctx.jsonSchema.pattern;
      ctx.jsonSchema.enum = [...C.BOOKING_STATUSES];
    },
  }) as Json;
  return rest;
};

/** An object schema as named values (query or header parameters), each with the rule the server adds to it. */
function parameters(schema: z.ZodMiniType, where: 'query' | 'header'): Json[] {
  const shape = json(schema, 'input') as { properties: Record<string, Json>; required?: string[] };
  const notes = notesOf(schema);
  return Object.entries(shape.properties).map(([name, s]) => ({
    name, in: where, required: shape.required?.includes(name) ?? false, schema: s,
    ...(notes[name] ? { description: notes[name] } : {}),
  }));
}

function requestBody(r: Route & { body: z.ZodMiniType }): Json {
  const schema = json(r.body, 'input') as { properties?: Record<string, Json> };
  for (const [name, note] of Object.entries(notesOf(r.body))) {
    const property = schema.properties?.[name];
    if (property) property.description = typeof property.description === 'string' ? `${property.description} ${note}` : note;
  }
  return { required: !r.bodyOptional, content: { 'application/json': { schema } } };
}

/** Security requirements: any one of the route's credentials; manage routes carry theirs in the query. */
const SECURITY: Record<Credential, string[]> = { secret: ['secret', 'hub', 'service'], session: ['session'], publishable: ['publishable'], hub: ['hub'], manage: [], none: [] };

/** Admin routes: hub and service keys name the business (and the service key the mode) in headers. */
const ADMIN_HEADERS: Json[] = [
  { name: C.H.businessId, in: 'header', required: false, schema: { type: 'string' }, description: 'Required with a hub key or the service key: the business this request acts on (biz_…). A business\'s own secret key may only name its own.' },
  // Read with the service key only (other credentials carry their mode and ignore it), so the
  // document names its values in words rather than as an enum every credential would be held to.
  { name: C.H.mode, in: 'header', required: false, schema: { type: 'string' }, description: 'With the service key only: `live` (the default) or `test`, the mode to act in; another value is refused (400).' },
];

/** `get /api/v1/webhooks/{id}/deliveries` → `getWebhooksIdDeliveries`: unique, as the table has one route per method and path. */
export const operationId = (r: Pick<Route, 'method' | 'path'>) =>
  r.method + r.path.replace(/^\/api\/v1/, '').split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');

function operation(r: Route): Json {
  const params: Json[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (r.query) params.push(...parameters(r.query, 'query'));
  if (r.headers) params.push(...parameters(r.headers, 'header'));
  if (r.credentials.includes('secret')) params.push(...ADMIN_HEADERS);
  const [status, ok] = r.ok;
  const responses: Record<string, Json> = {
    [status]: ok ? { description: 'OK', content: { 'application/json': { schema: json(ok, 'output') } } } : { description: 'No content' },
  };
  for (const a of r.also) {
    responses[a.status] = { description: a.description, ...(a.schema ? { content: { 'application/json': { schema: json(a.schema, 'output') } } } : {}) };
  }
  for (const code of r.errors) {
    const key = String(C.ERROR_STATUS[code]);
    const existing = responses[key] as { description: string } | undefined;
    responses[key] = { description: existing ? `${existing.description}, ${code}` : code, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return {
    operationId: operationId(r),
    summary: r.summary,
    security: r.credentials.flatMap((k) => SECURITY[k].map((scheme) => ({ [scheme]: [] }))),
    ...(params.length ? { parameters: params } : {}),
    ...(r.body ? { requestBody: requestBody(r as Route & { body: z.ZodMiniType }) } : {}),
    responses,
  };
}

/** The OpenAPI document of a route table: every route of it, and nothing else. */
export function openApiDocument(routes: readonly Route[]) {
  const paths: Record<string, Record<string, Json>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info: { title: 'Booking API', version: '1.0.0', description: 'The wire contract between <booking-widget>, merchants\' servers and the booking API.' },
    // The server that serves the document; paths carry /api/v1 themselves.
    servers: [{ url: '/', description: 'This server' }],
    paths,
    components: {
      schemas: { Error: json(C.ErrorBody, 'output') },
      securitySchemes: {
        publishable: { type: 'http', scheme: 'bearer', description: 'pk_test_… / pk_live_…' },
        session: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        secret: { type: 'http', scheme: 'bearer', description: 'sk_test_… / sk_live_… (servers only)' },
        hub: { type: 'http', scheme: 'bearer', description: 'hk_test_… / hk_live_…: every business of a hub; admin routes need X-Business-Id (servers only)' },
        service: { type: 'http', scheme: 'bearer', description: 'The SERVICE_KEY setting: any business, named with X-Business-Id, in the X-Mode mode (servers only)' },
      },
    },
  };
}
