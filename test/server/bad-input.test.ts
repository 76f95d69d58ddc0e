import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Email, ErrorBody } from '../../src/contract/index.ts';
import { SHOP, booking, expectError, idemKey, ok, shop, type Res } from './helpers.ts';

const assertEnvelope = (r: Res, label: string) => {
  assert.ok(r.status >= 400 && r.status < 500, `${label}: status ${r.status} ${JSON.stringify(r.body)}`);
  assert.ok(ErrorBody.safeParse(r.body).success, `${label}: not the envelope: ${JSON.stringify(r.body)}`);
  assert.ok(!/at .*\.ts:\d+|node_modules|Error:/.test(JSON.stringify(r.body)), `${label}: leaks internals`);
};

describe('bad input', () => {
  it('answers every malformed booking request with a 4xx envelope and books nothing', async () => {
    const s = await shop();
    const good = booking(s.serviceId, '2027-03-01T09:00:00Z');
    const corpus: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }][] = [
      ['malformed JSON', { rawBody: '{"service_id":', headers: { 'content-type': 'application/json' } }],
      ['empty body', { rawBody: '' }],
      ['JSON array', { body: [good] }],
      ['JSON null', { body: null }],
      ['text/plain', { rawBody: JSON.stringify(good), headers: { 'content-type': 'text/plain' } }],
      ['wrong type: start number', { body: { ...good, start: 1234 } }],
      ['wrong type: customer string', { body: { ...good, customer: 'Ada' } }],
      ['missing customer', { body: { ...good, customer: undefined } }],
      ['missing service_id', { body: { ...good, service_id: undefined } }],
      ['unknown top-level field', { body: { ...good, price: 0 } }],
      ['unknown nested field', { body: { ...good, customer: { ...good.customer, admin: true } } }],
      ['huge name', { body: { ...good, customer: { ...good.customer, name: 'x'.repeat(10_000) } } }],
      ['huge notes', { body: { ...good, notes: 'n'.repeat(5000) } }],
      ['blank name', { body: { ...good, customer: { ...good.customer, name: '   ' } } }],
      ['invalid date', { body: { ...good, start: '2027-02-30T09:00:00Z' } }],
      ['date without time', { body: { ...good, start: '2027-03-01' } }],
      ['invalid zone', { body: { ...good, timezone: 'Europe/Atlantis' } }],
      ['offset as zone', { body: { ...good, timezone: '+02:00' } }],
      ['SQL in service_id', { body: { ...good, service_id: "svc' OR 1=1 --" } }],
      ['bad phone', { body: { ...good, customer: { ...good.customer, phone: '<script>' } } }],
      ['over 64 KiB', { body: { ...good, notes: 'x'.repeat(70_000) } }],
    ];
    for (const [label, o] of corpus) {
      const r = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey(), ...o.headers }, ...(o.body !== undefined ? { body: o.body } : {}), ...(o.rawBody !== undefined ? { rawBody: o.rawBody } : {}) });
      assertEnvelope(r, label);
      if (label === 'over 64 KiB') assert.equal(r.status, 413);
      else if (label === 'SQL in service_id') assert.equal(r.status, 400);
      else assert.equal(r.status, 400, `${label}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await s.h.store.db.selectFrom('bookings').selectAll().execute()).length, 0);
    assert.equal((await s.h.store.db.selectFrom('services').selectAll().execute()).length, 1, 'no SQL ran');
  });

  it('stores SQL and HTML in text fields as given and returns them as text', async () => {
    const s = await shop();
    const nasty = `Robert'); DROP TABLE bookings;-- <img src=x onerror=alert(1)> \u202Eevil`;
    const r = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z', { notes: nasty, customer: { name: nasty.slice(0, 200), email: 'bobby@example.com' } }) }), 201);
    assert.equal(r.booking.notes, nasty);
    assert.equal((await s.h.store.db.selectFrom('bookings').selectAll().execute()).length, 1);
  });

  it('keeps text at its length limits exactly, script URLs and direction overrides included, and refuses one character more', async () => {
    const s = await shop();
    const notes = `javascript:alert(1) \u202E\u2066 ${'ü'.repeat(1980)}`.slice(0, 2000);
    const name = `\u202Bرشيد <b>${'x'.repeat(200)}`.slice(0, 200);
    const r = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T10:00:00Z', { notes, customer: { name, email: 'r@example.com' } }) }), 201);
    assert.equal(r.booking.notes, notes);
    assert.equal(r.booking.customer.name, name);
    const listed = await ok(s.h.req('GET', '/bookings?from=2027-03-01&to=2027-03-02', { auth: s.sk }), 200);
    assert.equal(listed.data[0].notes, notes);
    const tooLong = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T12:00:00Z', { notes: notes + 'x' }) });
    expectError(tooLong, 400, 'invalid_request');
    assert.equal(tooLong.body.error.fields[0].property, 'notes');
    const huge = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T12:00:00Z', { customer: { name: 'n'.repeat(10_000), email: 'r@example.com' } }) });
    expectError(huge, 400, 'invalid_request');
  });

  // Security review issue 14: addresses with specials in them passed the email schema, and written
  // into a `"Name" <address>` header each named one more recipient.
  const RECIPIENT_ADDING = ['postmaster>,eve@evil.example', 'a;b:c@evil.example'];

  it('refuses a customer email that would add a recipient (postmaster>,eve@evil.example, a;b:c@evil.example): 400 invalid_request naming customer.email', async () => {
    const s = await shop();
    for (const email of RECIPIENT_ADDING) {
      const r = await s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(s.serviceId, '2027-03-01T09:00:00Z', { customer: { name: 'Eve', email } }) });
      expectError(r, 400, 'invalid_request');
      assert.deepEqual(r.body.error.fields.map((f: { property: string }) => f.property), ['customer.email'], email);
    }
    assert.equal((await s.h.store.db.selectFrom('bookings').selectAll().execute()).length, 0);
  });

  it('refuses a notification_email or reply_to that would add a recipient: 400 invalid_request naming the field, settings unchanged', async () => {
    const s = await shop();
    const before = await ok(s.h.req('GET', '/business', { auth: s.sk }), 200);
    for (const field of ['notification_email', 'reply_to']) {
      for (const email of RECIPIENT_ADDING) {
        const r = await s.h.req('PATCH', '/business', { auth: s.sk, body: { [field]: email } });
        expectError(r, 400, 'invalid_request');
        assert.deepEqual(r.body.error.fields.map((f: { property: string }) => f.property), [field], `${field}: ${email}`);
      }
    }
    assert.deepEqual(await ok(s.h.req('GET', '/business', { auth: s.sk }), 200), before);
  });

  it('the email schema takes ordinary addresses (+ tags, subdomains, letters of any script) and no address with specials, quotes, spaces or control characters', () => {
    const good = ['ada@example.com', 'Ada.Lovelace+bookings@mail.example.co.uk', 'o\'brien@example.ie', 'x_y-z@sub-domain.example.org', 'a1@b2.example', `${'l'.repeat(64)}@${'d'.repeat(63)}.example`,
      'josé@müller.de', 'kunde@xn--mller-kva.de', 'محمد@example.com', 'a#b&c=d@example.com'];
    for (const e of good) assert.ok(Email.safeParse(e).success, e);
    const bad = [
      ...RECIPIENT_ADDING, 'eve@evil.example,bob@example.com', 'Eve <eve@evil.example>', '"a b"@example.com', 'a(b)@example.com', 'a[b]@example.com',
      'a\\b@example.com', 'a b@example.com', 'a\r\nBcc: x@evil.example', 'a\u0000b@example.com', 'a@b@example.com', '.a@example.com', 'a.@example.com',
      'a..b@example.com', 'a@example', 'user%relay@example.com', 'a!b@example.com', 'a@-example.com', 'a@example..com', 'a@example.com.', 'a@[127.0.0.1]', 'a@exa_mple.com',
      `${'l'.repeat(250)}@example.com`,
    ];
    for (const e of bad) assert.ok(!Email.safeParse(e).success, JSON.stringify(e));
  });

  it('answers unknown routes, negative durations and bad queries with the envelope', async () => {
    const s = await shop();
    const cases: [string, Res][] = [
      ['unknown route', await s.h.req('GET', '/nope')],
      ['unknown method', await s.h.req('PUT', '/session', { body: {} })],
      ['negative duration', await s.h.req('POST', '/services', { auth: s.sk, body: { name: 'x', duration_minutes: -5 } })],
      ['fractional duration', await s.h.req('POST', '/services', { auth: s.sk, body: { name: 'x', duration_minutes: 30.5 } })],
      ['negative price', await s.h.req('POST', '/services', { auth: s.sk, body: { name: 'x', duration_minutes: 30, price: { amount_minor: -1, currency: 'EUR' } } })],
      ['bad currency', await s.h.req('POST', '/services', { auth: s.sk, body: { name: 'x', duration_minutes: 30, price: { amount_minor: 1, currency: 'euro' } } })],
      ['unknown query parameter', await s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-01&timezone=UTC&debug=1`, { auth: s.session })],
      ['repeated query parameter', await s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&from=2027-03-02&to=2027-03-03&timezone=UTC`, { auth: s.session })],
      ['bad status filter', await s.h.req('GET', '/bookings?status=all', { auth: s.sk })],
      ['hold with bad start', await s.h.req('POST', '/holds', { auth: s.session, body: { service_id: s.serviceId, start: 'tomorrow' } })],
      ['reschedule garbage', await s.h.req('POST', '/bookings/bk_x/reschedule?token=t', { rawBody: 'garbage', headers: { 'content-type': 'application/json' } })],
    ];
    for (const [label, r] of cases) assertEnvelope(r, label);
    assert.equal(cases[0][1].status, 404);
  });

  // Found by the conformance sweep (conformance.test.ts): PostgreSQL's text refuses U+0000, so
  // such a name, id or token was a 500 there (and stored as sent on SQLite).
  it('refuses U+0000 and unpaired surrogates in a body, a query or a path id with 400 invalid_request naming the field, on every database', async () => {
    const s = await shop();
    const fieldsOf = (r: Res) => (r.body.error.fields as { property: string }[]).map((f) => f.property);
    for (const name of ['a\u0000b', '\ud800', 'x\udc00y']) {
      const staff = await s.h.req('POST', '/staff', { auth: s.sk, body: { name } });
      expectError(staff, 400, 'invalid_request');
      assert.deepEqual(fieldsOf(staff), ['name']);
      const book = await s.h.req('POST', '/bookings', {
        auth: s.session, origin: SHOP, headers: { 'idempotency-key': idemKey() },
        body: booking(s.serviceId, '2027-03-02T09:00:00Z', { customer: { name: 'Ada', email: 'ada@example.com' }, metadata: { utm_source: name } }),
      });
      expectError(book, 400, 'invalid_request');
      assert.deepEqual(fieldsOf(book), ['metadata.utm_source']);
      const settings = await s.h.req('PATCH', '/business', { auth: s.sk, body: { name } });
      expectError(settings, 400, 'invalid_request');
    }
    expectError(await s.h.req('PATCH', '/business', { auth: s.sk, body: { ['k\u0000']: 1 } }), 400, 'invalid_request');
    const byId = await s.h.req('GET', '/staff/a%00b', { auth: s.sk });
    expectError(byId, 400, 'invalid_request');
    assert.deepEqual(fieldsOf(byId), ['id']);
    expectError(await s.h.req('GET', '/bookings/bk_x?token=a%00b'), 400, 'invalid_request');
    expectError(await s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-01&timezone=Europe%00Berlin`, { auth: s.session, origin: SHOP }), 400, 'invalid_request');
    // Text outside the Basic Multilingual Plane, in proper pairs, is text like any other.
    const emoji = await ok(s.h.req('POST', '/staff', { auth: s.sk, body: { name: 'Zoë 😀👩🏽‍💻' } }), 201);
    assert.equal(emoji.name, 'Zoë 😀👩🏽‍💻');
    assert.equal((await s.h.store.db.selectFrom('staff').select('id').where('name', 'like', '%b').execute()).length, 0, 'nothing was stored');
  });
});
