// Notifications on the real app and database: business settings, webhook endpoints and their
// rules, and the outbox's worker delivering to a real HTTP receiver on loopback, driven by the
// test's clock (each `tick()` delivers what is due at that instant).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SHOP, T0, booking, expectError, harness, ok, shop, sibling, type Shop } from './helpers.ts';
import { notifier, type Notifier } from '../../src/server/notify/worker.ts';
import { compose } from '../../src/server/notify/email.ts';
import { defaultConfig, type NotifyConfig } from '../../src/server/config.ts';
import { createApp } from '../../src/server/http/app.ts';

interface Received { id: string; timestamp: string; signature: string; body: string; at: number }

/** A webhook receiver on 127.0.0.1 that answers as `handle` says, and records what it got. */
async function receiver(handle: (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void> = (_q, res) => void res.end('ok')) {
  const got: Received[] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    got.push({ id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']), body, at: Date.now() });
    await handle(req, res, got.length);
  };
  const server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, got, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

async function setup(opts: { timeoutMs?: number; notify?: Partial<NotifyConfig> } = {}) {
  const h = await harness({ config: {} });
  const s = await shop(h);
  // Short timeouts and retry delays for the test; the clock below decides when a retry is due.
  h.deps.config.notify = { ...h.deps.config.notify, webhookTimeoutMs: opts.timeoutMs ?? 2000, retryBaseMs: 1000, ...opts.notify };
  const mailDir = mkdtempSync(join(tmpdir(), 'booking-mail-'));
  const worker = notifier(h.deps, { mailDir });
  return { s, worker, mailDir };
}

const at = (hhmm: string, date = '2027-03-02') => new Date(`${date}T${hhmm}:00+01:00`).toISOString();

async function book(s: Shop, start: string, extra: Record<string, unknown> = {}) {
  return ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, start, extra), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);
}

/** Ticks the worker, moving the clock a minute at a time, until `done` or `minutes` ran out. */
async function until(s: Shop, worker: Notifier, done: () => boolean, minutes = 120) {
  for (let i = 0; i < minutes && !done(); i++) {
    await worker.tick();
    if (!done()) s.h.clock.now += 60_000;
  }
  assert.ok(done(), 'the worker did not get there');
}

describe('business settings', () => {
  it('reads and changes the business, its booking page and notification addresses', async () => {
    const s = await shop();
    const before = await ok(s.h.req('GET', '/business', { auth: s.sk }), 200);
    assert.deepEqual(before, { id: s.businessId, name: 'Salon Test', timezone: 'Europe/Berlin', booking_page_url: null, notification_email: null, reply_to: null, accounts: 'off', sign_in_code: 'off' });
    const after = await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book', notification_email: 'owner@example.com', reply_to: 'hello@example.com', timezone: 'Europe/Kiev' } }), 200);
    assert.equal(after.booking_page_url, 'https://shop.example.com/book');
    assert.equal(after.timezone, 'Europe/Kyiv', 'aliases are answered in canonical form');
    assert.equal((await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { reply_to: null } }), 200)).reply_to, null);
  });

  it('refuses bad settings with field errors, and a publishable key', async () => {
    const s = await shop();
    for (const body of [{ booking_page_url: 'javascript:alert(1)' }, { notification_email: 'not an email' }, { colour: 'red' }, { timezone: 'Mars/Base' }]) {
      expectError(await s.h.req('PATCH', '/business', { auth: s.sk, body }), 400, 'invalid_request');
    }
    expectError(await s.h.req('GET', '/business', { auth: s.pk }), 403, 'forbidden');
  });
});

