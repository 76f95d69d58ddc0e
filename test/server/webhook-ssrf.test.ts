// Webhook SSRF, tried as an attacker with a secret key would: aim a webhook at this machine or the
// private network, and read the answer back from the delivery log. Each destination is judged
// by the address the socket would connect to, when saved, when changed and at every attempt.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SHOP, booking, expectError, harness, ok, shop, type Shop } from './helpers.ts';
import { createBusiness } from '../../src/server/setup.ts';
import { notifier } from '../../src/server/notify/worker.ts';
import { addressRefusal } from '../../src/server/notify/fence.ts';
import { newId } from '../../src/server/auth/tokens.ts';

const ADMIN_SECRET = 'ADMIN_TOKEN=s3cr3t-only-on-loopback';

/** A loopback-only admin server, as an operator might run beside the API; counts every connection. */
async function adminServer() {
  const seen = { connections: 0, requests: 0 };
  const server = createServer((_req, res) => {
    seen.requests++;
    res.end(ADMIN_SECRET);
  });
  server.on('connection', () => seen.connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { port, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A salon on a server whose operator did not allow loopback webhooks (the default). */
async function fenced() {
  const h = await harness();
  h.deps.config.notify = { ...h.deps.config.notify, webhookAllowLoopback: false, webhookTimeoutMs: 2000 };
  return shop(h);
}

const hookUrls = (port: number) => [
  `http://127.0.0.1:${port}/`, `http://127.1:${port}/`, `http://2130706433:${port}/`, `http://0x7f.0.0.1:${port}/`,
  `http://localhost:${port}/`, `http://api.localhost:${port}/`, `http://[::1]:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`,
  `https://127.0.0.1:${port}/`, `https://localhost:${port}/`, `https://[::1]:${port}/`,
];

/** Books once, so the booking.created event is written to every endpoint, then runs the worker once. */
async function bookAndDeliver(s: Shop) {
  await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, '2027-03-02T09:00:00+01:00'), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);
  await notifier(s.h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) }).tick();
}

/** A hook row written straight to the database, as one saved before these rules (or under other ones) would be. */
async function plantHook(s: Shop, url: string) {
  const id = newId('wh');
  await s.h.store.db.insertInto('webhooks').values({
    id, business_id: s.businessId, mode: 'test', url, events: JSON.stringify(['booking.created']), active: 1,
    secret: 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0', disabled_reason: null, created_at: s.h.clock.now, deleted_at: null,
  }).execute();
  return id;
}

