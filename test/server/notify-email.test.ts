// Emails through a real SMTP exchange (smtp-server on loopback), and reminders on the test's
// clock across the spring-forward change in Berlin.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import ical, { type VEvent } from 'node-ical';
import { SHOP, booking, harness, ok, shop, type Shop } from './helpers.ts';
import { notifier } from '../../src/server/notify/worker.ts';
import type { NotifyConfig } from '../../src/server/config.ts';

interface Delivered { from: string; to: string[]; mail: ParsedMail }

/**
 * An SMTP server on 127.0.0.1 that accepts everything and keeps what it was sent; `transactions`
 * holds, per MAIL FROM, every RCPT TO the client asked for, refused ones included.
 */
async function smtp(port = 0) {
  const got: Delivered[] = [];
  const transactions: string[][] = [];
  const open = new Map<string, string[]>(); // by connection: emails may go out side by side
  const quiet = () => undefined;
  const logger = {
    trace: quiet, info: quiet, warn: quiet, error: quiet, fatal: quiet,
    debug(entry: { tnx?: string; cid?: string; command?: string }, _message: string, line: string) {
      if (entry.tnx !== 'command' || !entry.cid) return;
      if (entry.command === 'MAIL') {
        open.set(entry.cid, []);
        transactions.push(open.get(entry.cid)!);
      }
      if (entry.command === 'RCPT') open.get(entry.cid)?.push(line);
    },
  };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        got.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), mail });
        callback();
      }, callback);
    },
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const bound = (server.server.address() as AddressInfo).port;
  return { port: bound, url: `smtp://127.0.0.1:${bound}`, got, transactions, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function setup(notify: Partial<NotifyConfig>) {
  const h = await harness();
  const s = await shop(h, { service: { horizon_days: 120 } });
  h.deps.config.notify = { ...h.deps.config.notify, ...notify };
  const mailDir = mkdtempSync(join(tmpdir(), 'booking-mail-'));
  return { s, worker: notifier(h.deps, { mailDir }), mailDir };
}

const book = (s: Shop, start: string, extra: Record<string, unknown> = {}) =>
  ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, start, extra), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);