describe('webhook endpoints', () => {
  it('shows the signing secret once, and lists, changes and deletes endpoints', async () => {
    const s = await shop();
    const created = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'https://hooks.example.com/in', events: ['booking.created'] } }), 201);
    assert.match(created.secret, /^whsec_[A-Za-z0-9+/=]{32}$/);
    assert.deepEqual({ ...created, secret: undefined, id: undefined, created_at: undefined }, { id: undefined, url: 'https://hooks.example.com/in', events: ['booking.created'], active: true, mode: 'test', disabled_reason: null, created_at: undefined, secret: undefined });
    const listed = await ok(s.h.req('GET', '/webhooks', { auth: s.sk }), 200);
    assert.equal(listed.data.length, 1);
    assert.equal(listed.data[0].secret, undefined, 'the secret is never shown again');
    const patched = await ok(s.h.req('PATCH', `/webhooks/${created.id}`, { auth: s.sk, body: { active: false } }), 200);
    assert.equal(patched.active, false);
    assert.equal((await s.h.req('DELETE', `/webhooks/${created.id}`, { auth: s.sk })).status, 204);
    expectError(await s.h.req('GET', `/webhooks/${created.id}`, { auth: s.sk }), 404, 'not_found');
  });

  it('allows http only to loopback in test mode, and https only in live mode', async () => {
    const s = await shop();
    await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'http://127.0.0.1:9/in' } }), 201);
    await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: 'http://localhost:9/in' } }), 201);
    for (const url of ['http://hooks.example.com/in', 'ftp://hooks.example.com/', 'https://user:pw@hooks.example.com/']) {
      expectError(await s.h.req('POST', '/webhooks', { auth: s.sk, body: { url } }), 400, 'invalid_request');
    }
    const live = await ok(s.h.req('POST', '/api-keys', { auth: s.sk, body: { name: 'x', type: 'secret' } }), 201);
    assert.equal(live.mode, 'test');
    // A live secret key comes from a live business; the same rule from its side:
    const { createBusiness } = await import('../../src/server/setup.ts');
    const liveBiz = await createBusiness(s.h.store, { name: 'Live', timezone: 'UTC', mode: 'live' });
    expectError(await s.h.req('POST', '/webhooks', { auth: liveBiz.secret_key, body: { url: 'http://127.0.0.1:9/in' } }), 400, 'invalid_request');
    await ok(s.h.req('POST', '/webhooks', { auth: liveBiz.secret_key, body: { url: 'https://hooks.example.com/in' } }), 201);
  });
});

