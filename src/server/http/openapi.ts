import * as z from 'zod/mini';
import * as C from '../../contract/index.ts';

type Auth = 'publishable' | 'session' | 'secret' | 'manage' | 'none';
export interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  auth: Auth;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  ok: [number, z.ZodMiniType | null];
  errors: C.ErrorCode[];
}

const common: C.ErrorCode[] = ['invalid_request', 'unauthorized', 'rate_limited'];
const admin: C.ErrorCode[] = [...common, 'key_revoked', 'secret_key_in_browser', 'forbidden'];
const widget: C.ErrorCode[] = [...common, 'key_revoked', 'session_expired', 'origin_not_allowed', 'forbidden'];
const manage: C.ErrorCode[] = ['invalid_request', 'not_found', 'rate_limited'];

/** Every route of API.md; the document below is generated from this table and the contract's schemas. */
export const ROUTES: readonly Route[] = [
  { method: 'post', path: '/session', summary: 'Exchange a publishable key for a one-hour session token', auth: 'publishable', ok: [201, C.SessionResponse], errors: ['unauthorized', 'key_revoked', 'origin_not_allowed', 'secret_key_in_browser', 'forbidden', 'rate_limited'] },
  { method: 'get', path: '/services', summary: 'Bookable services (session) or all services (secret key)', auth: 'session', ok: [200, C.ServiceList], errors: widget },
  { method: 'get', path: '/availability', summary: 'Free slots per calendar date in a time zone', auth: 'session', query: C.AvailabilityQuery, ok: [200, C.AvailabilityResponse], errors: [...widget, 'not_found'] },
  { method: 'post', path: '/holds', summary: 'Hold a slot for this guest (10 minutes)', auth: 'session', body: C.HoldRequest, ok: [201, C.HoldResponse], errors: [...widget, 'not_found', 'slot_taken', 'payload_too_large'] },
  { method: 'delete', path: '/holds/{id}', summary: "Release this guest's hold", auth: 'session', ok: [204, null], errors: [...widget, 'not_found'] },
  { method: 'post', path: '/bookings', summary: 'Book a slot (Idempotency-Key required)', auth: 'session', body: C.BookingRequest, ok: [201, C.BookingCreated], errors: [...widget, 'not_found', 'slot_taken', 'idempotency_in_progress', 'idempotency_mismatch', 'payload_too_large'] },
  { method: 'get', path: '/guest/bookings', summary: "This guest's bookings, upcoming first", auth: 'session', ok: [200, C.BookingList], errors: widget },
  { method: 'get', path: '/bookings/{id}', summary: 'View a booking by its manage token', auth: 'manage', query: C.ManageQuery, ok: [200, C.BookingResponse], errors: manage },
  { method: 'post', path: '/bookings/{id}/cancel', summary: 'Cancel a booking by its manage token', auth: 'manage', query: C.ManageQuery, body: C.CancelRequest, ok: [200, C.BookingResponse], errors: manage },
  { method: 'post', path: '/bookings/{id}/reschedule', summary: 'Move a booking by its manage token', auth: 'manage', query: C.ManageQuery, body: C.RescheduleRequest, ok: [200, C.BookingResponse], errors: [...manage, 'slot_taken', 'forbidden'] },
  { method: 'get', path: '/api-keys', summary: 'List API keys of this mode', auth: 'secret', ok: [200, C.list(C.ApiKey)], errors: admin },
  { method: 'post', path: '/api-keys', summary: 'Create an API key (the full key is shown once)', auth: 'secret', body: C.ApiKeyCreate, ok: [201, C.ApiKeyCreated], errors: admin },
  { method: 'get', path: '/api-keys/{id}', summary: 'One API key', auth: 'secret', ok: [200, C.ApiKey], errors: [...admin, 'not_found'] },
  { method: 'patch', path: '/api-keys/{id}', summary: 'Rename a key or change its allowed origins', auth: 'secret', body: C.ApiKeyPatch, ok: [200, C.ApiKey], errors: [...admin, 'not_found'] },
  { method: 'delete', path: '/api-keys/{id}', summary: 'Revoke a key, and every session issued from it, at once', auth: 'secret', ok: [200, C.ApiKey], errors: [...admin, 'not_found'] },
  { method: 'post', path: '/services', summary: 'Create a service', auth: 'secret', body: C.ServiceCreate, ok: [201, C.AdminService], errors: admin },
  { method: 'get', path: '/services/{id}', summary: 'One service', auth: 'secret', ok: [200, C.AdminService], errors: [...admin, 'not_found'] },
  { method: 'patch', path: '/services/{id}', summary: 'Change a service', auth: 'secret', body: C.ServicePatch, ok: [200, C.AdminService], errors: [...admin, 'not_found'] },
  { method: 'delete', path: '/services/{id}', summary: 'Delete a service (its bookings stay)', auth: 'secret', ok: [204, null], errors: [...admin, 'not_found'] },
  { method: 'get', path: '/staff', summary: 'List staff', auth: 'secret', ok: [200, C.list(C.AdminStaff)], errors: admin },
  { method: 'post', path: '/staff', summary: 'Add a staff member', auth: 'secret', body: C.StaffCreate, ok: [201, C.AdminStaff], errors: admin },
  { method: 'get', path: '/staff/{id}', summary: 'One staff member', auth: 'secret', ok: [200, C.AdminStaff], errors: [...admin, 'not_found'] },
  { method: 'patch', path: '/staff/{id}', summary: 'Change a staff member', auth: 'secret', body: C.StaffPatch, ok: [200, C.AdminStaff], errors: [...admin, 'not_found'] },
  { method: 'delete', path: '/staff/{id}', summary: 'Remove a staff member', auth: 'secret', ok: [204, null], errors: [...admin, 'not_found'] },
  { method: 'put', path: '/staff/{id}/schedule', summary: 'Set weekly hours and date exceptions', auth: 'secret', body: C.Schedule, ok: [200, C.AdminStaff], errors: [...admin, 'not_found'] },
  { method: 'get', path: '/bookings', summary: "The business's bookings", auth: 'secret', query: C.AdminBookingsQuery, ok: [200, C.BookingList], errors: admin },
  { method: 'get', path: '/business', summary: 'The business: name, zone, booking page and notification addresses', auth: 'secret', ok: [200, C.BusinessSettings], errors: admin },
  { method: 'patch', path: '/business', summary: 'Change the business settings', auth: 'secret', body: C.BusinessPatch, ok: [200, C.BusinessSettings], errors: admin },
  { method: 'get', path: '/webhooks', summary: 'List webhook endpoints', auth: 'secret', ok: [200, C.list(C.Webhook)], errors: admin },
  { method: 'post', path: '/webhooks', summary: 'Add an endpoint (the signing secret is shown once)', auth: 'secret', body: C.WebhookCreate, ok: [201, C.WebhookCreated], errors: admin },
  { method: 'get', path: '/webhooks/{id}', summary: 'One endpoint', auth: 'secret', ok: [200, C.Webhook], errors: [...admin, 'not_found'] },
  { method: 'patch', path: '/webhooks/{id}', summary: 'Change an endpoint, or switch it on or off', auth: 'secret', body: C.WebhookPatch, ok: [200, C.Webhook], errors: [...admin, 'not_found'] },
  { method: 'delete', path: '/webhooks/{id}', summary: 'Delete an endpoint', auth: 'secret', ok: [204, null], errors: [...admin, 'not_found'] },
  { method: 'get', path: '/webhooks/{id}/deliveries', summary: 'The delivery log, newest first, with every attempt', auth: 'secret', ok: [200, C.list(C.WebhookDelivery)], errors: [...admin, 'not_found'] },
  { method: 'post', path: '/webhooks/{id}/deliveries/{delivery_id}/retry', summary: 'Send a delivery again now', auth: 'secret', ok: [202, C.WebhookDelivery], errors: [...admin, 'not_found'] },
];

