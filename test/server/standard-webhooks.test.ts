// Webhook deliveries as a receiver checks them with the Standard Webhooks reference library
// (`standardwebhooks`, nobody here wrote it): a real booking on the real app and database, the
// outbox's worker posting to a real HTTP receiver on loopback, and the library verifying the
// signature, the id and the timestamp against the secret the API showed once. The library reads
// the wall clock (a 5-minute tolerance), so these tests run the app's clock at the real time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { SHOP, booking, harness, ok, shop } from './helpers.ts';
import { notifier } from '../../src/server/notify/worker.ts';

interface Delivery { headers: Record<string, string>; body: string }

/** A receiver on 127.0.0.1 that answers `statuses` in turn (then 200), and records each delivery as it came. */
async function receiver(statuses: number[] = []) {
  const got: Delivery[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    got.push({ headers, body });
    res.statusCode = statuses[got.length - 1] ?? 200;
    res.end('ok');
  };
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, got, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A shop whose clock is the wall clock, an endpoint for `url`, and one booking in its first free slot. */
async function bookedWithHook(url: string) {
  const h = await harness();
  h.clock.now = Date.now();
  const s = await shop(h);
  h.deps.config.notify = { ...h.deps.config.notify, webhookTimeoutMs: 2000, retryBaseMs: 1000 };
  const hook = await ok(h.req('POST', '/webhooks', { auth: s.sk, body: { url } }), 201);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const free = await ok(h.req('GET', `/availability?service_id=${s.serviceId}&from=${day(h.clock.now)}&to=${day(h.clock.now + 14 * 86_400_000)}&timezone=UTC`, { auth: s.session, origin: SHOP }), 200);
  const start = free.days.flatMap((d: { slots: { start: string }[] }) => d.slots)[0].start as string;
  const made = await ok(h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, start), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);
  const worker = notifier(h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) });
  return { s, hook, worker, booking: made.booking };
}

describe('webhook deliveries, verified with the Standard Webhooks reference library', () => {
  it('verifies a real delivery: its signature, id and timestamp, with the secret shown at creation', async () => {
    const r = await receiver();
    try {
      const { hook, worker, booking: made } = await bookedWithHook(r.url);
      await worker.tick();
      assert.equal(r.got.length, 1);
      const [d] = r.got;
      const wh = new Webhook(hook.secret);
      const payload = wh.verify(d.body, d.headers) as { id: string; type: string; data: { booking: { id: string } } };
      assert.equal(payload.type, 'booking.created');
      assert.equal(payload.data.booking.id, made.id);
      assert.equal(d.headers['webhook-id'], payload.id, 'the webhook-id is the event id');
      assert.ok(Math.abs(Number(d.headers['webhook-timestamp']) - Date.now() / 1000) < 300, 'the timestamp is now, in seconds');
      // The library's own signature of the same message is the one the API sent.
      assert.equal(wh.sign(d.headers['webhook-id'], new Date(Number(d.headers['webhook-timestamp']) * 1000), d.body), d.headers['webhook-signature']);
    } finally {
      await r.close();
    }
  });

  it('the library refuses a tampered body, id or timestamp, another endpoint\'s secret, and a delivery replayed after its tolerance', async () => {
    const r = await receiver();
    try {
      const { hook, worker } = await bookedWithHook(r.url);
      await worker.tick();
      const [d] = r.got;
      const wh = new Webhook(hook.secret);
      const refused = (body: string, headers: Record<string, string>, by = wh) => assert.throws(() => by.verify(body, headers), /signature|timestamp|header/i);
      refused(d.body.replace('booking.created', 'booking.cancelled'), d.headers);
      refused(d.body, { ...d.headers, 'webhook-id': `${d.headers['webhook-id']}x` });
      refused(d.body, { ...d.headers, 'webhook-timestamp': String(Number(d.headers['webhook-timestamp']) + 1) });
      refused(d.body, d.headers, new Webhook(`whsec_${Buffer.alloc(24, 7).toString('base64')}`));
      // The same message signed 10 minutes ago (as a replay of a captured delivery would be).
      const old = Math.floor(Date.now() / 1000) - 600;
      refused(d.body, { ...d.headers, 'webhook-timestamp': String(old), 'webhook-signature': wh.sign(d.headers['webhook-id'], new Date(old * 1000), d.body) });
    } finally {
      await r.close();
    }
  });

  it('a retried delivery keeps its webhook-id (receivers de-duplicate by it) with a fresh timestamp, and verifies again', async () => {
    const r = await receiver([500]);
    try {
      const { s, hook, worker } = await bookedWithHook(r.url);
      await worker.tick();
      for (let i = 0; i < 30 && r.got.length < 2; i++) {
        s.h.clock.now += 1000;
        await worker.tick();
      }
      assert.equal(r.got.length, 2, 'one failed attempt, one retry');
      const wh = new Webhook(hook.secret);
      for (const d of r.got) wh.verify(d.body, d.headers);
      assert.equal(r.got[1].headers['webhook-id'], r.got[0].headers['webhook-id']);
      assert.equal(r.got[1].body, r.got[0].body);
      assert.ok(Number(r.got[1].headers['webhook-timestamp']) >= Number(r.got[0].headers['webhook-timestamp']));
    } finally {
      await r.close();
    }
  });
});