describe('emails over SMTP', () => {
  it('delivers the confirmation to the customer with the subject, the manage link and a calendar file that parses', async () => {
    const server = await smtp();
    try {
      const { s, worker } = await setup({ smtpUrl: server.url, from: 'Salon Test <bookings@salon.example>' });
      await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book', reply_to: 'hello@salon.example' } }), 200);
      const made = await book(s, '2027-03-02T10:00:00+01:00', { customer: { name: 'Ada Lovelace', email: 'ada@example.com' } });
      await worker.tick();
      await worker.stop();
      assert.equal(server.got.length, 1);
      const [{ to, from, mail }] = server.got as [Delivered];
      assert.deepEqual(to, ['ada@example.com']);
      assert.equal(from, 'bookings@salon.example');
      assert.equal(mail.subject, 'Booked: Haircut on Tuesday, March 2, 2027 at 10:00 AM');
      assert.equal(mail.replyTo?.value[0]?.address, 'hello@salon.example');
      // The link carries a manage token of its own, made when the mail was sent; it opens the booking.
      const link = new RegExp(`https://shop\\.example\\.com/book\\?booking=${made.booking.id}&token=(mt_[\\w-]+)`).exec(mail.text ?? '');
      assert.ok(link, mail.text);
      assert.notEqual(link[1], made.manage_token);
      await ok(s.h.req('GET', `/bookings/${made.booking.id}?token=${link[1]}`), 200);
      assert.ok(String(mail.html).includes(link[0].replace(/&/g, '&#38;')), 'the HTML part links it too');

      const ics = mail.attachments.find((a) => a.filename === 'booking.ics');
      assert.ok(ics, 'an .ics attachment');
      assert.match(ics.contentType, /^text\/calendar/);
      const events = Object.values(ical.sync.parseICS(ics.content.toString('utf8'))).filter((e): e is VEvent => e?.type === 'VEVENT');
      assert.equal(events.length, 1);
      const event = events[0];
      assert.equal(event.uid, `${made.booking.id}@booking-api`);
      assert.ok(event.dtstamp, 'DTSTAMP');
      assert.equal(new Date(event.start).toISOString(), '2027-03-02T09:00:00.000Z', 'the right instant, from the zone-qualified wall time');
      assert.equal(new Date(event.end!).toISOString(), '2027-03-02T10:00:00.000Z');
      assert.equal((event.start as { tz?: string }).tz, 'Europe/Berlin');
    } finally {
      await server.close();
    }
  });

  it('a service name with a bare CR cannot inject a property (ATTENDEE) into the calendar file', async () => {
    // Calendars that break lines on a lone CR would read what follows it as a property of its own.
    const server = await smtp();
    try {
      const h = await harness();
      const s = await shop(h, { service: { name: 'Haircut\rATTENDEE:mailto:attacker@evil.example', horizon_days: 120 } });
      h.deps.config.notify = { ...h.deps.config.notify, smtpUrl: server.url };
      const worker = notifier(h.deps, { mailDir: mkdtempSync(join(tmpdir(), 'booking-mail-')) });
      await book(s, '2027-03-02T10:00:00+01:00');
      await worker.tick();
      await worker.stop();
      const ics = server.got[0].mail.attachments.find((a) => a.filename === 'booking.ics')!.content.toString('utf8');
      const lines = ics.replace(/\r\n[ \t]/g, '').split(/\r\n|\r|\n/);
      // The one ATTENDEE line is the customer's own (RFC 5546's invitation names them); none is the merchant's text.
      assert.deepEqual(lines.filter((l) => /^ATTENDEE/i.test(l)).map((l) => l.replace(/^.*:mailto:/i, '')), ['ada@example.com'], 'no line of the file starts a property the merchant wrote');
      assert.ok(lines.includes('SUMMARY:Haircut\\nATTENDEE:mailto:attacker@evil.example · Salon Test'), ics);
      const [event] = Object.values(ical.sync.parseICS(ics)).filter((e): e is VEvent => e?.type === 'VEVENT');
      const attendees = [event.attendee ?? []].flat().map((a) => (typeof a === 'string' ? a : a.val));
      assert.deepEqual(attendees, ['mailto:ada@example.com']);
    } finally {
      await server.close();
    }
  });

  // Security review issue 14: addresses the API now refuses may already be stored (written before
  // the fix). Written into the database directly here, each must reach exactly one mailbox.
  /** A booking whose customer's address, and the business's notification_email and reply_to, are `hostile`: written to the rows directly. */
  async function storedHostile(notify: Partial<NotifyConfig>, hostile: string) {
    const { s, worker, mailDir } = await setup(notify);
    await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { notification_email: 'owner@salon.example' } }), 200);
    const made = await book(s, '2027-03-02T10:00:00+01:00', { customer: { name: 'Eve', email: 'ada@example.com' } });
    const db = s.h.store.db;
    await db.updateTable('businesses').set({ notification_email: hostile, reply_to: hostile }).where('id', '=', s.businessId).execute();
    await db.updateTable('bookings').set({ customer_email: hostile }).where('id', '=', made.booking.id).execute();
    for (const row of await db.selectFrom('outbox').select(['id', 'payload']).where('booking_id', '=', made.booking.id).where('channel', '=', 'email').execute()) {
      const payload = JSON.parse(row.payload) as { booking: { customer: { email: string } } };
      payload.booking.customer.email = hostile;
      await db.updateTable('outbox').set({ payload: JSON.stringify(payload) }).where('id', '=', row.id).execute();
    }
    return { worker, mailDir };
  }
  const addresses = (a: ParsedMail['to']) => (Array.isArray(a) ? a.flatMap((x) => x.value) : a?.value ?? []);

  for (const hostile of ['postmaster>,eve@evil.example', 'a;b:c@evil.example']) {
    it(`a stored address with specials (${hostile}) as the customer's email, notification_email and reply_to adds no recipient: one RCPT per email`, async () => {
      const server = await smtp();
      try {
        const { worker } = await storedHostile({ smtpUrl: server.url }, hostile);
        await worker.tick();
        await worker.stop();
        // The customer's confirmation and the merchant's notice: one RCPT TO each, naming no other mailbox.
        assert.equal(server.transactions.length, 2, JSON.stringify(server.transactions));
        for (const rcpts of server.transactions) assert.equal(rcpts.length, 1, `one recipient asked for, got ${JSON.stringify(rcpts)}`);
        const asked = server.transactions.flat();
        assert.deepEqual(asked.filter((l) => /^RCPT TO:<(?:postmaster|(?:eve|c)@evil\.example)>$/i.test(l)), [], 'no mailbox cut out of the address');
        for (const l of asked) assert.match(l, /^RCPT TO:<"[^"]+"@evil\.example>$/, 'the whole address, its local part quoted');
        // What the server took (smtp-server refuses a quoted local part with a space in it, which is what
        // nodemailer makes of `>`): each delivered email has one recipient, and one address in To and Reply-To.
        if (!hostile.includes('>')) assert.equal(server.got.length, 2, 'both taken');
        for (const { to, mail } of server.got) {
          assert.equal(to.length, 1, `${mail.subject}: one envelope recipient, got ${JSON.stringify(to)}`);
          assert.ok(!/^(?:eve|c)@evil\.example$/i.test(to[0]), `${mail.subject}: ${to[0]}`);
          assert.equal(addresses(mail.to).length, 1, `${mail.subject}: one address in To, got ${JSON.stringify(addresses(mail.to))}`);
        }
        const customer = server.got.find((g) => g.mail.subject?.startsWith('Booked: '));
        if (customer) assert.equal(customer.mail.replyTo?.value.length, 1, `one Reply-To address, got ${JSON.stringify(customer.mail.replyTo?.value)}`);
      } finally {
        await server.close();
      }
    });

    it(`a stored address with specials (${hostile}) written as an .eml names one address in To and one in Reply-To`, async () => {
      const { worker, mailDir } = await storedHostile({ smtpUrl: undefined }, hostile);
      await worker.tick();
      await worker.stop();
      const emls = readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
      assert.equal(emls.length, 2, 'the confirmation and the merchant\'s notice');
      for (const f of emls) {
        const mail = await simpleParser(readFileSync(join(mailDir, f)));
        assert.equal(addresses(mail.to).length, 1, `${mail.subject}: To ${JSON.stringify(addresses(mail.to))}`);
        assert.match(addresses(mail.to)[0].address ?? '', /^"[^"]+"@evil\.example$/, `${mail.subject}: the whole address, its local part quoted, got ${addresses(mail.to)[0].address}`);
        if (mail.subject?.startsWith('Booked: ')) assert.deepEqual(addresses(mail.replyTo).map((a) => a.address), [addresses(mail.to)[0].address], 'one Reply-To');
      }
    });
  }

  it('keeps a message pending while the SMTP server is away, and sends it once it is back', async () => {
    const server = await smtp();
    const url = server.url;
    await server.close();
    const { s, worker, mailDir } = await setup({ smtpUrl: url, retryBaseMs: 1000 });
    await book(s, '2027-03-02T10:00:00+01:00');
    await worker.tick();
    const row = await s.h.store.db.selectFrom('outbox').selectAll().where('kind', '=', 'confirmation').executeTakeFirstOrThrow();
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 1);
    assert.deepEqual(readdirSync(mailDir), [], 'no file instead: SMTP was asked for');

    const back = await smtp(server.port);
    try {
      s.h.clock.now = row.next_attempt_ms;
      await worker.tick();
      await worker.stop();
      assert.equal(back.got.length, 1);
      assert.match(back.got[0].mail.subject ?? '', /^Booked: /);
    } finally {
      await back.close();
    }
  });
});

