// The widget's add-to-calendar file, read by an independent client (Mozilla's ical.js, in the
// browser) at the booking's instants (issue 22). The widget writes DTSTART/DTEND in UTC, not with
// the booking's TZID and a VTIMEZONE as the emails do: a UTC time names one instant in every
// calendar, and making the zone's rules in the browser cost the one-customer path 505 bytes gzip
// (measured for issue 22; that path is already over its 26 KB budget).
import { expect, oneEvent } from '@open-wc/testing';
import ICAL from 'ical.js';
import type { Booking } from '../../src/contract/widget.ts';
import type { BookingWidgetEvent } from '../../src/widget/index.ts';
import { icsFor } from '../../src/widget/flow/ics.ts';
import { $, apiFixture, fillDetails, mount, resetWorld, toDetails, untilStep } from './helpers.ts';

function read(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  const events = cal.getAllSubcomponents('vevent');
  expect(events.length).to.equal(1);
  const ev = events[0];
  const time = (name: string) => {
    const prop = ev.getFirstProperty(name);
    expect(prop, name).to.not.equal(null);
    const t = prop!.getFirstValue() as InstanceType<typeof ICAL.Time>;
    // No floating time: one that every calendar places at the same instant.
    expect(t.zone, `${name} is UTC`).to.equal(ICAL.Timezone.utcTimezone);
    return new Date(t.toUnixTime() * 1000).toISOString();
  };
  return { uid: String(ev.getFirstPropertyValue('uid')), start: time('dtstart'), end: time('dtend') };
}

const booking = (timezone: string, start: string, minutes: number): Booking => ({
  id: 'bk_1', status: 'confirmed', service_id: 'svc_1', staff_id: 'stf_1', timezone, notes: '', created_at: '2026-12-01T08:00:00.000Z',
  start: new Date(start).toISOString(), end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
});

describe('the widget\'s calendar file, read by ical.js', () => {
  beforeEach(resetWorld);

  // The zones and dates the emails' files are tested on (test/server/ics.test.ts), each side of each change.
  const cases: [string, string, number][] = [
    ['Europe/Berlin', '2027-01-12T08:00:00Z', 60], ['Europe/Berlin', '2027-03-27T09:00:00Z', 60], ['Europe/Berlin', '2027-03-28T00:30:00Z', 60],
    ['Europe/Berlin', '2027-03-29T07:00:00Z', 60], ['Europe/Berlin', '2027-10-30T07:00:00Z', 60], ['Europe/Berlin', '2027-10-31T00:30:00Z', 60],
    ['Europe/Berlin', '2027-10-31T01:15:00Z', 30], ['Europe/Berlin', '2027-11-02T08:00:00Z', 60], ['Europe/Berlin', '2027-12-31T22:30:00Z', 120],
    ['America/New_York', '2027-01-12T14:00:00Z', 60], ['America/New_York', '2027-03-13T14:00:00Z', 60], ['America/New_York', '2027-03-15T13:00:00Z', 60],
    ['America/New_York', '2027-11-06T13:00:00Z', 60], ['America/New_York', '2027-11-08T14:00:00Z', 60],
    ['Australia/Sydney', '2027-01-11T22:00:00Z', 60], ['Australia/Sydney', '2027-04-02T22:00:00Z', 60], ['Australia/Sydney', '2027-04-04T23:00:00Z', 60],
    ['Australia/Sydney', '2027-10-01T23:00:00Z', 60], ['Australia/Sydney', '2027-10-03T22:00:00Z', 60],
    ['Asia/Kolkata', '2027-01-12T03:30:00Z', 60], ['America/Sao_Paulo', '2027-01-12T12:00:00Z', 60], ['America/Sao_Paulo', '2027-11-10T12:00:00Z', 60],
  ];
  for (const [zone, start, minutes] of cases) {
    it(`should place a booking in ${zone} at ${start} for ${minutes} minutes at its instants`, () => {
      const b = booking(zone, start, minutes);
      const got = read(icsFor(b, 'Haircut', new Date('2026-12-01T08:00:00Z')));
      expect(got).to.deep.equal({ uid: 'bk_1@booking-widget', start: b.start, end: b.end });
    });
  }

  it('should offer, after a real booking, a file that ical.js places at the booked instants', async () => {
    const el = await mount(await apiFixture(), { timezone: 'America/New_York' });
    await toDetails(el);
    await fillDetails(el);
    const booked = oneEvent<BookingWidgetEvent<'bw-booked'>>(el, 'bw-booked');
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    const { booking: b } = (await booked).detail;
    await untilStep(el, 'done');
    const got = read(await (await fetch($<HTMLAnchorElement>(el, 'a[download]')!.href)).text());
    expect(got).to.deep.equal({ uid: `${b.id}@booking-widget`, start: new Date(b.start).toISOString(), end: new Date(b.end).toISOString() });
  });
});
