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
import { indexBusy, type BusyIndex } from './busy.ts';
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

/** The busy time may come indexed already (per staff id), as the availability cache keeps it. */
type EngineInput = Omit<AvailabilityQuery, 'from' | 'to' | 'timezone'> & { busyIndex?: ReadonlyMap<string, BusyIndex> | undefined };

/** start instant → indexes (ascending) of the staff offering it. */
type Offers = Map<number, number[]>;

export function availability(q: AvailabilityQuery): DaySlots[] {
  const dates = dateRange(q.from, q.to);
  if (dates.length === 0) return [];
  const bounds = rangeBounds(q, dates);
  const dayCount = dates.length;

  const offers = collectOffers(q, sharedCalendars, bounds[0], bounds[dayCount]);
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

/**
 * The offered starts of availability(), without the staff behind each (what the API answers):
 * sorted, distinct, `dayEnds[i]` the end of date i's run in `starts`. `validUntil` is the first
 * instant at which the passage of time alone could change the answer: the earliest offered start
 * leaving the minimum notice, or the first start the rolling horizon would let in. Busy time
 * ending later (a hold's expiry) is the caller's to add.
 *
 * A second implementation of the same policy, made for the server's first read after a change
 * (decision 010): it walks a transition-free day's candidates arithmetically with a cursor over
 * the busy runs, and collects starts in a typed array. availability() stays the reference:
 * test/server/availability-cache.test.ts holds the two to the same answers, and this one's
 * validUntil to availability() at later instants, over generated schedules, zones and bookings.
 */
export interface FreeStarts {
  dates: string[];
  starts: Float64Array;
  dayEnds: Int32Array;
  validUntil: number;
}

export function freeStarts(q: AvailabilityQuery & { busyIndex?: ReadonlyMap<string, BusyIndex> | undefined }): FreeStarts {
  const dates = dateRange(q.from, q.to);
  if (dates.length === 0) return { dates, starts: new Float64Array(0), dayEnds: new Int32Array(0), validUntil: Infinity };
  const bounds = rangeBounds(q, dates);
  const found = scan(q, sharedCalendars, bounds[0], bounds[dates.length]);
  const { starts, count } = sortedDistinct(found);
  const dayEnds = new Int32Array(dates.length).fill(count);
  for (let i = 0, day = 0; i < count; i++) while (starts[i] >= bounds[day + 1]) dayEnds[day++] = i;
  const svc = q.service;
  const byNotice = count > 0 ? starts[0] - svc.minNoticeMinutes * MINUTE_MS + 1 : Infinity;
  const byHorizon = found.pastHorizon - svc.horizonDays * DAY_MS + 1;
  return { dates, starts: starts.slice(0, count), dayEnds, validUntil: Math.min(byNotice, byHorizon) };
}

/**
 * The found starts in order, each once. Each staff member's starts usually arrive in order
 * already (dates ascending, windows as listed), so their runs are merged pairwise, dropping
 * repeats as they go (staff on one grid share most starts, so the runs stay short); a run out of
 * order (windows listed out of order, or overlapping) falls back to a sort.
 */
function sortedDistinct(found: Found): { starts: Float64Array; count: number } {
  const all = found.starts;
  if (!found.ordered) return distinct(all.slice(0, found.count).sort());
  let runs: Float64Array[] = found.segments.map((from, r) => all.subarray(from, r + 1 < found.segments.length ? found.segments[r + 1] : found.count));
  if (runs.length === 0) return { starts: new Float64Array(0), count: 0 };
  // A single run is still a view of the shared buffer: merging it with nothing copies it.
  if (runs.length === 1) runs.push(new Float64Array(0));
  while (runs.length > 1) {
    const merged: Float64Array[] = [];
    for (let r = 0; r + 1 < runs.length; r += 2) merged.push(mergeDistinct(runs[r], runs[r + 1]));
    if (runs.length % 2) merged.push(runs[runs.length - 1]);
    runs = merged;
  }
  return { starts: runs[0], count: runs[0].length };
}

/** Two sorted arrays as one, sorted, each value once. */
function mergeDistinct(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  let last = NaN;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (v !== last) out[k++] = last = v;
  }
  return k === out.length ? out : out.slice(0, k);
}

/** Drops repeats from a sorted array, in place. */
function distinct(sorted: Float64Array): { starts: Float64Array; count: number } {
  let count = 0;
  for (let i = 0; i < sorted.length; i++) if (count === 0 || sorted[i] !== sorted[count - 1]) sorted[count++] = sorted[i];
  return { starts: sorted, count };
}

