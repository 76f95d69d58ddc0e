// The calendar files the server writes (issue 22), read back by an independent client (ical.js)
// from their own VTIMEZONE: every event lands at the booking's instants, in zones on both sides of
// each offset change, and carries what RFC 5546 asks of an invitation and of a cancellation.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { icsFor, type IcsEvent } from '../../src/server/notify/ics.ts';
import { readIcs } from './ics-read.ts';

const HOUR = 3_600_000;
const ORGANIZER = { name: 'Salon Test', email: 'owner@salon.example' };
const ATTENDEE = { name: 'Ada Lovelace', email: 'ada@example.com' };
const event = (zone: string, startMs: number, endMs: number, extra: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: 'bk_1@booking-api', startMs, endMs, zone, summary: 'Haircut · Salon Test', stampMs: Date.parse('2026-12-01T08:00:00Z'),
  sequence: 0, organizer: ORGANIZER, attendee: ATTENDEE, ...extra,
});

/**
 * [zone, what the case is, start as an instant (UTC), minutes long, and which end is written in
 * UTC]. The instants are written out by hand from the zone's rules, not computed by the code under
 * test. A wall time in the repeated hour of an autumn change is its first occurrence to RFC 5545
 * (3.3.5) and its second to libical and ical.js, so an instant there is written in UTC.
 */
const MATRIX: [string, string, string, number, ('start' | 'end')[]?][] = [
  // Berlin: CET +01 until 28 March 2027 01:00Z, CEST +02 until 31 October 2027 01:00Z.
  ['Europe/Berlin', 'January (issue 22: read an hour late)', '2027-01-12T08:00:00Z', 60],
  ['Europe/Berlin', 'March, the day before the change', '2027-03-27T09:00:00Z', 60],
  ['Europe/Berlin', 'March, the day of the change, after it', '2027-03-28T08:00:00Z', 60],
  ['Europe/Berlin', 'March, after the change', '2027-03-29T07:00:00Z', 60],
  ['Europe/Berlin', 'across the spring change (01:30 CET to 03:30 CEST)', '2027-03-28T00:30:00Z', 60],
  ['Europe/Berlin', 'October, before the change', '2027-10-30T07:00:00Z', 60],
  ['Europe/Berlin', 'October, in the repeated hour, first time (02:30 CEST)', '2027-10-31T00:30:00Z', 20, ['start', 'end']],
  ['Europe/Berlin', 'October, across the repeated hour (02:30 CEST to 02:30 CET)', '2027-10-31T00:30:00Z', 60, ['start', 'end']],
  ['Europe/Berlin', 'October, in the repeated hour, second time (02:15 CET)', '2027-10-31T01:15:00Z', 30, ['start', 'end']],
  ['Europe/Berlin', 'October, the day of the change, after it', '2027-10-31T09:00:00Z', 60],
  ['Europe/Berlin', 'November, after the change', '2027-11-02T08:00:00Z', 60],
  ['Europe/Berlin', 'New Year\'s Eve into the next year', '2027-12-31T22:30:00Z', 120],
  ['Europe/Berlin', 'July of the year after', '2028-07-11T07:00:00Z', 45],
  // New York: EST -05 until 14 March 2027 07:00Z, EDT -04 until 7 November 2027 06:00Z.
  ['America/New_York', 'January', '2027-01-12T14:00:00Z', 60],
  ['America/New_York', 'March, before the change', '2027-03-13T14:00:00Z', 60],
  ['America/New_York', 'March, after the change', '2027-03-15T13:00:00Z', 60],
  ['America/New_York', 'November, before the change', '2027-11-06T13:00:00Z', 60],
  ['America/New_York', 'November, after the change', '2027-11-08T14:00:00Z', 60],
  // Sydney (southern hemisphere): AEDT +11 until 3 April 2027 16:00Z, AEST +10 until 2 October 2027 16:00Z.
  ['Australia/Sydney', 'January (summer time)', '2027-01-11T22:00:00Z', 60],
  ['Australia/Sydney', 'April, before the change', '2027-04-02T22:00:00Z', 60],
  ['Australia/Sydney', 'April, after the change', '2027-04-04T23:00:00Z', 60],
  ['Australia/Sydney', 'July (standard time)', '2027-07-11T23:00:00Z', 60],
  ['Australia/Sydney', 'October, before the change', '2027-10-01T23:00:00Z', 60],
  ['Australia/Sydney', 'October, after the change', '2027-10-03T22:00:00Z', 60],
  // Kolkata: +05:30 all year, no change since 1945.
  ['Asia/Kolkata', 'January', '2027-01-12T03:30:00Z', 60],
  ['Asia/Kolkata', 'July', '2027-07-12T03:30:00Z', 60],
  // São Paulo: -03 all year since 2019 (it had summer time from November to February before).
  ['America/Sao_Paulo', 'January (summer time until 2019)', '2027-01-12T12:00:00Z', 60],
  ['America/Sao_Paulo', 'July', '2027-07-12T12:00:00Z', 60],
  ['America/Sao_Paulo', 'November (summer time until 2019)', '2027-11-10T12:00:00Z', 60],
];

