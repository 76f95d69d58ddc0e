import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as z from 'zod/mini';
import { ERROR_STATUS, ErrorBody, H, MAX_RANGE_DAYS } from '../../src/contract/index.ts';
import { ROUTE_TABLE } from '../../src/server/routes/index.ts';
import type { Route } from '../../src/server/http/route.ts';
import { harness, ok } from './helpers.ts';

// The route table is the one list of routes: these tests read it, never a list of their own.

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const name = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const declared = ROUTE_TABLE.map((r) => name(r.method, r.path)).sort();

/** The property names of an object schema, through the server's refinements (pipes) to the contract's object. */
function keysOf(schema: z.ZodMiniType): string[] {
  let def = (schema as any)._zod.def;
  while (def.type === 'pipe') def = def.in._zod.def;
  return Object.keys(def.shape).sort();
}

// A route that takes a secret key takes a hub key and the service key alike (API.md, "Hubs and service keys").
const SCHEME = { secret: ['secret', 'hub', 'service'], session: ['session'], publishable: ['publishable'], hub: ['hub'] } as Record<string, string[] | undefined>;
const securityOf = (r: Route) => r.credentials.flatMap((k) => (SCHEME[k] ?? []).map((scheme) => ({ [scheme]: [] })));
/** The headers hub and service keys send on admin routes: X-Business-Id and X-Mode. */
const ADMIN_HEADERS = ['X-Business-Id', 'X-Mode'];

/** A request for the path as a client would write it: `{id}` and friends filled in. */
const concrete = (path: string) => path.replace(/\{\w+\}/g, 'x');

async function documentOf() {
  const h = await harness();
  return { h, doc: await ok(h.req('GET', '/api/v1/openapi.json'), 200) };
}

describe('GET /api/v1/openapi.json', () => {
  it('names every operation with a unique operationId, and says where the server is', async () => {
    const { doc } = await documentOf();
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    assert.equal(ids.length, ROUTE_TABLE.length);
    assert.ok(ids.every((id) => typeof id === 'string' && /^[a-z]+[A-Za-z0-9]+$/.test(id)), ids.join(' '));
    assert.equal(new Set(ids).size, ids.length, 'unique');
    assert.deepEqual(doc.servers, [{ url: '/', description: 'This server' }]);
  });

  it('lists every route of the route table and no other', async () => {
    const { doc } = await documentOf();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(new Set(declared).size, declared.length, 'each route is declared once');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => name(method, path))).sort();
    assert.deepEqual(documented, declared);
  });

  it("states each route's credential, inputs and answers as the table declares them", async () => {
    const { doc } = await documentOf();
    for (const r of ROUTE_TABLE) {
      const what = name(r.method, r.path);
      const op = doc.paths[r.path][r.method];
      assert.equal(op.summary, r.summary, what);
      assert.deepEqual(op.security, securityOf(r), `${what}: security`);
      const params = (where: string) => (op.parameters ?? []).filter((p: any) => p.in === where).map((p: any) => p.name).sort();
      assert.deepEqual(params('path'), [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort(), `${what}: path parameters`);
      assert.deepEqual(params('query'), r.query ? keysOf(r.query) : [], `${what}: query parameters`);
      assert.deepEqual(params('header'), [...(r.headers ? keysOf(r.headers) : []), ...(r.credentials.includes('secret') ? ADMIN_HEADERS : [])].sort(), `${what}: header parameters`);
      if (r.body) {
        assert.equal(op.requestBody.required, !r.bodyOptional, `${what}: body required`);
        assert.deepEqual(Object.keys(op.requestBody.content['application/json'].schema.properties).sort(), keysOf(r.body), `${what}: body properties`);
      } else {
        assert.equal(op.requestBody, undefined, `${what}: no body`);
      }
      assert.ok(op.responses[r.ok[0]], `${what}: success ${r.ok[0]}`);
      assert.equal(Boolean(op.responses[r.ok[0]].content), r.ok[1] !== null, `${what}: success body`);
      for (const code of r.errors) assert.match(op.responses[ERROR_STATUS[code]]?.description ?? '', new RegExp(`\\b${code}\\b`), `${what}: ${code}`);
    }
  });

  it('states the checks the server makes beyond the field types, and the contract schemas as they are', async () => {
    const { doc } = await documentOf();
    const book = doc.paths['/api/v1/bookings'].post;
    const idempotency = book.parameters.find((p: any) => p.name === H.idempotencyKey);
    assert.deepEqual([idempotency.in, idempotency.required], ['header', true]);
    assert.ok(idempotency.schema.pattern, 'the key rule travels as a pattern');
    assert.equal(book.parameters.find((p: any) => p.name === H.guestToken).required, false);
    const availability = doc.paths['/api/v1/availability'].get.parameters;
    assert.match(availability.find((p: any) => p.name === 'to').description, new RegExp(`${MAX_RANGE_DAYS} days`));
    assert.match(availability.find((p: any) => p.name === 'timezone').description, /canonical/);
    assert.match(doc.paths['/api/v1/staff/{id}/schedule'].put.requestBody.content['application/json'].schema.properties.weekly.description, /24:00/);

    const bookingBody = book.requestBody.content['application/json'].schema;
    assert.equal(bookingBody.additionalProperties, false, 'unknown fields are refused');
    assert.deepEqual(bookingBody.properties.customer.required.sort(), ['email', 'name']);
    assert.ok(bookingBody.properties.customer.properties.email.pattern, 'the email rule travels as a pattern');
    assert.ok(book.responses['409']);
    const booked = book.responses['201'].content['application/json'].schema;
    assert.deepEqual(booked.properties.booking.properties.status, { type: 'string', enum: ['confirmed', 'cancelled'] }, 'the status is documented as an enum');
    assert.deepEqual(doc.components.schemas.Error.properties.error.required.sort(), ['code', 'message']);
  });
});

describe('the router', () => {
  it('serves every route of the table', async () => {
    const h = await harness();
    for (const r of ROUTE_TABLE) {
      const res = await h.req(r.method.toUpperCase(), concrete(r.path));
      assert.ok(!(res.status === 404 && /^No route/.test(res.body?.error?.message ?? '')), `${name(r.method, r.path)} is not served`);
    }
  });

  it('answers a request for an undeclared route with the 404 envelope', async () => {
    const h = await harness();
    const misses = [['GET', '/api/v1/nope'], ['GET', '/nope'], ['POST', '/api/v1/services/x/staff']];
    for (const path of new Set(ROUTE_TABLE.map((r) => r.path))) {
      for (const method of METHODS) if (!declared.includes(name(method, path))) misses.push([method, path]);
    }
    for (const [method, path] of misses) {
      const res = await h.req(method, concrete(path));
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.ok(ErrorBody.safeParse(res.body).success, `${method} ${path}: the envelope`);
      assert.equal(res.body.error.code, 'not_found', `${method} ${path}`);
    }
  });
});
