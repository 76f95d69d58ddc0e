// Every calendar file a booking's emails carry (confirmation, reminder, reschedule, cancellation),
// through a real booking, the outbox and the worker, read back by ical.js from the file's own
// VTIMEZONE (issue 22).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SHOP, booking, harness, ok, shop, type Shop } from './helpers.ts';
import { notifier } from '../../src/server/notify/worker.ts';
import { migrationsFor } from '../../src/server/store/migrations.ts';
import { ENGINE } from './database.ts';
import { readIcs, type ReadEvent } from './ics-read.ts';

interface Sent { subject: string; contentType: string; partMethod: string | undefined; ics: ReadEvent }

/** The customer's emails in the mail directory, each with its calendar file read. */
async function customerMails(dir: string, customer: string): Promise<Sent[]> {
  const out: Sent[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const summary = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { to: string; subject: string };
    if (!summary.to.includes(customer)) continue;
    const mail = await simpleParser(readFileSync(join(dir, f.replace(/\.json$/, '.eml'))));
    const ics = mail.attachments.find((a) => a.filename === 'booking.ics');
    assert.ok(ics, `${summary.subject}: a calendar file`);
    const partMethod = (ics.headers.get('content-type') as { params?: { method?: string } } | undefined)?.params?.method;
    out.push({ subject: summary.subject, contentType: ics.contentType, partMethod, ics: readIcs(ics.content.toString('utf8')) });
  }
  return out;
}

const book = (s: Shop, start: string, extra: Record<string, unknown> = {}) =>
  ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, body: booking(s.serviceId, start, extra), headers: { 'idempotency-key': crypto.randomUUID() } }), 201);

describe('calendar files in the customer\'s emails', () => {
  for (const [zone, start, moved] of [
    // Issue 22's case: 12 January 2027, 09:00 in Berlin (08:00Z), then moved to the 13th at 10:00.
    ['Europe/Berlin', '2027-01-12T09:00:00+01:00', '2027-01-13T10:00:00+01:00'],
    // The customer in Sydney (summer time there, AEDT +11) books the Berlin salon.
    ['Australia/Sydney', '2027-01-12T09:00:00+01:00', '2027-01-13T10:00:00+01:00'],
  ] as const) {
    it(`${zone}: confirmation, reminder, reschedule and cancellation (the last two within one second) each place the event at the booking's instants, with rising SEQUENCE, one UID, the business as ORGANIZER and the customer as ATTENDEE`, async () => {
      const h = await harness();
      h.clock.now = Date.parse('2026-12-01T08:00:00Z');
      const s = await shop(h, { service: { horizon_days: 120 } });
      h.deps.config.notify = { ...h.deps.config.notify, reminderMinutes: 24 * 60 };
      await ok(h.req('PATCH', '/business', { auth: s.sk, body: { notification_email: 'owner@salon.example', reply_to: 'hello@salon.example' } }), 200);
      const mailDir = mkdtempSync(join(tmpdir(), 'booking-mail-'));
      const worker = notifier(h.deps, { mailDir });
      try {
        const made = await book(s, start, { timezone: zone, customer: { name: 'Ada "AL" Lovelace', email: 'ada@example.com' } });
        await worker.tick();
        h.clock.now = Date.parse(start) - 24 * 3_600_000;
        await worker.tick();
        const q = `?token=${encodeURIComponent(made.manage_token)}`;
        h.clock.now += 3_600_000;
        const after = await ok(h.req('POST', `/bookings/${made.booking.id}/reschedule${q}`, { body: { start: moved } }), 200);
        await ok(h.req('POST', `/bookings/${made.booking.id}/cancel${q}`, { body: {} }), 200);
        await worker.tick();

        const mails = await customerMails(mailDir, 'ada@example.com');
        const kinds = ['Booked: ', 'Reminder: ', 'Moved: ', 'Cancelled: '];
        const byKind = kinds.map((k) => {
          const found = mails.filter((m) => m.subject.startsWith(k));
          assert.equal(found.length, 1, `one "${k}" mail, got ${mails.map((m) => m.subject).join(' | ')}`);
          return found[0];
        });
        const [confirmation, reminder, rescheduled, cancelled] = byKind;
        const was = { start: Date.parse(made.booking.start), end: Date.parse(made.booking.end) };
        const now = { start: Date.parse(after.booking.start), end: Date.parse(after.booking.end) };
        assert.equal(new Date(was.start).toISOString(), new Date(start).toISOString());
        for (const [m, at] of [[confirmation, was], [reminder, was], [rescheduled, now], [cancelled, now]] as const) {
          const e = m.ics;
          assert.equal(new Date(e.startMs).toISOString(), new Date(at.start).toISOString(), `${m.subject}: DTSTART`);
          assert.equal(new Date(e.endMs).toISOString(), new Date(at.end).toISOString(), `${m.subject}: DTEND`);
          assert.equal(e.startTzid, zone, `${m.subject}: in the booking's zone`);
          assert.deepEqual(e.timezones, [zone]);
          assert.equal(e.uid, `${made.booking.id}@booking-api`, `${m.subject}: one UID`);
          assert.deepEqual(e.organizer, { email: 'owner@salon.example', params: { cn: 'Salon Test' } }, `${m.subject}: ORGANIZER`);
          assert.equal(e.attendees.length, 1, `${m.subject}: one ATTENDEE`);
          assert.equal(e.attendees[0].email, 'ada@example.com');
          assert.equal(e.attendees[0].params.cn, 'Ada \'AL\' Lovelace');
          assert.equal(e.attendees[0].params.rsvp, 'FALSE');
          const method = m === cancelled ? 'CANCEL' : 'REQUEST';
          assert.equal(e.method, method, `${m.subject}: METHOD`);
          assert.equal(m.contentType, 'text/calendar');
          assert.equal(m.partMethod, method, `${m.subject}: the part's method parameter`);
        }
        assert.equal(cancelled.ics.status, 'CANCELLED');
        // RFC 5546: a calendar applies an update only over a lower SEQUENCE; the cancellation comes
        // in the same second as the reschedule, so its DTSTAMP cannot tell them apart.
        const seq = byKind.map((m) => m.ics.sequence);
        assert.deepEqual(seq, [0, 0, 1, 2], `SEQUENCE of ${kinds.join('/')}`);
        assert.equal(rescheduled.ics.dtstamp, cancelled.ics.dtstamp, 'the same second');
      } finally {
        await worker.stop();
      }
    });
  }
});