/** bounds[i] is where dates[i] begins in the asked zone; the extra last one ends the range. */
function rangeBounds(q: AvailabilityQuery, dates: string[]): number[] {
  // Shared with the staff pass: a business and its customers often share a zone.
  const customer = sharedCalendars.get(q.timezone);
  return [...dates, addDays(q.to, 1)].map((date) => customer.dayStart(date));
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

const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** hoursOf()'s windows as two maps: by weekday, and by the dates of exceptions. */
function weekOf(staff: StaffHours): { weekly: Map<Weekday, Window[]>; exceptions: Map<string, Window[]> } {
  const weekly = new Map<Weekday, Window[]>();
  for (const [weekday, intervals] of Object.entries(staff.weekly)) weekly.set(weekday as Weekday, intervals.map(wallWindow));
  return { weekly, exceptions: new Map(staff.exceptions.map((e) => [e.date, e.intervals.map(wallWindow)])) };
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

/**
 * What scan() found: `count` starts, staff member by staff member (`segments`: where each one's
 * begin, for those with any), whether each one's came in order, and the first start past the horizon.
 */
interface Found {
  starts: Float64Array;
  count: number;
  segments: number[];
  ordered: boolean;
  pastHorizon: number;
}

// scan() runs to completion synchronously, so one buffer serves every call.
let scratch = new Float64Array(4096);

function grow() {
  const larger = new Float64Array(scratch.length * 2);
  larger.set(scratch);
  scratch = larger;
}

/**
 * Every offered (start, staff) in [rangeStart, rangeEnd), per policy points 1-3, staff by staff in
 * input order. When the rolling horizon cuts the range, also the first start past it that would
 * be offered once it moves on (free, inside a window): `pastHorizon`, Infinity when none.
 * On a day without a transition a window's candidates are arithmetic and walk the staff's busy
 * runs with a cursor; other days take luxon's readings one by one (calendar.ts).
 */
function scan(q: EngineInput, calendars: Calendars, rangeStart: number, rangeEnd: number): Found {
  const svc = q.service;
  const earliest = Math.max(rangeStart, q.now + svc.minNoticeMinutes * MINUTE_MS);
  const horizon = q.now + svc.horizonDays * DAY_MS;
  const latest = Math.min(rangeEnd, horizon);
  const cut = horizon < rangeEnd;
  const scanStart = cut ? Math.min(earliest, Math.max(horizon, rangeStart)) : earliest;
  const scanEnd = cut ? rangeEnd : latest;
  const segments: number[] = [];
  let count = 0;
  let ordered = true;
  let pastHorizon = Infinity;
  if (scanStart >= scanEnd || svc.slotIntervalMinutes <= 0) return { starts: scratch, count, segments, ordered, pastHorizon };

  const step = svc.slotIntervalMinutes;
  const stepMs = step * MINUTE_MS;
  const durationMs = svc.durationMinutes * MINUTE_MS;
  const beforeMs = svc.bufferBeforeMinutes * MINUTE_MS;
  const afterMs = svc.bufferAfterMinutes * MINUTE_MS;
  const busyByStaff = q.busyIndex ?? indexBusy(q.busy);
  const datesByZone = new Map<string, { dates: string[]; weekdays: Weekday[] }>();
  const none: number[] = [];

  for (let staffIndex = 0; staffIndex < q.staff.length; staffIndex++) {
    const staff = q.staff[staffIndex];
    const cal = calendars.get(staff.timezone);
    const busy = busyByStaff.get(staff.id);
    const runStarts = busy ? busy.starts : none;
    const runEnds = busy ? busy.ends : none;
    const runs = runEnds.length;
    const { weekly, exceptions } = weekOf(staff);
    const first = count;
    let last = -Infinity;
    let zone = datesByZone.get(staff.timezone);
    if (!zone) {
      // Start a day early: yesterday's overnight shift reaches into the range.
      const dates = dateRange(addDays(localDate(scanStart, staff.timezone), -1), localDate(scanEnd - 1, staff.timezone));
      // Consecutive dates: each weekday follows the last, without parsing every date.
      const monday = dates.length ? WEEK.indexOf(weekdayOf(dates[0])) : 0;
      zone = { dates, weekdays: dates.map((_, i) => WEEK[(monday + i) % 7]) };
      datesByZone.set(staff.timezone, zone);
    }
    const { dates, weekdays } = zone;
    for (let d = 0; d < dates.length; d++) {
      const date = dates[d];
      const windows = (exceptions.size ? exceptions.get(date) : undefined) ?? weekly.get(weekdays[d]) ?? [];
      for (const { startMin, endMin } of windows) {
        const windowStart = cal.boundaryAt(date, startMin);
        const windowEnd = cal.boundaryAt(date, endMin);
        if (windowEnd <= scanStart || windowStart >= scanEnd || windowStart >= pastHorizon) continue;
        const base = cal.linearBase(date, endMin);
        if (base === base) {
          // No transition: candidates are arithmetic. Those before scanStart can be neither
          // offered nor the next past the horizon, so the walk starts at the first one after.
          let m = startMin;
          if (windowStart < scanStart) m += Math.ceil((scanStart - windowStart) / stepMs) * step;
          let run = -1;
          for (; m <= endMin; m += step) {
            const start = base + m * MINUTE_MS;
            const end = start + durationMs;
            if (end > windowEnd || start >= scanEnd) break;
            const blockStart = start - beforeMs;
            if (run < 0) run = busy ? busy.firstEndingAfter(blockStart) : 0;
            else while (run < runs && runEnds[run] <= blockStart) run++;
            if (run < runs && runStarts[run] < end + afterMs) continue;
            if (start >= latest) {
              // Past the horizon: later candidates of this window are later still.
              if (start < pastHorizon) pastHorizon = start;
              break;
            }
            if (start < earliest) continue;
            if (count === scratch.length) grow();
            if (start < last) ordered = false;
            last = scratch[count++] = start;
          }
          continue;
        }
        for (let m = startMin; m <= endMin; m += step) {
          const start = cal.instantAt(date, m);
          if (start === null) continue; // inside a DST gap
          const end = start + durationMs;
          // Starts grow with m (earlier-instant rule), so nothing later fits either.
          if (end > windowEnd || start >= scanEnd) break;
          if (start < windowStart || start < scanStart) continue;
          if (busy?.overlaps(start - beforeMs, end + afterMs)) continue;
          if (start >= latest) {
            if (start < pastHorizon) pastHorizon = start;
            break;
          }
          if (start < earliest) continue;
          if (count === scratch.length) grow();
          if (start < last) ordered = false;
          last = scratch[count++] = start;
        }
      }
    }
    if (count > first) segments.push(first);
  }
  return { starts: scratch, count, segments, ordered, pastHorizon };
}
