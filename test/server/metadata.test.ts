// A booking's attribution (`metadata`, API.md "Widget routes"): bounded on the way in, stored, and
// answered to the merchant only: the admin list, the merchant's notice, the webhook body; never in
// the widget's or a manage link's answers, nor in the customer's own emails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SHOP, booking, expectError, harness, ok, shop, type Shop } from './helpers.ts';
import { notifier } from '../../src/server/notify/worker.ts';
import { AdminBookingList, WebhookEvent } from '../../src/contract/index.ts';

const START = '2027-03-02T10:00:00+01:00';
const ATTRIBUTION = { utm_source: 'newsletter', utm_campaign: 'spring_sale', ref: 'partner-42' };

const post = (s: Shop, body: unknown) =>
  s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body, headers: { 'idempotency-key': crypto.randomUUID() } });

/** A webhook receiver on loopback that keeps each body. */
async function receiver() {
  const got: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, got, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('booking metadata', () => {
  it('is stored and answered in the admin booking list, and not in the widget, guest or manage answers', async () => {
    const s = await shop();
    const made = await ok(post(s, booking(s.serviceId, START, { metadata: ATTRIBUTION })), 201);
    assert.equal('metadata' in made.booking, false, 'the booking answer to the widget carries no metadata');
    const admin = await ok(s.h.req('GET', '/bookings', { auth: s.sk }), 200);
    AdminBookingList.parse(admin);
    assert.deepEqual(admin.data.map((b: { metadata: unknown }) => b.metadata), [ATTRIBUTION]);
    const manage = await ok(s.h.req('GET', `/bookings/${made.booking.id}?token=${made.manage_token}`), 200);
    assert.equal('metadata' in manage.booking, false, 'a manage link shows no metadata');
    const guest = made as { booking: { id: string } };
    const listed = await s.h.req('GET', '/guest/bookings', { auth: s.session, origin: SHOP });
    assert.equal(listed.status, 200);
    for (const b of listed.body.data as object[]) assert.equal('metadata' in b, false, `guest list of ${guest.booking.id}`);
  });

  it('answers an empty record to the merchant when the page sent none', async () => {
    const s = await shop();
    await ok(post(s, booking(s.serviceId, START)), 201);
    const admin = await ok(s.h.req('GET', '/bookings', { auth: s.sk }), 200);
    assert.deepEqual(admin.data[0].metadata, {});
  });

  it('takes exactly 20 values of 500 characters and 40-character keys', async () => {
    const s = await shop();
    const full = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, '0')}_${'x'.repeat(36)}`, 'v'.repeat(500)]));
    await ok(post(s, booking(s.serviceId, START, { metadata: full })), 201);
    const admin = await ok(s.h.req('GET', '/bookings', { auth: s.sk }), 200);
    assert.deepEqual(admin.data[0].metadata, full);
  });

  it('refuses a value over 500 characters with a field error naming it, and books nothing', async () => {
    const s = await shop();
    const r = await post(s, booking(s.serviceId, START, { metadata: { utm_source: 'x'.repeat(501) } }));
    expectError(r, 400, 'invalid_request');
    assert.deepEqual(r.body.error.fields.map((f: { property: string }) => f.property), ['metadata.utm_source']);
    assert.match(r.body.error.fields[0].messages[0], /500/);
    assert.deepEqual((await ok(s.h.req('GET', '/bookings', { auth: s.sk }), 200)).data, []);
  });

  it('refuses bad keys, non-string values and more than 20 values with field errors', async () => {
    const s = await shop();
    const cases: [unknown, RegExp][] = [
      [{ 'UTM-Source': 'x' }, /^metadata/],
      [{ ['k'.repeat(41)]: 'x' }, /^metadata/],
      [{ '': 'x' }, /^metadata/],
      [{ utm_source: 3 }, /^metadata\.utm_source$/],
      [{ utm_source: { nested: 'x' } }, /^metadata\.utm_source$/],
      [Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])), /^metadata$/],
      [['utm_source'], /^metadata$/],
      ['utm_source=x', /^metadata$/],
    ];
    for (const [metadata, property] of cases) {
      const r = await post(s, booking(s.serviceId, START, { metadata }));
      expectError(r, 400, 'invalid_request');
      assert.ok(r.body.error.fields.some((f: { property: string }) => property.test(f.property)), `${JSON.stringify(metadata).slice(0, 60)}: ${JSON.stringify(r.body.error.fields)}`);
    }
  });

  it('is described in the OpenAPI document with its limits, on the request and the admin answer', async () => {
    const h = await harness();
    const doc = await ok(h.req('GET', '/api/v1/openapi.json'), 200);
    const resolve = (x: { $ref?: string }): any => (x.$ref ? resolve(x.$ref.split('/').slice(1).reduce((o: any, k) => o[k], doc)) : x);
    const request = resolve(doc.paths['/api/v1/bookings'].post.requestBody.content['application/json'].schema);
    assert.deepEqual(resolve(request.properties.metadata), {
      type: 'object', maxProperties: 20, propertyNames: { type: 'string', pattern: '^[a-z0-9_]{1,40}$' }, additionalProperties: { type: 'string', maxLength: 500 },
    });
    assert.equal(request.required.includes('metadata'), false);
    const list = resolve(doc.paths['/api/v1/bookings'].get.responses['200'].content['application/json'].schema);
    assert.ok(resolve(resolve(list.properties.data).items).required.includes('metadata'));
  });

  it("reaches the webhook body and the merchant's email, and not the customer's email", async () => {
    const h = await harness();
    const s = await shop(h);
    const r = await receiver();
    try {
      await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { notification_email: 'owner@salon.example' } }), 200);
      await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      const made = await ok(post(s, booking(s.serviceId, START, { metadata: { ...ATTRIBUTION, utm_content: 'line\r\nBcc: eve@evil.example' } })), 201);
      const mailDir = mkdtempSync(join(tmpdir(), 'booking-mail-'));
      const worker = notifier(s.h.deps, { mailDir });
      await worker.tick();
      await worker.stop();

      assert.equal(r.got.length, 1);
      const event = WebhookEvent.parse(JSON.parse(r.got[0]));
      assert.equal(event.data.booking.id, made.booking.id);
      assert.deepEqual(event.data.booking.metadata, { ...ATTRIBUTION, utm_content: 'line\r\nBcc: eve@evil.example' });

      const mails = readdirSync(mailDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(mailDir, f), 'utf8')) as { to: string; text: string });
      const merchant = mails.find((m) => m.to === 'owner@salon.example');
      const customer = mails.find((m) => m.to.includes('ada@example.com'));
      assert.ok(merchant && customer, JSON.stringify(mails.map((m) => m.to)));
      assert.match(merchant.text, /^utm_source: newsletter$/m);
      assert.match(merchant.text, /^utm_campaign: spring_sale$/m);
      assert.match(merchant.text, /^ref: partner-42$/m);
      assert.match(merchant.text, /^utm_content: line Bcc: eve@evil\.example$/m, 'a value stays on its one line');
      assert.doesNotMatch(customer.text, /newsletter|utm_/);
    } finally {
      await r.close();
    }
  });
});
