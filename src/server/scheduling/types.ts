/**
 * Shapes shared by the slot engine and the server. Instants are epoch
 * milliseconds; wall-clock values are "HH:MM" strings interpreted in a
 * named IANA zone, never in the process zone.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * ["09:00","17:00"]. The end may be "24:00"; an end <= start crosses midnight
 * into the next local date (overnight shift, e.g. ["22:00","06:00"]).
 */
export type WallInterval = [string, string];

export type Weekly = Record<Weekday, WallInterval[]>;

/** Replaces that local date's weekly hours; `intervals: []` is a day off. */
export interface DateException {
  date: string;
  intervals: WallInterval[];
}

export interface StaffHours {
  id: string;
  timezone: string;
  weekly: Weekly;
  exceptions: DateException[];
}

export interface ServiceRules {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  slotIntervalMinutes: number;
}

/** Half-open [start, end), already widened by that booking's/hold's own buffers. */
export interface Busy {
  staffId: string;
  start: number;
  end: number;
}

/** end = start + duration (buffers excluded); staffIds in staff input order. */
export interface Slot {
  start: number;
  end: number;
  staffIds: string[];
}

export interface AvailabilityQuery {
  service: ServiceRules;
  staff: StaffHours[];
  busy: Busy[];
  /** Inclusive local dates (YYYY-MM-DD) in `timezone`. */
  from: string;
  to: string;
  timezone: string;
  now: number;
}

export interface DaySlots {
  date: string;
  slots: Slot[];
}
