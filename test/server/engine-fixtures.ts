/**
 * Builders and readers for the slot-engine tests. Expected instants are always
 * written with an explicit zone or offset: luxon's reading of a bare repeated
 * wall time depends on the real clock, and the suite runs under several TZs.
 */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type {
  AvailabilityQuery,
  Busy,
  ServiceRules,
  StaffHours,
  WallInterval,
  Weekly,
} from '../../src/server/scheduling/index.ts';

export const NOW_2027 = Date.UTC(2027, 0, 1); // well before every test date

export function everyDay(...intervals: WallInterval[]): Weekly {
  return { mon: intervals, tue: intervals, wed: intervals, thu: intervals, fri: intervals, sat: intervals, sun: intervals };
}

export function noHours(): Weekly {
  return everyDay();
}

export function service(overrides: Partial<ServiceRules> = {}): ServiceRules {
  return {
    durationMinutes: 60,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minNoticeMinutes: 0,
    horizonDays: 365,
    slotIntervalMinutes: 30,
    ...overrides,
  };
}

export function staffMember(id: string, timezone: string, weekly: Weekly, exceptions: StaffHours['exceptions'] = []): StaffHours {
  return { id, timezone, weekly, exceptions };
}

export function query(
  staff: StaffHours[],
  from: string,
  to: string,
  timezone: string,
  extra: { service?: Partial<ServiceRules>; busy?: Busy[]; now?: number } = {},
): AvailabilityQuery {
  return { service: service(extra.service), staff, busy: extra.busy ?? [], from, to, timezone, now: extra.now ?? NOW_2027 };
}

/** Instant of an unambiguous local ISO time, or one carrying its own offset. */
export function at(iso: string, zone: string): number {
  const dt = DateTime.fromISO(iso, { zone, setZone: false });
  assert.ok(dt.isValid, `bad test instant ${iso}`);
  return dt.toMillis();
}

export function hhmm(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toFormat('HH:mm');
}

/** "HH:mm±hh:mm", for asserting which occurrence of a repeated time was chosen. */
export function hhmmOffset(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toFormat('HH:mmZZ');
}

export function startsOf(day: { slots: { start: number }[] }, zone: string): string[] {
  return day.slots.map((s) => hhmm(s.start, zone));
}

/** The invariants every availability answer must satisfy, whatever the case. */
export function assertWellFormed(
  q: AvailabilityQuery,
  days: { date: string; slots: { start: number; end: number; staffIds: string[] }[] }[],
): void {
  const seen = new Set<number>();
  let previous = -Infinity;
  const order = q.staff.map((s) => s.id);
  for (const { date, slots } of days) {
    for (const slot of slots) {
      assert.ok(slot.start > previous, 'slots sorted by start, no duplicates');
      assert.ok(!seen.has(slot.start));
      seen.add(slot.start);
      previous = slot.start;
      assert.equal(slot.end - slot.start, q.service.durationMinutes * 60_000);
      assert.equal(DateTime.fromMillis(slot.start, { zone: q.timezone }).toISODate(), date);
      assert.ok(slot.staffIds.length > 0);
      const positions = slot.staffIds.map((id) => order.indexOf(id));
      assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'staffIds in input order');
    }
  }
}
