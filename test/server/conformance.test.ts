// A conformance fuzzer that knows the API only through the OpenAPI document it serves: for every
// operation, requests are generated from the document's own schemas (json-schema-faker, seeded),
// valid ones (some with real ids and times mixed in) and invalid ones (a required field or
// parameter missing, a value of the wrong type, an unknown field, a huge string, a body that is
// not JSON, a wrong or missing credential), and sent to the real app on a real database. Ajv,
// with the document's schemas, judges every answer:
// - never a 5xx;
// - its status is one the operation documents;
// - a documented body: `application/json`, matching that status's schema; none where none is documented;
// - an error: the envelope, with a code the operation documents for that status;
// - a request the document itself calls invalid, sent with a right credential, is refused (400 or 413).
// Seeded and bounded: CONFORMANCE_SEED and CONFORMANCE_RUNS reproduce or widen a run; a failure
// prints the seed and each finding's request.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { generate } from 'json-schema-faker';
import { randomBytes } from 'node:crypto';
import { createHub } from '../../src/server/domain/hubs.ts';
import { SHOP, T0, WEEKDAYS_9_TO_17, booking, harness, ok, shop, type Res, type Shop } from './helpers.ts';

const SEED = Number(process.env.CONFORMANCE_SEED ?? 20261202);
/** Requests per operation and credential: half valid, half broken. */
const RUNS = Number(process.env.CONFORMANCE_RUNS ?? 20);
const HUGE = 70 * 1024;

type Json = Record<string, any>;
interface Param { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: Json }
interface Operation { method: string; path: string; op: Json; params: Param[]; body?: { required: boolean; schema: Json } }
interface Sent { method: string; url: string; headers: Record<string, string>; body?: string; invalid: string | null; cred: string }

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** A small seeded generator (mulberry32), so a run is reproducible from its seed alone. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

/** The document's operations, dereferenced. */
async function operationsOf(doc: Json): Promise<Operation[]> {
  const api = await SwaggerParser.dereference(structuredClone(doc) as never) as Json;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(api.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      const body = op.requestBody?.content?.['application/json'];
      ops.push({ method: method.toUpperCase(), path, op, params: (op.parameters ?? []) as Param[], body: body ? { required: op.requestBody.required === true, schema: body.schema } : undefined });
    }
  }
  return ops;
}

/** Real things to aim at: ids that exist, a manage token that opens its booking, times the shop is open. */
async function world(s: Shop) {
  const admin = (method: string, path: string, body?: unknown) => ok(s.h.req(method, path, { auth: s.sk, body }), method === 'POST' ? 201 : 200);
  const book = async (hours: number) => ok(s.h.req('POST', '/bookings', {
    auth: s.session, origin: SHOP, body: booking(s.serviceId, new Date(T0 + hours * 3600_000).toISOString()), headers: { 'idempotency-key': crypto.randomUUID() },
  }), 201);
  const booked = await book(26);
  const hold = await ok(s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: new Date(T0 + 28 * 3600_000).toISOString() } }), 201);
  const spareKey = await admin('POST', '/api-keys', { name: 'spare', type: 'publishable' });
  const hook = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/hooks' });
  // Mondays to Fridays from T0's week on, 09:00–16:30 Berlin on the half hour: free or taken, all plausible.
  const starts = Array.from({ length: 60 }, (_, i) => new Date(T0 + (Math.floor(i / 12) * 24 + 2 + (i % 12) / 2) * 3600_000).toISOString());
  // Deletions aim at throwaway ones, so the rest stay reachable.
  const spareService = await admin('POST', '/services', { name: 'Spare', duration_minutes: 30, staff_ids: s.staffIds });
  const spareStaff = await admin('POST', '/staff', { name: 'Spare' });
  const spareHook = await admin('POST', '/webhooks', { url: 'http://127.0.0.1:9/spare' });
  const ids: Record<string, string[]> = {
    '/api/v1/holds/{id}': [hold.hold.id],
    '/api/v1/bookings/{id}': [booked.booking.id],
    '/api/v1/api-keys/{id}': [spareKey.id],
    '/api/v1/services/{id}': [s.serviceId],
    'DELETE /api/v1/services/{id}': [spareService.id],
    '/api/v1/staff/{id}': s.staffIds,
    'DELETE /api/v1/staff/{id}': [spareStaff.id],
    '/api/v1/webhooks/{id}': [hook.id],
    'DELETE /api/v1/webhooks/{id}': [spareHook.id],
  };
  const values: Record<string, unknown[]> = {
    service_id: [s.serviceId], staff_id: s.staffIds, staff_ids: [s.staffIds], start: starts,
    from: ['2027-03-01', '2027-03-02'], to: ['2027-03-05', '2027-03-31'], timezone: ['Europe/Berlin', 'UTC', 'US/Eastern', 'Australia/Sydney'],
    email: ['ada@example.com'], url: ['http://127.0.0.1:9/in', 'https://hooks.example.com/in'], token: [booked.manage_token],
    type: ['publishable', 'secret'], currency: ['EUR'], weekly: [WEEKDAYS_9_TO_17], exceptions: [[], [{ date: '2027-03-03', intervals: [] }]],
  };
  return { ids, values, manageToken: booked.manage_token };
}

