/** Public surface of the slot engine; the server imports from here only. */
export type {
  AvailabilityQuery,
  Busy,
  DateException,
  DaySlots,
  ServiceRules,
  Slot,
  StaffHours,
  WallInterval,
  Weekday,
  Weekly,
} from './types.ts';
export { availability, blockedRange, dayStart, freeStaffAt, freeStarts, type FreeStarts } from './engine.ts';
export { BusyIndex } from './busy.ts';
export { canonicalZone, localDate } from './zones.ts';
export { addDays, isoInstant } from './wallclock.ts';
