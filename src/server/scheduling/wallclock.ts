/**
 * Civil (zone-less) calendar helpers. A civil date is a "YYYY-MM-DD" string and
 * a wall time is minutes since that date's midnight. Nothing here knows about
 * time zones: `Date.UTC` is used only as a proleptic Gregorian calendar so that
 * the process TZ can never leak in. Mapping wall time to instants is the job of
 * calendar.ts, through luxon.
 */
import type { Weekday } from './types.ts';

export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;
export const DAY_MS = DAY_MINUTES * MINUTE_MS;

// getUTCDay() order: Sunday first.
const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function parseDate(date: string): CivilDate {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  };
}

/** Days since 1970-01-01 of a civil date. */
export function dayNumber(date: string): number {
  const { year, month, day } = parseDate(date);
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/**
 * Inverse of dayNumber, by integer arithmetic (H. Hinnant's civil_from_days):
 * Date#toISOString was a visible share of a month-long query's run time.
 */
export function dateOf(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

let lastDay = NaN;
let lastDate = '';
const CLOCK = Array.from({ length: DAY_MINUTES }, (_, m) => `T${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00.000Z`);

/**
 * Date#toISOString for instants on a whole UTC minute (every slot is), without building a Date:
 * a month of slots writes thousands of them per answer. Other instants take the slow path.
 */
export function isoInstant(ms: number): string {
  if (ms % MINUTE_MS !== 0 || ms < 0 || ms >= 253402300800000) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  if (days !== lastDay) lastDate = dateOf((lastDay = days));
  return lastDate + CLOCK[(ms - days * DAY_MS) / MINUTE_MS];
}

export function addDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

/** Every date from `first` to `last` inclusive; [] when last < first. */
export function dateRange(first: string, last: string): string[] {
  const dates: string[] = [];
  for (let n = dayNumber(first), end = dayNumber(last); n <= end; n++) dates.push(dateOf(n));
  return dates;
}

export function weekdayOf(date: string): Weekday {
  // Day 0 (1970-01-01) was a Thursday.
  return WEEKDAYS[(((dayNumber(date) + 4) % 7) + 7) % 7];
}

/** "HH:MM" → minutes since midnight; "24:00" → 1440. */
export function parseWallTime(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/**
 * Working window in wall minutes relative to the start date's midnight. The
 * end may exceed 1440 for overnight shifts; an end <= start is read as
 * "tomorrow" because that is the only sensible meaning for a shift such as
 * 22:00-06:00, and ["00:00","00:00"] becomes a full 24 hours.
 */
export function wallWindow(interval: readonly [string, string]): { startMin: number; endMin: number } {
  const startMin = parseWallTime(interval[0]);
  const end = parseWallTime(interval[1]);
  return { startMin, endMin: end <= startMin ? end + DAY_MINUTES : end };
}