/** The path's id: `/webhooks/{id}/deliveries` aims at a webhook's id, a deletion at a throwaway one. */
function idFor(ids: Record<string, string[]>, method: string, path: string, rng: Rng): string {
  const prefix = path.replace(/\/\{(\w+)\}.*$/, '/{$1}');
  const real = (prefix === path ? ids[`${method} ${path}`] : undefined) ?? ids[prefix];
  return real && rng.chance(0.75) ? rng.pick(real) : rng.pick(['x', 'bk_nope', 'svc_0', '%2e%2e', 'a'.repeat(300), '💥', ...HOSTILE]);
}

/**
 * Text a schema of type string takes but that has broken servers: U+0000 (PostgreSQL's text
 * refuses it), unpaired surrogates, direction overrides, markup and SQL, astral characters.
 */
const HOSTILE = ['a\u0000b', '\ud800', 'x\udc00y', '\u202egnp.exe', '<script>alert(1)</script>', "'; drop table bookings; --", '😀👩🏽‍💻', '\ufeff', 'null'];

/** A path segment; an unpaired surrogate, which has no UTF-8, goes as the bytes a careless client would send (CESU-8). */
const pathSegment = (v: string) => {
  try {
    return encodeURIComponent(v);
  } catch {
    return '%ED%A0%80';
  }
};

/** Real values into generated ones, by property name, here and there; and now and then a hostile string. */
function mixIn(value: unknown, values: Record<string, unknown[]>, rng: Rng): unknown {
  if (typeof value === 'string') return rng.chance(0.08) ? rng.pick(HOSTILE) : value;
  if (Array.isArray(value)) return value.map((v) => mixIn(v, values, rng));
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) out[k] = values[k] && rng.chance(0.7) ? rng.pick(values[k]) : mixIn(v, values, rng);
  return out;
}

/** A value no schema that asks for `type` would take. */
const wrongTypeFor = (schema: Json, rng: Rng): unknown => {
  const types = new Set([schema.type, ...(schema.anyOf ?? []).map((s: Json) => s.type)].flat().filter(Boolean));
  const candidates: unknown[] = [42.5, true, 'text', [], { a: 1 }, null].filter((v) => {
    const t = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v === 'object' ? 'object' : typeof v;
    return !types.has(t) && !(t === 'number' && types.has('integer'));
  });
  return rng.pick(candidates);
};

/** Breaks a valid body in one of the ways clients do; says how. */
function breakBody(body: unknown, schema: Json, rng: Rng): [unknown, string, boolean] {
  const raw = true;
  const obj = body && typeof body === 'object' && !Array.isArray(body) ? (body as Json) : {};
  const props = Object.keys(schema.properties ?? {});
  const required: string[] = schema.required ?? [];
  const ways = ['unknown field', 'wrong type', 'huge string', 'not JSON', 'not an object', ...(required.length ? ['missing required'] : [])];
  const way = rng.pick(ways);
  switch (way) {
    case 'missing required': {
      const k = rng.pick(required);
      const { [k]: _, ...rest } = obj;
      return [rest, `${way} ${k}`, !raw];
    }
    case 'wrong type': {
      if (!props.length) return [{ ...obj, zz_unknown: 1 }, 'unknown field', !raw];
      const k = rng.pick(props);
      return [{ ...obj, [k]: wrongTypeFor(schema.properties[k], rng) }, `${way} ${k}`, !raw];
    }
    case 'huge string': {
      const k = props.length ? rng.pick(props) : 'zz_huge';
      return [{ ...obj, [k]: 'x'.repeat(HUGE) }, `${way} ${k}`, !raw];
    }
    case 'not JSON':
      return [rng.pick(['{"a":', 'not json', '\u0000', '{"__proto__":']), way, raw];
    case 'not an object':
      return [rng.pick([[], 'text', 12, null]), way, !raw];
    default:
      return [{ ...obj, zz_unknown: 'x' }, way, !raw];
  }
}