describe('calendar files: the event is where the booking is, read from the file\'s own VTIMEZONE', () => {
  for (const [zone, what, start, minutes, utc = []] of MATRIX) {
    it(`${zone}, ${what}: ${start} for ${minutes} minutes`, () => {
      const startMs = Date.parse(start);
      const endMs = startMs + minutes * 60_000;
      for (const cancelled of [false, true]) {
        const read = readIcs(icsFor(event(zone, startMs, endMs, { cancelled })));
        assert.equal(new Date(read.startMs).toISOString(), new Date(startMs).toISOString(), 'DTSTART');
        assert.equal(new Date(read.endMs).toISOString(), new Date(endMs).toISOString(), 'DTEND');
        assert.equal(read.startTzid, utc.includes('start') ? null : zone, 'DTSTART carries the booking\'s TZID');
        assert.equal(read.endTzid, utc.includes('end') ? null : zone, 'DTEND carries the booking\'s TZID');
        assert.deepEqual(read.timezones, [zone], 'one VTIMEZONE, the booking\'s');
      }
    });
  }

  it('every zone the runtime knows, on both sides of each of its changes over the next two years and mid-winter and mid-summer', (t) => {
    // The expected instants are the ones given; only the reading is ical.js's.
    const zones = Intl.supportedValuesOf('timeZone');
    const from = Date.parse('2027-01-01T00:00:00Z');
    const to = Date.parse('2029-01-01T00:00:00Z');
    const formats = new Map<string, Intl.DateTimeFormat>();
    const offset = (zone: string, ms: number) => {
      if (!formats.has(zone)) formats.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }));
      return formats.get(zone)!.formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
    };
    let checked = 0;
    const failures: string[] = [];
    for (const zone of zones) {
      const starts = [Date.parse('2027-01-15T10:00:00Z'), Date.parse('2027-07-15T10:00:00Z')];
      for (let t = from; t < to; t += 86_400_000) {
        if (offset(zone, t) === offset(zone, t + 86_400_000)) continue;
        // The hour of the change, then hour-long events starting every half hour around it.
        let change = t;
        while (offset(zone, change) === offset(zone, change + HOUR)) change += HOUR;
        for (let k = -4; k <= 4; k++) starts.push(change + k * HOUR / 2);
      }
      for (const startMs of starts) {
        const endMs = startMs + HOUR;
        const read = readIcs(icsFor(event(zone, startMs, endMs)));
        checked++;
        if (read.startMs !== startMs || read.endMs !== endMs) {
          failures.push(`${zone} ${new Date(startMs).toISOString()}: read ${new Date(read.startMs).toISOString()}..${new Date(read.endMs).toISOString()}`);
        }
      }
    }
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${checked} events misplaced`);
    assert.ok(checked > zones.length * 2, `${checked} events in ${zones.length} zones`);
    t.diagnostic(`${checked} events in ${zones.length} zones`);
  });
});

describe('calendar files: invitations and cancellations (RFC 5546)', () => {
  const startMs = Date.parse('2027-01-12T08:00:00Z');

  it('an invitation is METHOD:REQUEST with the business as ORGANIZER and the customer as ATTENDEE (RSVP=FALSE), and carries its SEQUENCE', () => {
    const read = readIcs(icsFor(event('Europe/Berlin', startMs, startMs + HOUR, { sequence: 3 })));
    assert.equal(read.method, 'REQUEST');
    assert.equal(read.uid, 'bk_1@booking-api');
    assert.equal(read.sequence, 3);
    assert.equal(read.status, 'CONFIRMED');
    assert.deepEqual(read.organizer, { email: 'owner@salon.example', params: { cn: 'Salon Test' } });
    assert.equal(read.attendees.length, 1);
    assert.equal(read.attendees[0].email, 'ada@example.com');
    assert.equal(read.attendees[0].params.cn, 'Ada Lovelace');
    assert.equal(read.attendees[0].params.rsvp, 'FALSE');
  });

  it('a cancellation is METHOD:CANCEL with the same UID, the organizer and the attendee, and the SEQUENCE it is given', () => {
    const read = readIcs(icsFor(event('Europe/Berlin', startMs, startMs + HOUR, { cancelled: true, sequence: 4 })));
    assert.equal(read.method, 'CANCEL');
    assert.equal(read.uid, 'bk_1@booking-api');
    assert.equal(read.sequence, 4);
    assert.equal(read.status, 'CANCELLED');
    assert.equal(read.organizer?.email, 'owner@salon.example');
    assert.deepEqual(read.attendees.map((a) => a.email), ['ada@example.com']);
  });

  it('names with quotes, separators and line breaks stay inside their CN; an address cannot name a second one', () => {
    const ics = icsFor(event('Europe/Berlin', startMs, startMs + HOUR, {
      organizer: { name: 'Salon "Chic"; Paris, Ltd:\r\nATTENDEE:mailto:eve@evil.example', email: 'owner@salon.example' },
      attendee: { name: 'Ada\rLovelace "AL"', email: 'a;b:c,eve@evil.example' },
    }));
    const lines = ics.replace(/\r\n[ \t]/g, '').split(/\r\n|\r|\n/);
    assert.equal(lines.filter((l) => /^ATTENDEE/i.test(l)).length, 1, ics);
    const read = readIcs(ics);
    assert.equal(read.organizer?.email, 'owner@salon.example');
    assert.match(read.organizer?.params.cn ?? '', /^Salon .Chic.; Paris, Ltd: ATTENDEE:mailto:eve@evil\.example$/);
    assert.deepEqual(read.attendees.map((a) => a.email), ['a;b:c,eve@evil.example'], 'one attendee, the whole address');
    assert.match(read.attendees[0].params.cn ?? '', /^Ada Lovelace .AL.$/);
  });
});
