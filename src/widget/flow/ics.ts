import type { Booking } from '../../contract/widget.ts';

const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+/, '');
// RFC 5545 text: backslash, semicolon, comma and newlines are escaped. A lone CR is a newline
// too (some calendars break lines on it), or a service name could start a property of its own.
const text = (s: string) => s.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n?|\n/g, '\\n');

/** An iCalendar file for one booking, in UTC so every calendar app reads it the same way. */
export function icsFor(b: Booking, title: string, now: Date = new Date()): string {
  return [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//booking-widget//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
    'BEGIN:VEVENT', `UID:${b.id}@booking-widget`, `DTSTAMP:${stamp(now.toISOString())}`,
    `DTSTART:${stamp(b.start)}`, `DTEND:${stamp(b.end)}`, `SUMMARY:${text(title)}`,
    'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
}
