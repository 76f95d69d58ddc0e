/**
 * Zone names. The server stores and compares zones by canonical IANA name, so
 * aliases ("US/Eastern", "Asia/Calcutta") must collapse to one spelling before
 * anything is cached or compared.
 */
import { getAllTimezones, getTimezone } from 'countries-and-timezones';
import { DateTime, IANAZone } from 'luxon';

/**
 * Applied after the package lookup.
 * - The package treats "Etc/UTC" as canonical and "UTC" as its alias; the rest
 *   of the project (and tzdb's `backward` file since 2014) prefers the short
 *   "UTC", so the whole UTC family lands there.
 * - Links dropped from tzdata that the package therefore no longer lists but
 *   that ICU (and so luxon) still accepts; without them a stored legacy name
 *   would be valid for luxon yet rejected here.
 */
const FALLBACK: Readonly<Record<string, string>> = {
  'Etc/UTC': 'UTC',
  'US/Pacific-New': 'America/Los_Angeles', // removed in tzdata 2020b
  'Canada/East-Saskatchewan': 'America/Regina', // removed in tzdata 2017c
};

let lowerCaseIndex: Map<string, string> | undefined;

// luxon (via Intl) matches zone names case-insensitively, so "america/new_york"
// is valid input; map it back to the package's exact spelling.
function exactSpelling(name: string): string | undefined {
  if (getTimezone(name)) return name;
  if (!lowerCaseIndex) {
    lowerCaseIndex = new Map();
    for (const known of Object.keys(getAllTimezones({ deprecated: true }))) {
      lowerCaseIndex.set(known.toLowerCase(), known);
    }
    for (const legacy of Object.keys(FALLBACK)) lowerCaseIndex.set(legacy.toLowerCase(), legacy);
  }
  return lowerCaseIndex.get(name.toLowerCase());
}

/**
 * Canonical IANA name for a valid zone or alias, or null. Offsets ("+02:00"),
 * "local", "system" and anything else luxon cannot load are rejected: a booking
 * zone must follow a real region's DST rules.
 */
export function canonicalZone(name: string): string | null {
  // Every availability request names a zone; asking Intl each time was a visible share of its cost.
  const known = canonical.get(name);
  if (known !== undefined) return known;
  const result = resolveZone(name);
  if (canonical.size >= 2000) canonical.clear(); // bounded: arbitrary names cannot grow it
  canonical.set(name, result);
  return result;
}

const canonical = new Map<string, string | null>();

function resolveZone(name: string): string | null {
  if (typeof name !== 'string' || name === '' || !IANAZone.isValidZone(name)) return null;
  const spelled = exactSpelling(name);
  if (spelled === undefined) {
    // Valid for the runtime's tzdata but unknown to the package (a zone newer
    // than the package's data): trust luxon and keep the name as given.
    return name;
  }
  const target = getTimezone(spelled)?.aliasOf ?? spelled;
  const canonical = FALLBACK[target] ?? target;
  return IANAZone.isValidZone(canonical) ? canonical : null;
}

/** YYYY-MM-DD of `instant` in `zone`. */
export function localDate(instant: number, zone: string): string {
  return DateTime.fromMillis(instant, { zone }).toISODate()!;
}
