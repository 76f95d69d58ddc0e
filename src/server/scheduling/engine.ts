/**
 * Slot engine. Pure: no I/O, no clock (the caller passes `now`), and every
 * wall-clock ↔ instant conversion goes through luxon (calendar.ts).
 *
 * POLICY
 * 1. Working windows. For each staff member and each local date in the STAFF
 *    zone that can touch the query range, the exception for that date (if any,
 *    `[]` = day off) replaces the weekly intervals of its weekday. An interval
 *    [s, e] starts at wall time s on that date and ends at wall time e on the
 *    same date, or on the next date when e is "24:00" or e <= s (overnight).
 *    A boundary that falls in a DST gap moves to the first instant after the
 *    gap, so a day whose 00:00 does not exist still opens at 01:00.
 * 2. Candidate starts are wall times s, s + k × slotInterval, stepped on the
 *    staff's wall clock until they pass the window's wall-clock end.
 *    - Wall times inside a DST gap do not exist and are skipped: no slot is ever
 *      offered inside a gap, and the grid is not shifted to make up for it.
 *    - REPEATED HOUR: a wall time that occurs twice (fall-back overlap) means
 *      its EARLIER instant, the first occurrence. The second pass through the
 *      hour offers nothing new, so no wall time is ever offered twice and
 *      "01:30" has exactly one meaning for staff and customer alike.
 * 3. A candidate is offered for a staff member iff [start, start + duration)
 *    lies inside the window (compared as instants, so a fall-back window is
 *    genuinely an hour longer), start >= now + minNotice,
 *    start < now + horizonDays × 24 h, and the blocked range
 *    [start − bufferBefore, start + duration + bufferAfter) overlaps none of
 *    that staff member's Busy intervals (half-open: touching is allowed; Busy
 *    already carries the other booking's own buffers).
 * 4. A slot belongs to the date of its start instant in the query zone. The
 *    range runs from the first instant of `from` (00:00, or the end of a gap
 *    that swallowed midnight) to the first instant of the day after `to`. Staff
 *    are unioned: one slot per distinct start instant, listing every free
 *    staff id in input order. Every date from..to is listed, [] when empty.
 */
import { indexBusy } from './busy.ts';
import { sharedCalendars, type Calendars } from './calendar.ts';
import type {
  AvailabilityQuery,
  DaySlots,
  ServiceRules,
  Slot,
  StaffHours,
  WallInterval,
  Weekday,
} from './types.ts';
import { DAY_MS, MINUTE_MS, addDays, dateRange, weekdayOf, wallWindow } from './wallclock.ts';
import { localDate } from './zones.ts';

type EngineInput = Omit<AvailabilityQuery, 'from' | 'to' | 'timezone'>;

/** start instant → indexes (ascending) of the staff offering it. */
type Offers = Map<number, number[]>;

export function availability(q: AvailabilityQuery): DaySlots[] {
  const dates = dateRange(q.from, q.to);
  if (dates.length === 0) return [];
  // Shared with the staff pass: a business and its customers often share a zone.
  const calendars = sharedCalendars;
  const customer = calendars.get(q.timezone);
  // bounds[i] is where dates[i] begins; the extra last one ends the range.
  const bounds = [...dates, addDays(q.to, 1)].map((date) => customer.dayStart(date));
  const dayCount = dates.length;

  const offers = collectOffers(q, calendars, bounds[0], bounds[dayCount]);
  const days: DaySlots[] = dates.map((date) => ({ date, slots: [] }));
  const starts = [...offers.keys()].sort((a, b) => a - b);
  const durationMs = q.service.durationMinutes * MINUTE_MS;
  let day = 0;
  for (const start of starts) {
    while (start >= bounds[day + 1]) day++;
    const slot: Slot = {
      start,
      end: start + durationMs,
      staffIds: offers.get(start)!.map((i) => q.staff[i].id),
    };
    days[day].slots.push(slot);
  }
  return days;
}

