// The slot engine alone (no HTTP, no database): time to compute availability as staff, existing
// bookings and days grow, so its growth is visible. It should be close to linear in bookings and days.
// Run: npm run bench:engine
import { availability, type AvailabilityQuery, type Busy, type StaffHours } from '../src/server/scheduling/index.ts';
import { median, percentile, table } from './stats.ts';

const ZONE = 'Europe/Berlin';
const NOW = Date.UTC(2027, 0, 1);
const hours = [['08:00', '12:00'], ['13:00', '20:00']] as [string, string][];
const weekly = { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: [] };

function query(staffCount: number, bookings: number, days: number): AvailabilityQuery {
  const staff: StaffHours[] = Array.from({ length: staffCount }, (_, i) => ({ id: `s${i}`, timezone: i % 3 === 0 ? 'America/New_York' : ZONE, weekly, exceptions: [] }));
  const start = Date.UTC(2027, 2, 1); // March 2027: the run crosses Europe's spring DST change
  const busy: Busy[] = Array.from({ length: bookings }, (_, i) => {
    const s = start + ((i * 7919) % (days * 48)) * 30 * 60_000; // spread over the range, half-hour grid
    return { staffId: `s${i % staffCount}`, start: s, end: s + 45 * 60_000 };
  });
  const to = new Date(start + (days - 1) * 86_400_000).toISOString().slice(0, 10);
  return {
    service: { durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 15, minNoticeMinutes: 0, horizonDays: 730, slotIntervalMinutes: 15 },
    staff, busy, from: '2027-03-01', to, timezone: ZONE, now: NOW,
  };
}

function time(q: AvailabilityQuery): { median: number; p95: number; slots: number } {
  let slots = 0;
  for (let i = 0; i < 3; i++) slots = availability(q).reduce((n, d) => n + d.slots.length, 0); // warm up
  const runs: number[] = [];
  const until = performance.now() + 400;
  while (runs.length < 10 || (performance.now() < until && runs.length < 200)) {
    const t = performance.now();
    availability(q);
    runs.push(performance.now() - t);
  }
  return { median: median(runs), p95: percentile(runs, 95), slots };
}

const rows: string[][] = [];
const row = (label: string, staff: number, bookings: number, days: number) => {
  const r = time(query(staff, bookings, days));
  rows.push([label, String(staff), String(bookings), String(days), String(r.slots), r.median.toFixed(2), r.p95.toFixed(2), (r.median / days * 1000).toFixed(0)]);
};
for (const staff of [1, 5, 10, 25, 50]) row('staff', staff, 500, 31);
for (const bookings of [0, 100, 1000, 5000, 10_000]) row('bookings', 5, bookings, 31);
for (const days of [1, 7, 31, 62]) row('days', 5, 500, days);

console.log('slot engine: one availability() call (ms), Node', process.version);
table(['grows', 'staff', 'bookings', 'days', 'slots', 'median ms', 'p95 ms', 'µs/day'], rows);