describe('webhook delivery', () => {
  it('signs each delivery so the shown secret verifies it', async () => {
    const { s, worker } = await setup();
    const r = await receiver();
    try {
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      const made = await book(s, at('10:00'));
      await worker.tick();
      assert.equal(r.got.length, 1);
      const [d] = r.got;
      const body = JSON.parse(d.body);
      assert.equal(body.type, 'booking.created');
      assert.equal(body.id, d.id, 'Webhook-Id is the event id');
      assert.deepEqual(body.data.booking, { ...made.booking, metadata: {} }, 'the whole booking, with its (here empty) metadata');
      // What a receiver does: HMAC-SHA256 over "<id>.<timestamp>.<body>" with the secret's bytes.
      const key = Buffer.from(hook.secret.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key).update(`${d.id}.${d.timestamp}.${d.body}`).digest('base64');
      assert.equal(d.signature, `v1,${expected}`);
      assert.equal(Number(d.timestamp), Math.floor(s.h.clock.now / 1000));
    } finally {
      await r.close();
    }
  });

  it('delivers again after failures, with the same id each time, and logs every attempt', async () => {
    const { s, worker } = await setup();
    const r = await receiver((_q, res, n) => {
      res.statusCode = n <= 2 ? 503 : 200;
      res.end(n <= 2 ? 'busy, try later' : 'thanks');
    });
    try {
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      await book(s, at('10:00'));
      await until(s, worker, () => r.got.length >= 3);
      await worker.tick();
      assert.equal(r.got.length, 3, 'three attempts, no more once one succeeded');
      assert.equal(new Set(r.got.map((g) => g.id)).size, 1, 'one event id throughout');
      assert.equal(new Set(r.got.map((g) => g.body)).size, 1, 'the same body throughout');
      const log = await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200);
      assert.equal(log.data.length, 1);
      assert.equal(log.data[0].status, 'delivered');
      assert.deepEqual(log.data[0].attempts.map((a: any) => a.status_code), [503, 503, 200]);
      assert.equal(log.data[0].attempts[0].response_excerpt, 'busy, try later');
      assert.ok(log.data[0].attempts.every((a: any) => typeof a.duration_ms === 'number'));
    } finally {
      await r.close();
    }
  });

  it('cuts a slow receiver off at the timeout and tries again', async () => {
    // A second is the cut-off, so the quick second attempt cannot miss it even on a loaded machine.
    const { s, worker } = await setup({ timeoutMs: 1000 });
    const r = await receiver(async (_q, res, n) => {
      if (n === 1) await new Promise((w) => setTimeout(w, 2500));
      res.end('ok');
    });
    try {
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      await book(s, at('10:00'));
      await until(s, worker, () => r.got.length >= 2);
      await worker.tick();
      const log = await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200);
      assert.equal(log.data[0].status, 'delivered');
      assert.match(log.data[0].attempts[0].error, /timed out after 1000 ms/);
      assert.equal(log.data[0].attempts[0].status_code, null);
      assert.equal(log.data[0].attempts[1].status_code, 200);
    } finally {
      await r.close();
    }
  });

  it("keeps one booking's events in order, even when the first one has to be retried", async () => {
    const { s, worker } = await setup();
    const r = await receiver((_q, res, n) => {
      res.statusCode = n === 1 ? 500 : 200;
      res.end();
    });
    try {
      await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      const made = await book(s, at('10:00'));
      const q = `?token=${encodeURIComponent(made.manage_token)}`;
      await ok(s.h.req('POST', `/bookings/${made.booking.id}/reschedule${q}`, { body: { start: at('12:00') } }), 200);
      await ok(s.h.req('POST', `/bookings/${made.booking.id}/cancel${q}`, { body: {} }), 200);
      await until(s, worker, () => r.got.filter((g) => JSON.parse(g.body).type === 'booking.cancelled').length > 0);
      const types = r.got.map((g) => JSON.parse(g.body).type);
      assert.deepEqual(types, ['booking.created', 'booking.created', 'booking.rescheduled', 'booking.cancelled']);
    } finally {
      await r.close();
    }
  });

  it('fails a delivery at once, without sending, when its endpoint was switched off in the meantime', async () => {
    const { s, worker } = await setup();
    const r = await receiver();
    try {
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      await book(s, at('10:00'));
      await ok(s.h.req('PATCH', `/webhooks/${hook.id}`, { auth: s.sk, body: { active: false } }), 200);
      await worker.tick();
      assert.equal(r.got.length, 0);
      const log = await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200);
      assert.equal(log.data[0].status, 'failed');
      assert.equal(log.data[0].attempts[0].error, 'endpoint deleted or switched off');
      assert.equal((await ok(s.h.req('GET', `/webhooks/${hook.id}`, { auth: s.sk }), 200)).disabled_reason, null, 'switched off by hand: no automatic reason');
    } finally {
      await r.close();
    }
  });

  it('never follows a redirect', async () => {
    const { s, worker } = await setup();
    const target = await receiver();
    const r = await receiver((_q, res) => {
      res.writeHead(307, { location: target.url });
      res.end();
    });
    try {
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      await book(s, at('10:00'));
      await worker.tick();
      assert.equal(target.got.length, 0, 'the redirect target got nothing');
      const log = await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200);
      assert.equal(log.data[0].status, 'pending');
      assert.match(log.data[0].attempts[0].error, /redirect .* not followed/);
    } finally {
      await Promise.all([r.close(), target.close()]);
    }
  });

  it('switches an endpoint off after a day of failures, says why, and delivers on a manual retry once fixed', async () => {
    const { s, worker } = await setup();
    let healthy = false;
    const r = await receiver((_q, res) => {
      res.statusCode = healthy ? 200 : 500;
      res.end();
    });
    try {
      const hook = await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      await book(s, at('10:00'));
      // Retries back off to an hour apart; step through 30 hours of them.
      for (let i = 0; i < 30 * 12; i++) {
        await worker.tick();
        s.h.clock.now += 5 * 60_000;
      }
      const off = await ok(s.h.req('GET', `/webhooks/${hook.id}`, { auth: s.sk }), 200);
      assert.equal(off.active, false);
      assert.match(off.disabled_reason, /kept failing for 2\d hours \(last attempt: HTTP 500\)/);
      const log = await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200);
      const failed = log.data[0];
      assert.equal(failed.status, 'failed');
      const spanHours = (Date.parse(failed.attempts.at(-1).at) - Date.parse(failed.attempts[0].at)) / 3600_000;
      assert.ok(spanHours >= 24, `retried for ${spanHours.toFixed(1)} hours`);
      const tries = r.got.length;

      healthy = true;
      await ok(s.h.req('PATCH', `/webhooks/${hook.id}`, { auth: s.sk, body: { active: true } }), 200);
      const again = await ok(s.h.req('POST', `/webhooks/${hook.id}/deliveries/${failed.id}/retry`, { auth: s.sk }), 202);
      assert.equal(again.status, 'pending');
      await worker.tick();
      assert.equal(r.got.length, tries + 1);
      const done = await ok(s.h.req('GET', `/webhooks/${hook.id}/deliveries`, { auth: s.sk }), 200);
      assert.equal(done.data[0].status, 'delivered');
      expectError(await s.h.req('POST', `/webhooks/${hook.id}/deliveries/whd_nope/retry`, { auth: s.sk }), 404, 'not_found');
    } finally {
      await r.close();
    }
  });
});