export function freeStaffAt(q: EngineInput, start: number): string[] {
  const offers = collectOffers(q, sharedCalendars, start, start + 1);
  return (offers.get(start) ?? []).map((i) => q.staff[i].id);
}

/**
 * First instant of a local date in `zone`: 00:00, or the end of a DST gap that
 * swallowed midnight. The same boundary availability() uses for its range.
 */
export function dayStart(date: string, zone: string): number {
  return sharedCalendars.get(zone).dayStart(date);
}

export function blockedRange(
  service: ServiceRules,
  start: number,
): { start: number; end: number; blockStart: number; blockEnd: number } {
  const end = start + service.durationMinutes * MINUTE_MS;
  return {
    start,
    end,
    blockStart: start - service.bufferBeforeMinutes * MINUTE_MS,
    blockEnd: end + service.bufferAfterMinutes * MINUTE_MS,
  };
}

interface Window {
  startMin: number;
  endMin: number;
}

/** Working hours parsed once per staff member rather than once per date. */
function hoursOf(staff: StaffHours): (date: string) => readonly Window[] {
  const parse = (intervals: readonly WallInterval[]) => intervals.map(wallWindow);
  const weekly = new Map<Weekday, Window[]>();
  for (const [weekday, intervals] of Object.entries(staff.weekly)) weekly.set(weekday as Weekday, parse(intervals));
  const exceptions = new Map(staff.exceptions.map((e) => [e.date, parse(e.intervals)]));
  return (date) => exceptions.get(date) ?? weekly.get(weekdayOf(date)) ?? [];
}

/** Every offered start in [rangeStart, rangeEnd), per policy points 1-3. */
function collectOffers(q: EngineInput, calendars: Calendars, rangeStart: number, rangeEnd: number): Offers {
  const offers: Offers = new Map();
  const svc = q.service;
  const earliest = Math.max(rangeStart, q.now + svc.minNoticeMinutes * MINUTE_MS);
  const latest = Math.min(rangeEnd, q.now + svc.horizonDays * DAY_MS);
  if (earliest >= latest || svc.slotIntervalMinutes <= 0) return offers;

  const durationMs = svc.durationMinutes * MINUTE_MS;
  const beforeMs = svc.bufferBeforeMinutes * MINUTE_MS;
  const afterMs = svc.bufferAfterMinutes * MINUTE_MS;
  const busyByStaff = indexBusy(q.busy);
  const datesByZone = new Map<string, string[]>();

  q.staff.forEach((staff, staffIndex) => {
    const cal = calendars.get(staff.timezone);
    const busy = busyByStaff.get(staff.id);
    const hours = hoursOf(staff);
    let dates = datesByZone.get(staff.timezone);
    if (!dates) {
      // Start a day early: yesterday's overnight shift reaches into the range.
      dates = dateRange(addDays(localDate(earliest, staff.timezone), -1), localDate(latest - 1, staff.timezone));
      datesByZone.set(staff.timezone, dates);
    }
    for (const date of dates) {
      for (const { startMin, endMin } of hours(date)) {
        const windowStart = cal.boundaryAt(date, startMin);
        const windowEnd = cal.boundaryAt(date, endMin);
        if (windowEnd <= earliest || windowStart >= latest) continue;
        for (let m = startMin; m <= endMin; m += svc.slotIntervalMinutes) {
          const start = cal.instantAt(date, m);
          if (start === null) continue; // inside a DST gap
          const end = start + durationMs;
          // Starts grow with m (earlier-instant rule), so nothing later fits either.
          if (end > windowEnd || start >= latest) break;
          if (start < windowStart || start < earliest) continue;
          if (busy?.overlaps(start - beforeMs, end + afterMs)) continue;
          const list = offers.get(start);
          if (!list) offers.set(start, [staffIndex]);
          else if (list[list.length - 1] !== staffIndex) list.push(staffIndex);
        }
      }
    }
  });
  return offers;
}
