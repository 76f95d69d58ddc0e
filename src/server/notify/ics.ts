// RFC 5545 text: backslash, semicolon, comma and newlines escaped; lines folded at 75 octets.
// A lone CR counts as a newline too: some calendars break lines on it, so left bare it could
// start a property of the merchant's or customer's choosing.
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n?|\n/g, '\\n');
/** `yyyyMMddTHHmmss` of an instant in UTC (append `Z`), or of a wall time given as if it were UTC. */
const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '');
const offset = (minutes: number) => {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
};

function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 75;
    while (Buffer.byteLength(rest.slice(0, cut)) > 75) cut--;
    // Never between the two halves of a character outside the BMP (an emoji in a name).
    if (/[\uD800-\uDBFF]/.test(rest[cut - 1])) cut--;
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join('\r\n');
}

// A zone's offsets come from the runtime's time-zone database (Intl, as luxon's do everywhere
// else in the server), so the VTIMEZONE written here and the booking's instants can never come
// from two editions of the database that disagree.
const MINUTE = 60_000;
const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** The zone's offset from UTC at an instant, in minutes. */
function offsetAt(zone: string, ms: number): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, f);
  }
  const m = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+)$/.exec(f.format(ms));
  if (!m) throw new Error(`unexpected date format for ${zone}`);
  const [, mo, d, y, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const minute = Math.floor(ms / MINUTE) * MINUTE;
  return Math.round((Date.UTC(y, mo - 1, d, h, mi) - minute) / MINUTE);
}

interface Change { at: number; from: number; to: number }
const changeCache = new Map<string, Change[]>();
/** Every offset change of the zone in one calendar year (UTC), found day by day and then to the minute; kept per zone and year. */
function changesIn(zone: string, year: number): Change[] {
  const key = `${zone} ${year}`;
  const known = changeCache.get(key);
  if (known) return known;
  const changes: Change[] = [];
  const to = Date.UTC(year + 1, 0, 1);
  for (let t = Date.UTC(year, 0, 1); t < to; t += DAY) {
    const before = offsetAt(zone, t);
    if (before === offsetAt(zone, t + DAY)) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
      if (offsetAt(zone, mid) === before) lo = mid; else hi = mid;
    }
    changes.push({ at: hi, from: before, to: offsetAt(zone, hi) });
  }
  if (changeCache.size > 2000) changeCache.clear();
  changeCache.set(key, changes);
  return changes;
}

const yearOf = (ms: number) => new Date(ms).getUTCFullYear();

/**
 * The zone's rules around the event, from the time-zone database, as dated observances (no
 * RRULE: nothing is extrapolated): the last offset change at or before the start, so the start
 * is covered (a reader places a time before every observance at UTC: issue 22's January bookings
 * an hour late), and every change from there to a year after the end, so a calendar that builds
 * the zone from the file sees its standard and its summer time. A zone with no change in the
 * year before the start gets one observance, from a year before the start, at its offset then.
 * Each observance's DTSTART is the wall time of the change in the offset before it (RFC 5545).
 */
function vtimezone(zone: string, startMs: number, endMs: number): string[] {
  const from = startMs - 366 * DAY;
  const to = endMs + 366 * DAY;
  const all: Change[] = [];
  for (let y = yearOf(from); y <= yearOf(to); y++) all.push(...changesIn(zone, y));
  const window = all.filter((c) => c.at > from && c.at <= to);
  const first = window.findLastIndex((c) => c.at <= startMs);
  const used = first >= 0 ? window.slice(first) : [{ at: from, from: offsetAt(zone, from), to: offsetAt(zone, from) }, ...window];
  // DAYLIGHT for the larger of the offsets a change moves between, as the rearguard data has it.
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  for (const c of used) {
    const kind = c.to > c.from ? 'DAYLIGHT' : 'STANDARD';
    lines.push(`BEGIN:${kind}`, `DTSTART:${stamp(c.at + c.from * MINUTE)}`, `TZOFFSETFROM:${offset(c.from)}`, `TZOFFSETTO:${offset(c.to)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

/**
 * DTSTART or DTEND: the wall time in the booking's zone with its TZID; but an instant whose wall
 * time the zone shows twice (the repeated hour of an autumn change) in UTC, the one form that
 * names it: RFC 5545 takes such a wall time as its first occurrence, and libical and ical.js
 * (Thunderbird, Evolution) as its second, so neither occurrence can be written as a wall time.
 */
function when(name: string, zone: string, ms: number): string {
  const own = offsetAt(zone, ms);
  const wall = ms + own * MINUTE;
  const others = new Set([offsetAt(zone, ms - DAY), offsetAt(zone, ms - 3 * 3_600_000), offsetAt(zone, ms + 3 * 3_600_000), offsetAt(zone, ms + DAY)]);
  others.delete(own);
  const twice = [...others].some((o) => offsetAt(zone, wall - o * MINUTE) === o);
  return twice ? `${name}:${stamp(ms)}Z` : `${name};TZID=${zone}:${stamp(wall)}`;
}

/** A quoted parameter value (RFC 5545 quoted-string): no control character and no DQUOTE in it. */
const quoted = (s: string) => `"${s.replace(/\p{Cc}+/gu, ' ').replace(/"/g, '\'').trim()}"`;
/**
 * `mailto:` and the address, every ASCII character that a URI or a mailto: list gives a meaning
 * (`,` separates addresses, `%` escapes, `?` starts headers) percent-encoded: one address, whole.
 */
const mailto = (address: string) => `mailto:${address.replace(/[^A-Za-z0-9\-._~!$&'*+=@\u0080-\uffff]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;

export interface IcsPerson { name: string; email: string }
export interface IcsEvent {
  uid: string; startMs: number; endMs: number; zone: string; summary: string; description?: string;
  location?: string; url?: string | null; cancelled?: boolean; stampMs: number;
  /** Raised by every change of the booking (RFC 5546): a calendar keeps the highest it has seen. */
  sequence: number;
  /** The business, who sends the invitation; the customer, who is invited (and is not asked to reply). */
  organizer: IcsPerson; attendee: IcsPerson;
}

/**
 * An iCalendar invitation for one booking (RFC 5546 `METHOD:REQUEST`), or its cancellation
 * (`METHOD:CANCEL`, the same UID and people), in the booking's zone with its VTIMEZONE.
 */
export function icsFor(e: IcsEvent): string {
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//booking-api//EN', 'CALSCALE:GREGORIAN',
    `METHOD:${e.cancelled ? 'CANCEL' : 'REQUEST'}`,
    ...vtimezone(e.zone, e.startMs, e.endMs),
    'BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${stamp(e.stampMs)}Z`, `SEQUENCE:${e.sequence}`,
    when('DTSTART', e.zone, e.startMs), when('DTEND', e.zone, e.endMs),
    `ORGANIZER;CN=${quoted(e.organizer.name)}:${mailto(e.organizer.email)}`,
    `ATTENDEE;CN=${quoted(e.attendee.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:${mailto(e.attendee.email)}`,
    `SUMMARY:${text(e.summary)}`, `STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    ...(e.description ? [`DESCRIPTION:${text(e.description)}`] : []),
    ...(e.location ? [`LOCATION:${text(e.location)}`] : []),
    ...(e.url ? [`URL:${e.url}`] : []),
    'END:VEVENT', 'END:VCALENDAR', '',
  ];
  return lines.map(fold).join('\r\n');
}
