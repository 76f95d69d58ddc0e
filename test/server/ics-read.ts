// Calendar files read by an independent client: Mozilla's ical.js (the engine of Thunderbird's
// calendar), with no time-zone data of its own, so a zone-qualified time is placed by the file's
// own VTIMEZONE, as a calendar that does not know the zone's name would place it.
import assert from 'node:assert/strict';
import ICAL from 'ical.js';

export interface Person { email: string; params: Record<string, string> }
export interface ReadEvent {
  method: string | null; uid: string; sequence: number | null; status: string | null; dtstamp: string | null;
  /** The instants as the file places them, and the TZID each is written in (`null` for UTC). */
  startMs: number; endMs: number; startTzid: string | null; endTzid: string | null;
  organizer: Person | null; attendees: Person[]; timezones: string[];
}

const person = (p: InstanceType<typeof ICAL.Property>): Person => {
  const value = String(p.getFirstValue());
  assert.match(value, /^mailto:/i, `${p.name} is a mailto: address`);
  const params: Record<string, string> = {};
  for (const name of ['cn', 'rsvp', 'role', 'partstat', 'cutype']) {
    const v = p.getParameter(name);
    if (v !== undefined) params[name] = String(v);
  }
  return { email: decodeURIComponent(value.slice('mailto:'.length)), params };
};

/** One instant from DTSTART or DTEND: with a TZID, placed by the file's VTIMEZONE of that name (never a zone from elsewhere). */
function instant(cal: InstanceType<typeof ICAL.Component>, prop: InstanceType<typeof ICAL.Property> | null, name: string): { ms: number; tzid: string | null } {
  assert.ok(prop, `${name} present`);
  const time = prop.getFirstValue() as InstanceType<typeof ICAL.Time>;
  assert.equal(time.isDate, false, `${name} is a date-time`);
  const tzid = prop.getParameter('tzid');
  if (tzid === undefined) {
    assert.equal(time.zone, ICAL.Timezone.utcTimezone, `${name} without TZID is UTC (no floating time)`);
    return { ms: time.toUnixTime() * 1000, tzid: null };
  }
  const own = cal.getTimeZoneByID(String(tzid));
  assert.ok(own, `the file has a VTIMEZONE for ${String(tzid)}`);
  assert.equal(time.zone, own, `${name} is placed by the file's own VTIMEZONE`);
  return { ms: time.toUnixTime() * 1000, tzid: String(tzid) };
}

export function readIcs(text: string): ReadEvent {
  assert.equal(ICAL.TimezoneService.count, 0, 'ical.js knows no zone but the file\'s');
  const cal = new ICAL.Component(ICAL.parse(text));
  assert.equal(cal.name, 'vcalendar');
  const events = cal.getAllSubcomponents('vevent');
  assert.equal(events.length, 1, 'one event');
  const ev = events[0];
  const start = instant(cal, ev.getFirstProperty('dtstart'), 'DTSTART');
  const end = instant(cal, ev.getFirstProperty('dtend'), 'DTEND');
  const organizer = ev.getFirstProperty('organizer');
  const seq = ev.getFirstPropertyValue('sequence');
  const stamp = ev.getFirstPropertyValue('dtstamp') as InstanceType<typeof ICAL.Time> | null;
  return {
    method: (cal.getFirstPropertyValue('method') as string | null) ?? null,
    uid: String(ev.getFirstPropertyValue('uid')),
    sequence: seq === null ? null : Number(seq),
    status: (ev.getFirstPropertyValue('status') as string | null) ?? null,
    dtstamp: stamp ? stamp.toString() : null,
    startMs: start.ms, endMs: end.ms, startTzid: start.tzid, endTzid: end.tzid,
    organizer: organizer ? person(organizer) : null,
    attendees: ev.getAllProperties('attendee').map(person),
    timezones: cal.getAllSubcomponents('vtimezone').map((z) => String(z.getFirstPropertyValue('tzid'))),
  };
}
