import { addDays, isoInstant } from './scheduling/index.ts';

// The server's one way of writing time on the wire (API.md: instants in RFC 3339, UTC; dates
// YYYY-MM-DD), so every answer spells an instant the same way.

export const DAY_MS = 86_400_000;

/**
 * An instant (epoch milliseconds) as the API writes it, `2027-03-14T13:00:00.000Z`: the same
 * text as Date#toISOString, without building a Date for whole minutes (every slot is one).
 */
export const iso: (ms: number) => string = isoInstant;

export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** UTC midnight of a calendar date, in epoch milliseconds. */
export const utcMidnight = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** The calendar date after `date`. */
export const nextDate = (date: string): string => addDays(date, 1);