describe('reminders', () => {
  // Booked for Monday 29 March 2027, 09:00 in Berlin (CEST, after the change on the 28th); a
  // reminder 48 hours before falls on Saturday the 27th, still in CET: 08:00 on the wall clock.
  const START = '2027-03-29T09:00:00+02:00';
  const REMIND_AT = Date.parse('2027-03-27T07:00:00Z');

  it('goes out the configured time before the start, counted in real hours across a DST change', async () => {
    const { s, worker, mailDir } = await setup({ reminderMinutes: 48 * 60 });
    await book(s, START);
    await worker.tick();
    const sent = () => readdirSync(mailDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(mailDir, f), 'utf8')) as { subject: string; text: string });
    assert.equal(sent().length, 1, 'the confirmation only');
    s.h.clock.now = REMIND_AT - 60_000;
    await worker.tick();
    assert.equal(sent().length, 1, 'not a minute early');
    s.h.clock.now = REMIND_AT;
    await worker.tick();
    const reminder = sent().find((m) => m.subject.startsWith('Reminder'));
    assert.ok(reminder, 'sent on time');
    assert.match(reminder.text, /Monday, March 29, 2027 at 9:00\sAM \(Europe\/Berlin\)/, 'the wall time after the change');
  });

  it('moves with a reschedule and is dropped by a cancellation', async () => {
    const { s } = await setup({ reminderMinutes: 60 });
    const made = await book(s, START);
    const q = `?token=${encodeURIComponent(made.manage_token)}`;
    const reminders = () => s.h.store.db.selectFrom('outbox').select(['status', 'next_attempt_ms']).where('kind', '=', 'reminder').orderBy('seq').execute();
    assert.deepEqual(await reminders(), [{ status: 'pending', next_attempt_ms: Date.parse(START) - 3600_000 }]);
    await ok(s.h.req('POST', `/bookings/${made.booking.id}/reschedule${q}`, { body: { start: '2027-03-30T11:00:00+02:00' } }), 200);
    assert.deepEqual(await reminders(), [
      { status: 'cancelled', next_attempt_ms: Date.parse(START) - 3600_000 },
      { status: 'pending', next_attempt_ms: Date.parse('2027-03-30T10:00:00+02:00') },
    ]);
    await ok(s.h.req('POST', `/bookings/${made.booking.id}/cancel${q}`, { body: {} }), 200);
    assert.deepEqual((await reminders()).map((r) => r.status), ['cancelled', 'cancelled']);
  });

  it('is not written for a booking that starts sooner than the reminder time', async () => {
    const { s } = await setup({ reminderMinutes: 7 * 24 * 60 });
    await book(s, '2027-03-02T10:00:00+01:00');
    const rows = await s.h.store.db.selectFrom('outbox').select('kind').where('kind', '=', 'reminder').execute();
    assert.equal(rows.length, 0);
  });
});