/** The codes an error status of an operation documents: its description lists them (`invalid_request, forbidden`). */
const codesOf = (response: Json | undefined) => new Set(String(response?.description ?? '').split(/,\s*/));

/**
 * The verdict on one answer: null when it conforms, else what is wrong. `validator` compiles a
 * schema of the document with Ajv.
 */
function judge(validator: (schema: Json) => ValidateFunction, o: Operation, sent: Sent, r: Res): string | null {
  const what = `${sent.method} ${sent.url.slice(0, 160)} [${sent.cred}] ${sent.invalid ? `(invalid: ${sent.invalid}) ` : ''}${(sent.body ?? '').slice(0, 160)} → ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`;
  const fail = (why: string) => `${why}: ${what}`;
  if (r.status >= 500) return fail('a 5xx');
  const response = o.op.responses[String(r.status)] ?? o.op.responses.default;
  if (!response) return fail(`status ${r.status} is not documented (${Object.keys(o.op.responses).join(', ')})`);
  const schema = response.content?.['application/json']?.schema;
  const type = r.headers.get('content-type') ?? '';
  if (schema) {
    if (!/^application\/json\b/.test(type)) return fail(`content type ${type || '(none)'} where application/json is documented`);
    const check = validator(schema);
    if (!check(r.body)) return fail(`the answer does not match its documented schema (${JSON.stringify(check.errors?.slice(0, 2))})`);
  } else if (r.body !== null && r.body !== '') {
    return fail('a body where the document states none');
  }
  if (r.status >= 400) {
    const code = r.body?.error?.code;
    if (typeof code !== 'string') return fail('an error without the envelope\'s code');
    if (!codesOf(response).has(code)) return fail(`code ${code} is not among those documented for ${r.status} (${response.description})`);
  }
  if (sent.invalid && r.status !== 400 && r.status !== 413) return fail('a request the document calls invalid was not refused with 400 or 413');
  return null;
}

/** Ajv for OpenAPI 3.1's dialect (JSON Schema 2020-12) with the formats, each schema compiled once. */
function validatorOf() {
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
  const compiled = new Map<Json, ValidateFunction>();
  return (schema: Json) => {
    let fn = compiled.get(schema);
    if (!fn) compiled.set(schema, (fn = ajv.compile(schema)));
    return fn;
  };
}

/** Widget and public operations first, admin ones after: an admin change (a service switched off) must not hide the rest. */
const order = (o: Operation) => ((o.op.security ?? []).some((r: Json) => 'secret' in r) && !(o.op.security ?? []).some((r: Json) => 'session' in r) ? 1 : 0)
  + (o.method === 'DELETE' ? 2 : 0);