const json = (schema: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io, unrepresentable: 'any',
    // The contract checks the booking status with a pattern (lighter for the widget); clients read an enum.
    override: (ctx) => {
      if (ctx.zodSchema !== (C.BookingStatus as unknown)) return;
      delete ctx.jsonSchema.pattern;
      ctx.jsonSchema.enum = [...C.BOOKING_STATUSES];
    },
  }) as Record<string, unknown>;
  return rest;
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const parameters: unknown[] = [...(r.path.match(/\{(\w+)\}/g) ?? [])].map((m) => ({ name: m.slice(1, -1), in: 'path', required: true, schema: { type: 'string' } }));
    if (r.query) {
      const shape = json(r.query, 'input') as { properties: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(shape.properties)) parameters.push({ name, in: 'query', required: shape.required?.includes(name) ?? false, schema });
    }
    if (r.path === '/bookings' && r.method === 'post') parameters.push({ name: C.H.idempotencyKey, in: 'header', required: true, schema: { type: 'string' } });
    if (r.auth === 'session' && r.path !== '/services') parameters.push({ name: C.H.guestToken, in: 'header', required: false, schema: { type: 'string' } });
    const responses: Record<string, unknown> = {
      [r.ok[0]]: r.ok[1] ? { description: 'OK', content: { 'application/json': { schema: json(r.ok[1], 'output') } } } : { description: 'No content' },
    };
    for (const code of r.errors) {
      const status = String(C.ERROR_STATUS[code]);
      const existing = responses[status] as { description: string } | undefined;
      responses[status] = { description: existing ? `${existing.description}, ${code}` : code, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    paths[`${C.API_BASE_PATH}${r.path}`] ??= {};
    paths[`${C.API_BASE_PATH}${r.path}`]![r.method] = {
      summary: r.summary,
      security: r.auth === 'none' || r.auth === 'manage' ? [] : [{ [r.auth]: [] }],
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body, 'input') } } } } : {}),
      responses,
    };
  }
  paths['/health'] = { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'OK' } } } };
  paths['/ready'] = { get: { summary: 'Readiness: the database answers and the process is not shutting down', security: [], responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } } } };
  return {
    openapi: '3.1.0',
    info: { title: 'Booking API', version: '1.0.0', description: 'The wire contract between <booking-widget>, merchants\' servers and the booking API.' },
    paths,
    components: {
      schemas: { Error: json(C.ErrorBody, 'output') },
      securitySchemes: {
        publishable: { type: 'http', scheme: 'bearer', description: 'pk_test_… / pk_live_…' },
        session: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        secret: { type: 'http', scheme: 'bearer', description: 'sk_test_… / sk_live_… (servers only)' },
      },
    },
  };
}
