import { DateTime } from 'luxon';

// RFC 5545 text: backslash, semicolon, comma and newlines escaped; lines folded at 75 octets.
// A lone CR counts as a newline too: some calendars break lines on it, so left bare it could
// start a property of the merchant's or customer's choosing.
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n?|\n/g, '\\n');
const utc = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
const local = (dt: DateTime) => dt.toFormat("yyyyMMdd'T'HHmmss");
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
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join('\r\n');
}

/**
 * The zone's rules for the event's year, as VTIMEZONE wants them: each offset change of that
 * year (found from luxon, by bisection to the minute) as a STANDARD or DAYLIGHT part whose
 * DTSTART is the wall time just before the change.
 */
function vtimezone(zone: string, atMs: number): string[] {
  const year = DateTime.fromMillis(atMs, { zone }).year;
  const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toMillis();
  const to = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone }).toMillis();
  const off = (ms: number) => DateTime.fromMillis(ms, { zone }).offset;
  const changes: number[] = [];
  const DAY = 86_400_000;
  for (let t = from; t < to; t += DAY) {
    if (off(t) === off(t + DAY)) continue;
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (off(mid) === off(lo)) lo = mid; else hi = mid;
    }
    changes.push(hi);
  }
  const parts = changes.length ? changes : [from];
  const lines = ['BEGIN:VTIMEZONE', `TZID:${zone}`];
  for (const at of parts) {
    const before = changes.length ? off(at - 60_000) : off(at);
    const after = off(at);
    const kind = changes.length && after > before ? 'DAYLIGHT' : 'STANDARD';
    lines.push(`BEGIN:${kind}`, `DTSTART:${local(DateTime.fromMillis(at, { zone: `UTC${offset(before).replace(/(\d\d)$/, ':$1')}` }))}`,
      `TZOFFSETFROM:${offset(before)}`, `TZOFFSETTO:${offset(after)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

export interface IcsEvent {
  uid: string; startMs: number; endMs: number; zone: string; summary: string; description?: string;
  location?: string; url?: string | null; cancelled?: boolean; sequence?: number; stampMs: number;
}

/** An iCalendar file for one booking, in the booking's zone (with its VTIMEZONE), that calendar apps import. */
export function icsFor(e: IcsEvent): string {
  const inZone = (ms: number) => local(DateTime.fromMillis(ms, { zone: e.zone }));
  const lines = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//booking-api//EN', 'CALSCALE:GREGORIAN',
    `METHOD:${e.cancelled ? 'CANCEL' : 'PUBLISH'}`,
    ...vtimezone(e.zone, e.startMs),
    'BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${utc(e.stampMs)}`, `SEQUENCE:${e.sequence ?? 0}`,
    `DTSTART;TZID=${e.zone}:${inZone(e.startMs)}`, `DTEND;TZID=${e.zone}:${inZone(e.endMs)}`,
    `SUMMARY:${text(e.summary)}`, `STATUS:${e.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    ...(e.description ? [`DESCRIPTION:${text(e.description)}`] : []),
    ...(e.location ? [`LOCATION:${text(e.location)}`] : []),
    ...(e.url ? [`URL:${e.url}`] : []),
    'END:VEVENT', 'END:VCALENDAR', '',
  ];
  return lines.map(fold).join('\r\n');
}