describe('the API against its own OpenAPI document (a generated conformance sweep)', () => {
  it('answers every generated request with a documented status, body and error code, and refuses what the document calls invalid', async () => {
    // Every credential the document names: the hub and service keys act on this shop's business.
    const serviceKey = randomBytes(32).toString('base64url');
    const s = await shop(await harness({ config: { serviceKey } }), { staff: 2 });
    const { hub, hub_key: hubKey } = await createHub(s.h.store, { name: 'Conformance hub', mode: 'test', now: s.h.clock.now });
    await s.h.store.db.updateTable('businesses').set({ hub_id: hub.id }).where('id', '=', s.businessId).execute();
    const doc = await ok(s.h.req('GET', '/api/v1/openapi.json'), 200);
    const businessId = s.businessId;
    const operations = (await operationsOf(doc)).sort((a, b) => order(a) - order(b));
    const { ids, values, manageToken } = await world(s);
    const validator = validatorOf();
    const accepts = (schema: Json, value: unknown): boolean => validator(schema)(value);
    const rng = prng(SEED);
    const findings: string[] = [];
    const counts = { operations: operations.length, requests: 0, valid: 0, invalid: 0, byStatus: new Map<number, number>() };
    const credentials: Record<string, { auth: string; origin?: string }> = {
      secret: { auth: s.sk }, session: { auth: s.session, origin: SHOP }, publishable: { auth: s.pk, origin: SHOP },
      hub: { auth: hubKey }, service: { auth: serviceKey },
    };

    const fake = async (schema: Json) => generate(schema, { seed: rng.int(2 ** 31), optionalsProbability: 0.5, maxItems: 3, maxLength: 40 });

    async function request(o: Operation, cred: string, broken: boolean): Promise<Sent> {
      const headers: Record<string, string> = {};
      const query = new URLSearchParams();
      let path = o.path;
      let invalid: string | null = null;
      // X-Business-Id and X-Mode belong to the credential (a hub or service key's business and mode):
      // breaking them is breaking the credential, which the gate judges before any input.
      const breakableParams = o.params.filter((p) => p.in !== 'path' && p.name !== 'X-Business-Id' && p.name !== 'X-Mode');
      const breakable = broken ? rng.pick(['param', 'body', 'credential'].filter((w) => w !== 'body' || o.body).filter((w) => w !== 'param' || breakableParams.length)) : null;
      const breakParam = breakable === 'param' ? rng.pick(breakableParams) : null;
      for (const p of o.params) {
        if (p.in === 'path') {
          path = path.replace(`{${p.name}}`, pathSegment(idFor(ids, o.method, o.path, rng)));
          continue;
        }
        let value: unknown = values[p.name] && rng.chance(0.7) ? rng.pick(values[p.name]) : mixIn(await fake(p.schema), {}, rng);
        if (p.name === 'token' && p.in === 'query' && rng.chance(0.8)) value = manageToken;
        if (p.name === 'Idempotency-Key') value = crypto.randomUUID();
        // The business and mode hub and service keys name: this shop's, except when broken on purpose
        // (any other business is outside their reach, 404, or not a business key's own, 403).
        if (p.name === 'X-Business-Id') {
          if (cred !== 'hub' && cred !== 'service') continue;
          value = businessId;
        }
        if (p.name === 'X-Mode') value = 'test';
        if (p === breakParam) {
          // Missing when required, else a value outside the schema (too long or off its pattern).
          if (p.required && rng.chance(0.5)) { invalid = `missing ${p.in} ${p.name}`; continue; }
          value = rng.pick(['a'.repeat(300), '!! not this', '', ' ']);
        } else if (!p.required && rng.chance(0.4)) continue;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        if (p === breakParam && !accepts(p.schema, text)) invalid = `${p.in} ${p.name} = ${JSON.stringify(text.slice(0, 20))}`;
        if (p.in === 'query') query.set(p.name, text);
        else if (/^[\t\x20-\x7e]*$/.test(text)) headers[p.name] = text; // headers carry visible ASCII only
        else if (p.required && p === breakParam) headers[p.name] = 'bad value';
      }
      let body: string | undefined;
      if (o.body) {
        const generated = mixIn(await fake(o.body.schema), values, rng);
        if (breakable === 'body') {
          const [value, how, raw] = breakBody(generated, o.body.schema, rng);
          body = raw ? (value as string) : JSON.stringify(value);
          if (raw || !accepts(o.body.schema, value)) invalid = `body: ${how}`;
        } else if (o.body.required || rng.chance(0.7)) {
          body = JSON.stringify(generated);
          if (!accepts(o.body.schema, generated)) invalid = 'body: generated value fails its own schema (json-schema-faker)';
        }
        if (body !== undefined) headers['content-type'] = 'application/json';
      }
      let used = cred;
      if (breakable === 'credential') used = rng.pick(['none', 'malformed', 'garbage', 'secret', 'session', 'publishable'].filter((k) => k !== cred));
      const c = credentials[used];
      if (c) {
        headers.authorization = `Bearer ${c.auth}`;
        if (c.origin) headers.origin = c.origin;
      } else if (used === 'malformed') headers.authorization = 'Basic dXNlcjpwYXNz';
      else if (used === 'garbage') headers.authorization = `Bearer ${rng.pick(['sk_test_nope', 'pk_test_nope', 'eyJhbGciOiJub25lIn0.e30.', 'x'.repeat(500)])}`;
      const qs = query.toString();
      return { method: o.method, url: `${path}${qs ? `?${qs}` : ''}`, headers, body, invalid: used !== cred ? null : invalid, cred: used };
    }

    for (const o of operations) {
      const schemes: string[] = (o.op.security ?? []).flatMap((req: Json) => Object.keys(req));
      for (const cred of schemes.length ? schemes : ['none']) {
        for (let i = 0; i < RUNS; i++) {
          const sent = await request(o, cred, i % 2 === 1);
          const r = await s.h.req(sent.method, sent.url, { headers: sent.headers, rawBody: sent.body });
          counts.requests++;
          counts[sent.invalid ? 'invalid' : 'valid']++;
          counts.byStatus.set(r.status, (counts.byStatus.get(r.status) ?? 0) + 1);
          const finding = judge(validator, o, sent, r);
          if (finding) findings.push(finding);
          if (process.env.CONFORMANCE_DEBUG) console.log(`${o.method} ${o.path} [${sent.cred}] ${sent.invalid ?? ''} -> ${r.status} ${r.body?.error?.code ?? ''}`);
        }
      }
    }
    const statuses = [...counts.byStatus].sort(([a], [b]) => a - b).map(([k, n]) => `${k}×${n}`).join(' ');
    console.log(`conformance sweep, seed ${SEED}: ${counts.operations} operations, ${counts.requests} requests (${counts.invalid} invalid by the document), statuses ${statuses}, findings ${findings.length}`);
    assert.ok(counts.byStatus.get(200)! > 0 && counts.byStatus.get(201)! > 0 && counts.byStatus.get(400)! > 0, 'the sweep reached successes and refusals');
    assert.deepEqual(findings.slice(0, 15), [], `seed ${SEED} (CONFORMANCE_SEED=${SEED} reproduces it): ${findings.length} findings`);
  });
});