describe('the outbox over time', () => {
  it('keeps finished messages for the delivery log for 30 days, then sweeps them; pending ones stay', async () => {
    const { s, worker } = await setup({ notify: { reminderMinutes: 0 } });
    await book(s, at('10:00'));
    await worker.tick();
    const rows = () => s.h.store.db.selectFrom('outbox').select(['kind', 'status']).orderBy('seq').execute();
    assert.deepEqual(await rows(), [{ kind: 'confirmation', status: 'delivered' }]);
    // A later booking whose email cannot go yet: its SMTP server is away.
    s.h.deps.config.notify.smtpUrl = 'smtp://127.0.0.1:9';
    s.h.clock.now += 30 * 86_400_000 + 3600_000;
    s.session = (await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201)).session_token;
    await book(s, at('11:00', '2027-04-06'));
    const worker2 = notifier(s.h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) });
    await worker2.tick();
    assert.deepEqual(await rows(), [{ kind: 'confirmation', status: 'pending' }], 'the old delivered one is gone, the pending one stays');
    const attempts = await s.h.store.db.selectFrom('delivery_attempts').select('outbox_id').execute();
    assert.equal(attempts.length, 1, 'with its attempts');
  });
});

describe('several instances on one database', () => {
  it('share the outbox: two workers draining it at once deliver each message once', async () => {
    const { s, worker } = await setup();
    const other = await sibling(s.h);
    other.deps.config.notify = s.h.deps.config.notify;
    const worker2 = notifier(other.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) });
    const r = await receiver(async (_q, res) => {
      await new Promise((w) => setTimeout(w, 20));
      res.end('ok');
    });
    try {
      await ok(s.h.req('POST', '/webhooks', { auth: s.sk, body: { url: r.url } }), 201);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push((await book(s, at(`${String(9 + i).padStart(2, '0')}:00`))).booking.id);
      await Promise.all([worker.tick(), worker2.tick(), worker.tick(), worker2.tick()]);
      const bookingsSeen = r.got.map((g) => JSON.parse(g.body).data.booking.id as string);
      assert.deepEqual([...bookingsSeen].sort(), [...ids].sort(), 'each booking\'s event exactly once');
    } finally {
      await r.close();
    }
  });
});

