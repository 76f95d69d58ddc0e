// The outbox's worker shared by many businesses (security issue 14, "One business delays
// everyone's mail"): a business whose webhook receiver stalls, or whose backlog is larger than a
// batch, must not hold back another business's messages. Real receivers on loopback, the real
// worker polling on its own (start()), measured in real time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SHOP, booking, harness, ok, shop, type Harness, type Shop } from './helpers.ts';
import { notifier, WEBHOOKS_IN_FLIGHT_PER_BUSINESS } from '../../src/server/notify/worker.ts';
import type { NotifyConfig } from '../../src/server/config.ts';

/** A webhook receiver on 127.0.0.1; `handle` answers (or never does). Counts requests open at once. */
async function receiver(handle: (res: ServerResponse) => void) {
  const state = { got: 0, open: 0, maxOpen: 0 };
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    for await (const _ of req) { /* drain */ }
    state.got++;
    state.open++;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    res.on('close', () => state.open--);
    handle(res);
  };
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, state, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** Two businesses on one database, one worker for both. */
async function twoShops(notify: Partial<NotifyConfig>) {
  const h = await harness();
  const a = await shop(h);
  const b = await shop(h);
  h.deps.config.notify = { ...h.deps.config.notify, reminderMinutes: 0, retryBaseMs: 1000, ...notify };
  const worker = notifier(h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) });
  return { h, a, b, worker };
}

/** `n` bookings at distinct free slots (two staff, 9 to 17 on weekdays), from Tuesday 2 March 2027 on. */
async function bookMany(s: Shop, n: number, customer = 'ada@example.com') {
  const days = ['2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-08', '2027-03-09'];
  for (let i = 0; i < n; i++) {
    const day = days[Math.floor(i / 16)];
    const hour = String(9 + (Math.floor(i / 2) % 8)).padStart(2, '0');
    await book(s, `${day}T${hour}:00:00+01:00`, customer);
  }
}

const book = (s: Shop, start: string, customer = 'ada@example.com') =>
  ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, start, { customer: { name: 'Guest', email: customer } }), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);

const pending = async (h: Harness, businessId: string) =>
  Number((await h.store.db.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('business_id', '=', businessId).where('status', '=', 'pending').executeTakeFirstOrThrow()).n);

const confirmationSent = async (h: Harness, businessId: string) =>
  (await h.store.db.selectFrom('outbox').select('status').where('business_id', '=', businessId).where('kind', '=', 'confirmation').executeTakeFirst())?.status === 'delivered';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('one business cannot delay another business\'s notifications', () => {
  it("a stalled webhook receiver of one business does not delay another business's confirmation email", async () => {
    // A's receiver takes every request and never answers: each attempt waits out the 5 s timeout.
    const { h, a, b, worker } = await twoShops({ webhookTimeoutMs: 5000, pollMs: 50 });
    const stalled = await receiver(() => {});
    try {
      await ok(h.req('POST', '/webhooks', { auth: a.sk, body: { url: stalled.url } }), 201);
      await bookMany(a, 24); // 48 messages: more than a batch
      worker.start();
      // The worker is in A's stalled deliveries before B's guest books.
      for (let t = Date.now(); stalled.state.got === 0 && Date.now() - t < 5000;) await sleep(10);
      assert.ok(stalled.state.got > 0, "the worker reached A's receiver");

      await book(b, '2027-03-02T10:00:00+01:00', 'bea@example.com');
      const booked = Date.now();
      while (!(await confirmationSent(h, b.businessId)) && Date.now() - booked < 8000) await sleep(10);
      const took = Date.now() - booked;
      assert.ok(await confirmationSent(h, b.businessId), "B's confirmation went out at all");
      assert.ok(took < 1000, `B's confirmation left ${took} ms after the booking, behind A's stalled webhooks`);
    } finally {
      await stalled.close();
      await worker.stop();
    }
    // stop() waited for the deliveries in hand: every one that was taken has its attempt written.
    const held = await h.store.db.selectFrom('outbox').select('id').where('locked_until_ms', '>', 0).execute();
    assert.deepEqual(held, [], 'no message left taken after stop()');
  });

  it("a backlog larger than a batch does not keep another business's message out of the first tick", async () => {
    const { h, a, b, worker } = await twoShops({});
    // B has a history (its sequence numbers are past A's), as an established business beside a new one would.
    await ok(h.req('PATCH', '/business', { auth: b.sk, body: { notification_email: 'owner-b@example.com' } }), 200);
    await bookMany(b, 12);
    while (await pending(h, b.businessId)) await worker.tick();
    // A's backlog: 12 bookings, each with a confirmation and a merchant notice, 24 messages.
    await ok(h.req('PATCH', '/business', { auth: a.sk, body: { notification_email: 'owner-a@example.com' } }), 200);
    await bookMany(a, 12);
    h.clock.now += 60_000;
    await book(b, '2027-03-09T16:00:00+01:00', 'bea@example.com');

    await worker.tick();
    const bea = await h.store.db.selectFrom('outbox').select(['kind', 'status']).where('business_id', '=', b.businessId).where('status', '!=', 'delivered').execute();
    assert.deepEqual(bea, [], "B's confirmation and notice went in the first tick");
    assert.ok(await pending(h, a.businessId) > 0, 'A had more than a batch waiting');
    await worker.stop();
  });

  it(`keeps at most ${WEBHOOKS_IN_FLIGHT_PER_BUSINESS} of one business's webhooks in flight at once`, async () => {
    const { h, a, worker } = await twoShops({ webhookTimeoutMs: 5000, pollMs: 20 });
    const slow = await receiver((res) => void setTimeout(() => res.end('ok'), 150));
    try {
      await ok(h.req('POST', '/webhooks', { auth: a.sk, body: { url: slow.url } }), 201);
      await bookMany(a, 24);
      // A tick (one batch, 10 of these webhooks) waits for places rather than going past the cap;
      await worker.tick();
      assert.ok(slow.state.got >= 10 && slow.state.maxOpen <= WEBHOOKS_IN_FLIGHT_PER_BUSINESS, `a tick had ${slow.state.maxOpen} in flight at once`);
      // the running worker leaves the rest for a later poll.
      worker.start();
      for (let t = Date.now(); slow.state.got < 24 && Date.now() - t < 15_000;) await sleep(10);
    } finally {
      await worker.stop();
      await slow.close();
    }
    assert.equal(slow.state.got, 24, 'every event was delivered');
    assert.ok(slow.state.maxOpen <= WEBHOOKS_IN_FLIGHT_PER_BUSINESS, `${slow.state.maxOpen} of A's webhooks were in flight at once`);
    assert.equal(slow.state.maxOpen, WEBHOOKS_IN_FLIGHT_PER_BUSINESS, 'up to the cap side by side, not one at a time');
  });
});