describe('the conformance judge', () => {
  it('finds each kind of disagreement it looks for (so the sweep above can fail)', async () => {
    const h = (await shop()).h;
    const operations = await operationsOf(await ok(h.req('GET', '/api/v1/openapi.json'), 200));
    const o = operations.find((x) => x.method === 'GET' && x.path === '/api/v1/availability')!;
    const validator = validatorOf();
    const json = new Headers({ 'content-type': 'application/json' });
    const sent: Sent = { method: 'GET', url: '/api/v1/availability?service_id=svc_1', headers: {}, invalid: null, cred: 'session' };
    const good = { service_id: 'svc_1', timezone: 'UTC', days: [{ date: '2027-03-01', slots: [{ start: '2027-03-01T09:00:00Z', end: '2027-03-01T10:00:00Z' }] }] };
    const error = (code: string) => ({ error: { code, message: 'm' } });
    assert.equal(judge(validator, o, sent, { status: 200, headers: json, body: good }), null);
    assert.equal(judge(validator, o, sent, { status: 404, headers: json, body: error('not_found') }), null);
    const findings: [string, Res, Partial<Sent>?][] = [
      ['a 5xx', { status: 500, headers: json, body: error('internal') }],
      ['is not documented', { status: 418, headers: json, body: error('teapot') }],
      ['does not match its documented schema', { status: 200, headers: json, body: { ...good, days: [{ date: '2027-03-01' }] } }],
      ['does not match its documented schema', { status: 200, headers: json, body: { ...good, extra: 1 } }],
      ['content type', { status: 200, headers: new Headers({ 'content-type': 'text/html' }), body: good }],
      ['without the envelope|does not match its documented schema', { status: 400, headers: json, body: { message: 'bad' } }],
      ['not among those documented', { status: 400, headers: json, body: error('slot_taken') }],
      ['was not refused', { status: 200, headers: json, body: good }, { invalid: 'query from = "x"' }],
      ['a body where the document states none', { status: 304, headers: new Headers(), body: 'x' }],
    ];
    for (const [why, res, differs] of findings) assert.match(judge(validator, o, { ...sent, ...differs }, res) ?? 'no finding', new RegExp(why), why);
  });
});