describe('emails to .eml files', () => {
  it("writes the customer's confirmation with the manage link, and the merchant's notice", async () => {
    const { s, worker, mailDir } = await setup();
    await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book?lang=de', notification_email: 'owner@example.com' } }), 200);
    const made = await book(s, at('10:00'), { locale: 'de', customer: { name: '<b>Ada</b>', email: 'ada@example.com' } });
    await worker.tick();
    const mails = readdirSync(mailDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(mailDir, f), 'utf8')));
    assert.equal(mails.length, 2);
    const customer = mails.find((m) => m.to.includes('ada@example.com'))!;
    assert.match(customer.subject, /^Gebucht: Haircut am Dienstag, 2\. März 2027 um 10:00$/);
    const link = new RegExp(`https://shop\\.example\\.com/book\\?lang=de&booking=${made.booking.id}&token=(mt_[\\w-]+)`).exec(customer.text);
    assert.ok(link, customer.text);
    await ok(s.h.req('GET', `/bookings/${made.booking.id}?token=${link[1]}`), 200);
    assert.deepEqual(customer.attachments, ['booking.ics']);
    const eml = readFileSync(join(mailDir, `${customer.id.slice(1, customer.id.indexOf('@'))}.eml`), 'utf8');
    assert.match(eml, /^Message-ID: <msg_[^>]+@booking-api>$/m, 'a stable id for de-duplication');
    assert.match(eml, /^Content-Type: text\/calendar; charset=utf-8; method=REQUEST/m, 'an invitation (RFC 5546)');
    const merchant = mails.find((m) => m.to === 'owner@example.com')!;
    assert.match(merchant.subject, /^New booking: <b>Ada<\/b>, Haircut on /);
  });
});

describe('emails in the hour cycle the customer saw', () => {
  it('a booking asked for with -u-hc-h23 (the widget on a 24-hour clock) is told as 10:00, and with -u-hc-h12 as 10:00 AM', async () => {
    const { s, worker, mailDir } = await setup();
    await book(s, at('10:00'), { locale: 'en-US-u-hc-h23', customer: { name: 'Ada', email: 'ada@example.com' } });
    await book(s, at('12:00'), { locale: 'en-GB-u-hc-h12', customer: { name: 'Bea', email: 'bea@example.com' } });
    await worker.tick();
    const mails = readdirSync(mailDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(mailDir, f), 'utf8')));
    const ada = mails.find((m) => m.to.includes('ada@example.com'))!;
    const bea = mails.find((m) => m.to.includes('bea@example.com'))!;
    assert.match(ada.text, /at 10:00 \(/, ada.text);
    assert.doesNotMatch(ada.text, /AM|PM/);
    assert.match(bea.text, /at 12:00\spm \(/i, bea.text);
  });
});