describe('migrating to a SEQUENCE per booking (0008)', () => {
  it('starts an existing booking above every SEQUENCE its mails can have had (the seconds since it was made), may run again, and a mail written before it takes the booking\'s', async () => {
    const s = await shop();
    const mailDir = mkdtempSync(join(tmpdir(), 'booking-mail-'));
    const worker = notifier(s.h.deps, { mailDir });
    try {
      const made = await book(s, '2027-03-04T09:00:00+01:00');
      const { db } = s.h.store;
      // The booking and its mails as the code before 0008 wrote them: no counter, no sequence in the payload.
      const tenDays = 10 * 86_400;
      await db.updateTable('bookings').set({ created_at: Date.now() - tenDays * 1000, ics_sequence: 0 }).where('id', '=', made.booking.id).execute();
      for (const m of await db.selectFrom('outbox').select(['id', 'payload']).where('channel', '=', 'email').execute()) {
        const { sequence: _s, ...rest } = JSON.parse(m.payload) as Record<string, unknown>;
        await db.updateTable('outbox').set({ payload: JSON.stringify(rest) }).where('id', '=', m.id).execute();
      }
      const migration = (await migrationsFor(ENGINE).getMigrations())['0008_ics_sequence'];
      await migration.up(db);
      await migration.up(db);
      const { ics_sequence: start } = await db.selectFrom('bookings').select('ics_sequence').where('id', '=', made.booking.id).executeTakeFirstOrThrow();
      assert.ok(start >= tenDays && start < tenDays + 600, `ics_sequence ${start}`);

      await worker.tick();
      const q = `?token=${encodeURIComponent(made.manage_token)}`;
      await ok(s.h.req('POST', `/bookings/${made.booking.id}/reschedule${q}`, { body: { start: '2027-03-04T11:00:00+01:00' } }), 200);
      await worker.tick();
      const mails = await customerMails(mailDir, 'ada@example.com');
      const seq = (prefix: string) => mails.find((m) => m.subject.startsWith(prefix))?.ics.sequence;
      assert.equal(seq('Booked: '), start, 'the mail written before 0008');
      assert.equal(seq('Moved: '), start + 1);
    } finally {
      await worker.stop();
    }
  });
});