describe('webhook SSRF', () => {
  it('refuses to save a live endpoint at loopback, private, link-local, CGNAT, metadata, multicast or unspecified addresses', async () => {
    const h = await harness();
    const live = await createBusiness(h.store, { name: 'Live', timezone: 'UTC', mode: 'live', now: h.clock.now });
    for (const url of [
      'https://127.0.0.1/', 'https://[::1]/', 'https://localhost/', 'https://10.0.0.5/', 'https://172.16.3.4/', 'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data/', 'https://100.64.0.1/', 'https://0.0.0.0/', 'https://224.0.0.1/', 'https://[fd00:ec2::254]/',
      'https://[fe80::1]/', 'https://[::ffff:10.0.0.5]/', 'https://[::ffff:a9fe:a9fe]/', 'https://[64:ff9b::7f00:1]/', 'https://[::]/',
    ]) {
      const r = await h.req('POST', '/webhooks', { auth: live.secret_key, body: { url } });
      assert.equal(r.status, 400, `${url} was accepted`);
      assert.equal(r.body.error.code, 'invalid_request');
    }
    await ok(h.req('POST', '/webhooks', { auth: live.secret_key, body: { url: 'https://93.184.216.34/in' } }), 201);
  });

  it('refuses a test-mode endpoint at loopback, in every spelling, unless the operator allows it', async () => {
    const s = await fenced();
    for (const url of hookUrls(9)) expectError(await s.h.req('POST', '/webhooks', { auth: s.sk, body: { url } }), 400, 'invalid_request');
    // WEBHOOK_ALLOW_LOOPBACK=1 (the demo's and the tests' setting) lets a developer's receiver in.
    s.h.deps.config.notify = { ...s.h.deps.config.notify, webhookAllowLoopback: true };
    await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'http://127.0.0.1:9/in' } }), 201);
    await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'http://localhost:9/in' } }), 201);
  });

  it('a test key cannot read a loopback admin server back through the delivery log', async () => {
    const admin = await adminServer();
    try {
      const s = await fenced();
      expectError(await s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: `http://127.0.0.1:${admin.port}/` } }), 400, 'invalid_request');
      // One saved earlier (or by hand) is judged again when it is sent: nothing reaches the admin server.
      const id = await plantHook(s, `http://127.0.0.1:${admin.port}/`);
      await bookAndDeliver(s);
      assert.deepEqual(admin.seen, { connections: 0, requests: 0 });
      const [delivery] = (await ok(s.h.req('GET', `/webhooks/${id}/deliveries`, { auth: s.sk }), 200)).data;
      assert.equal(delivery.status, 'failed', 'a refused destination is not retried');
      assert.equal(delivery.attempts.length, 1);
      assert.match(delivery.attempts[0].error, /^refused destination/);
      assert.equal(delivery.attempts[0].response_excerpt, null);
      assert.equal(delivery.attempts[0].status_code, null);
      // Retrying on demand repeats the refusal, never the request.
      await ok(s.h.req('POST', `/webhooks/${id}/deliveries/${delivery.id}/retry`, { auth: s.sk }), 202);
      await notifier(s.h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) }).tick();
      assert.deepEqual(admin.seen, { connections: 0, requests: 0 });
    } finally {
      await admin.close();
    }
  });

  it('refuses a PATCH that moves an endpoint to loopback or the private network', async () => {
    const s = await fenced();
    const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'https://93.184.216.34/in' } }), 201);
    for (const url of [...hookUrls(8080), 'https://10.0.0.5/', 'https://169.254.169.254/']) {
      expectError(await s.h.req('PATCH', `/webhooks/${hook.id}`, { auth: s.sk, body: { url } }), 400, 'invalid_request');
    }
    assert.equal((await ok(s.h.req('GET', `/webhooks/${hook.id}`, { auth: s.sk }), 200)).url, 'https://93.184.216.34/in');
  });

  it('refuses a name that resolves to a private address when it is saved', async () => {
    const s = await fenced();
    s.h.deps.resolve = (host) => Promise.resolve(host === 'intranet.shop.example' ? [{ address: '10.0.0.5', family: 4 }] : [{ address: '93.184.216.34', family: 4 }]);
    expectError(await s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'https://intranet.shop.example/hook' } }), 400, 'invalid_request');
    await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'https://hooks.shop.example/hook' } }), 201);
  });

  it('DNS rebinding: a name that was public when saved and is loopback when sent never reaches loopback', async () => {
    const admin = await adminServer();
    try {
      const s = await fenced();
      let lookups = 0;
      // Public for the check at save time, this machine for every lookup after it.
      s.h.deps.resolve = () => Promise.resolve(lookups++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }]);
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: `https://rebind.attacker.example:${admin.port}/`, events: ['booking.created'] } }), 201);
      await bookAndDeliver(s);
      assert.ok(lookups >= 2, 'the name was resolved again at send time');
      assert.deepEqual(admin.seen, { connections: 0, requests: 0 });
      const [delivery] = (await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200)).data;
      assert.match(delivery.attempts[0].error, /^refused destination/);
      assert.equal(delivery.attempts[0].response_excerpt, null);
    } finally {
      await admin.close();
    }
  });
});

describe('webhook address rules', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, unspecified and metadata addresses, also inside IPv6', () => {
    for (const a of [
      '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.100.100.200', '0.0.0.0', '224.0.0.251',
      '255.255.255.255', '::1', '::', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1',
      '::ffff:169.254.169.254', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '::127.0.0.1',
    ]) assert.ok(addressRefusal(a, false), `${a} passed`);
  });

  it('lets public addresses through, and loopback only when allowed', () => {
    for (const a of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:93.184.216.34']) assert.equal(addressRefusal(a, false), undefined, a);
    for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.equal(addressRefusal(a, true), undefined, a);
    for (const a of ['10.0.0.1', '169.254.169.254', 'fd00::1']) assert.ok(addressRefusal(a, true), `${a} passed with loopback allowed`);
  });
});

describe('webhook address rules, translation prefixes', () => {
  it('refuses the local-use NAT64 prefix and SIIT-translated addresses, which reach IPv4 behind them', () => {
    for (const a of ['64:ff9b:1::a9fe:a9fe', '64:ff9b:1::7f00:1', '::ffff:0:7f00:1', '::ffff:0:a00:5']) assert.ok(addressRefusal(a, false), `${a} passed`);
  });
});