describe('email content', () => {
  const business = { id: 'biz', name: 'Salon <Nord>', timezone: 'Europe/Berlin', created_at: 0, booking_page_url: null, notification_email: 'owner@example.com', reply_to: 'hello@example.com' };
  const b = {
    id: 'bk_1', status: 'confirmed' as const, service_id: 's', staff_id: 't', start: '2027-03-02T09:00:00.000Z', end: '2027-03-02T10:00:00.000Z',
    timezone: 'America/New_York', customer: { name: '<img src=x onerror=alert(1)>', email: 'ada@example.com' }, notes: 'javascript:alert(1) & <script>', created_at: '2027-03-01T07:00:00.000Z',
  };
  const ctx = { business, serviceName: 'Cut & <style>', staffName: 'Mara' };

  it("escapes merchant and customer text in the HTML part and tells the customer's own time", () => {
    const m = compose('msg_1', 'confirmation', { booking: b, manage_url: 'https://shop.example.com/?booking=bk_1&token=mt_x', sequence: 0 }, ctx, defaultConfig.notify, 'en', T0);
    assert.ok(!m.html.includes('<img'), m.html);
    assert.ok(!m.html.includes('<script>') && !m.html.includes('<style>') && !m.html.includes('<Nord>'));
    assert.ok(m.html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(m.html.includes('href="https://shop.example.com/?booking=bk_1&#38;token=mt_x"'));
    assert.match(m.text, /4:00\sAM \(America\/New_York\)/, 'in the zone the customer booked in');
    assert.equal(m.replyTo, 'hello@example.com');
  });

  it("speaks the booking's language, and falls back to English for one it does not know", () => {
    const de = compose('msg_2', 'cancelled', { booking: b, manage_url: null, sequence: 0 }, ctx, defaultConfig.notify, 'de-AT', T0);
    assert.match(de.subject, /^Storniert: /);
    const ar = compose('msg_3', 'reminder', { booking: b, manage_url: null, sequence: 0 }, ctx, defaultConfig.notify, 'ar', T0);
    assert.match(ar.html, /dir="rtl"/);
    assert.match(compose('msg_4', 'reminder', { booking: b, manage_url: null, sequence: 0 }, ctx, defaultConfig.notify, 'xx', T0).subject, /^Reminder: /);
  });

  it("sends the merchant's notice in the business's zone, without a calendar file", () => {
    const m = compose('msg_5', 'merchant_new', { booking: b, manage_url: 'https://x/', sequence: 0 }, ctx, defaultConfig.notify, 'de', T0);
    assert.equal(m.to, 'owner@example.com');
    assert.match(m.text, /\(Europe\/Berlin\)/);
    assert.ok(!m.text.includes('https://x/'), 'the manage link is the customer\'s alone');
    assert.equal(m.attachments.length, 0);
  });
});

describe('the demo mailbox', () => {
  it('lists the written emails newest first, shows each as HTML (sandboxed) beside its text, and offers the .eml; only where it is mounted', async () => {
    const { s, worker, mailDir } = await setup();
    await book(s, at('10:00'), { customer: { name: '<script>x</script>', email: 'ada@example.com' } });
    await worker.tick();
    const app = createApp(s.h.deps, { mailbox: mailDir });
    const list = await app.request('http://demo/demo/mailbox');
    assert.equal(list.status, 200);
    const html = await list.text();
    assert.match(html, /Booked: Haircut on Tuesday, March 2, 2027/);
    assert.ok(!html.includes('<script>x'), 'text is escaped');
    const link = /href="\/demo\/mailbox\/(msg_[A-Za-z0-9_-]+)"/.exec(html)![1];
    const one = await (await app.request(`http://demo/demo/mailbox/${link}`)).text();
    assert.match(one, /&#60;script&#62;x&#60;\/script&#62;, your booking at Salon Test is confirmed/);
    // Beside the text, the HTML part in a sandboxed frame (no scripts, opaque origin), links to a new tab.
    const frame = /<iframe class="mail" title="The email as HTML" sandbox="([^"]*)" srcdoc="([^"]*)"><\/iframe>/.exec(one);
    assert.ok(frame, one);
    assert.equal(frame[1], 'allow-popups allow-popups-to-escape-sandbox', 'no allow-scripts, no allow-same-origin');
    const srcdoc = frame[2].replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    assert.match(srcdoc, /<base target="_blank">/);
    assert.match(srcdoc, /&#60;script&#62;x&#60;\/script&#62;, your booking/, 'the customer\'s text is still escaped inside the frame');
    assert.ok(!srcdoc.includes('<script>'));
    assert.match((await app.request(`http://demo/demo/mailbox/${link}`)).headers.get('content-security-policy')!, /script-src 'none'/);
    const eml = await app.request(`http://demo/demo/mailbox/${link}.eml`);
    assert.equal(eml.headers.get('content-type'), 'message/rfc822');
    assert.match(await eml.text(), /^Message-ID: </m);
    assert.equal((await app.request('http://demo/demo/mailbox/..%2F..%2Fetc%2Fpasswd')).status, 404);
    assert.equal((await s.h.app.request('http://demo/demo/mailbox')).status, 404, 'not on a server without the mailbox');
  });
});
