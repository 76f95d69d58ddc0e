/**
 * Wall time → instant for one zone, with the engine's DST policy:
 * - a wall time inside a gap does not exist (`instantAt` → null); as a window
 *   boundary it means the first instant after the gap (`boundaryAt`);
 * - a repeated wall time (fall-back overlap) is its EARLIER instant.
 *
 * All conversions are luxon's; offsets are only compared for equality. Every
 * zone lookup is an Intl round trip, and one per candidate made a month of
 * slots far too slow, hence two shortcuts, both resting on luxon's answers:
 * - luxon confirms per local date that 24 elapsed hours after that date's
 *   midnight is the next midnight at the same offset. Such a "regular" day has
 *   no transition (assumed: no zone changes offset twice within one day, which
 *   holds for current tzdata rules), so its wall minute m is midnight + m min;
 * - on a transition day the transition instant is located once; a wall time is
 *   then read by luxon at the offset before and after it, and a reading is
 *   real iff it lands on its own side of the transition.
 */
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { DAY_MINUTES, DAY_MS, MINUTE_MS, addDays, parseDate } from './wallclock.ts';

interface DayInfo {
  date: string;
  /** First instant of the date: midnight, or the end of a gap covering it. */
  start: number;
  /** UTC offsets at `start` and 24 h later: the two sides of any transition. */
  offset: number;
  endOffset: number;
  regular: boolean;
  /** Transition-day only: first instant at `endOffset`, found lazily. */
  transition?: number;
}

interface Resolved {
  instant: number;
  exists: boolean;
  offset: number;
}

export class ZoneCalendar {
  private readonly zone: IANAZone;
  private readonly days = new Map<string, DayInfo>();
  private last: DayInfo | undefined;
  // Staff sharing a zone ask for the same wall times on a transition day.
  private readonly transitionWalls = new Map<string, number | null>();

  constructor(name: string) {
    this.zone = IANAZone.create(name);
  }

  /** Dates resolved so far (for the shared cache's bound). */
  get size(): number {
    return this.days.size + this.transitionWalls.size;
  }

  /** First instant of a local date (00:00, or the end of a gap swallowing midnight). */
  dayStart(date: string): number {
    return this.day(date).start;
  }

  /** Instant of an existing wall time; null inside a DST gap. `minute` may exceed 1440. */
  instantAt(date: string, minute: number): number | null {
    if (minute >= DAY_MINUTES) return this.instantAt(addDays(date, 1), minute - DAY_MINUTES);
    const day = this.day(date);
    if (day.regular) return day.start + minute * MINUTE_MS;
    const key = `${date} ${minute}`;
    let instant = this.transitionWalls.get(key);
    if (instant === undefined) {
      instant = this.onTransitionDay(day, minute);
      this.transitionWalls.set(key, instant);
    }
    return instant;
  }

  /**
   * The instant of `date`'s first wall minute when every wall minute from 0 through `endMinute`
   * (past 1440: into the next date) is that instant plus as many minutes, as on a regular day
   * followed, where the minutes reach into it, by another; NaN otherwise. It makes a working
   * window's candidates plain arithmetic, with the same answers as instantAt.
   */
  linearBase(date: string, endMinute: number): number {
    const day = this.day(date);
    if (!day.regular) return NaN;
    // A regular day ends where the next date begins, at start + 24 h.
    if (endMinute >= DAY_MINUTES && !this.day(addDays(date, 1)).regular) return NaN;
    return day.start;
  }

  /** Like instantAt, but a gap resolves to its end: what a working window boundary means. */
  boundaryAt(date: string, minute: number): number {
    if (minute >= DAY_MINUTES) return this.boundaryAt(addDays(date, 1), minute - DAY_MINUTES);
    const instant = this.instantAt(date, minute);
    if (instant !== null) return instant;
    // Only a transition day has gaps; its gap ends at the transition, unless
    // it is the gap that swallowed midnight, which ends where the day starts.
    return Math.max(this.day(date).start, this.transitionOf(this.day(date)));
  }

  private day(date: string): DayInfo {
    // Candidates arrive in runs on the same date; skip the map for those.
    if (this.last?.date === date) return this.last;
    let info = this.days.get(date);
    if (info) return (this.last = info);
    // Callers walk dates forward, so yesterday is usually known, and a regular
    // yesterday has already proven where today begins.
    const prev = this.days.get(addDays(date, -1));
    const first: Resolved = prev?.regular
      ? { instant: prev.start + DAY_MS, exists: true, offset: prev.offset }
      : (prev && this.afterTransitionDay(date, prev)) ?? this.resolve(date);
    const next = DateTime.fromMillis(first.instant + DAY_MS, { zone: this.zone });
    const { year, month, day } = parseDate(addDays(date, 1));
    const regular =
      first.exists &&
      next.offset === first.offset &&
      next.year === year &&
      next.month === month &&
      next.day === day &&
      next.hour === 0 &&
      next.minute === 0;
    info = { date, start: first.instant, offset: first.offset, endOffset: next.offset, regular };
    this.days.set(date, info);
    return (this.last = info);
  }

  private onTransitionDay(day: DayInfo, minute: number): number | null {
    const t = this.transitionOf(day);
    const wall = { ...parseDate(day.date), hour: Math.floor(minute / 60), minute: minute % 60 };
    // Before-offset first: when both readings are real (overlap) it is the
    // earlier instant, because falling back lowers the offset.
    const before = readAt(wall, day.offset);
    if (before >= day.start && before < t) return before;
    const after = readAt(wall, day.endOffset);
    return after >= t ? after : null;
  }

  /**
   * Today's midnight read at the offset yesterday's transition led to: real iff
   * the zone agrees, and then the only reading, as the next transition is more
   * than a day away. Saves the full resolution once per change.
   */
  private afterTransitionDay(date: string, prev: DayInfo): Resolved | undefined {
    const instant = readAt({ ...parseDate(date), hour: 0, minute: 0 }, prev.endOffset);
    if (this.zone.offset(instant) !== prev.endOffset) return undefined;
    return { instant, exists: true, offset: prev.endOffset };
  }

  private transitionOf(day: DayInfo): number {
    // Same offset at both ends of an irregular day: its only transition was
    // the gap over midnight, already behind `start`.
    day.transition ??=
      day.offset === day.endOffset ? day.start : this.firstAtOffset(day.start, day.start + DAY_MS);
    return day.transition;
  }

  /** Full luxon resolution of a date's 00:00, for dates without a regular yesterday. */
  private resolve(date: string): Resolved {
    const { year, month, day } = parseDate(date);
    const dt = DateTime.fromObject({ year, month, day }, { zone: this.zone });
    if (dt.day !== day || dt.hour !== 0 || dt.minute !== 0) {
      // Midnight is in a gap. luxon moves a gap time forward by the gap's
      // length, which here happens to be the gap's end, but it is not a
      // promise; locate the transition itself. luxon's reading is after it
      // and less than a day past it (the longest gap, Samoa 2011, was 24 h).
      const instant = this.firstAtOffset(dt.toMillis() - DAY_MS, dt.toMillis());
      return { instant, exists: false, offset: this.zone.offset(instant) };
    }
    // fromObject picks between the two readings of a repeated wall time with a
    // guess seeded from the real clock (Settings.now), so its pick changes with
    // the season the process runs in; ask for both and keep the earlier.
    const earliest = dt.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a));
    return { instant: earliest.toMillis(), exists: true, offset: earliest.offset };
  }

  /** First instant in (lo, hi] already at hi's offset, by bisection on luxon offsets. */
  private firstAtOffset(lo: number, hi: number): number {
    const target = this.zone.offset(hi);
    while (hi - lo > MINUTE_MS) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
      if (this.zone.offset(mid) === target) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** The instant a wall time names at a fixed UTC offset (luxon does the maths). */
function readAt(wall: Wall, offset: number): number {
  return DateTime.fromObject(wall, { zone: FixedOffsetZone.instance(offset) }).toMillis();
}

/**
 * One calendar per zone, shared by staff, the customer's zone and every call: what luxon says about
 * a zone's dates does not change while the process runs (its tzdata is fixed), so each date is
 * resolved once, not once per request. Bounded: past `maxDays` dates in all, it starts afresh.
 */
export class Calendars {
  private readonly byZone = new Map<string, ZoneCalendar>();

  constructor(private readonly maxDays = 50_000) {}

  get(zone: string): ZoneCalendar {
    let cal = this.byZone.get(zone);
    if (!cal || this.size() > this.maxDays) {
      if (cal) this.byZone.clear();
      cal = new ZoneCalendar(zone);
      this.byZone.set(zone, cal);
    }
    return cal;
  }

  private size(): number {
    let n = 0;
    for (const cal of this.byZone.values()) n += cal.size;
    return n;
  }
}

/** The process's calendars (see Calendars). */
export const sharedCalendars = new Calendars();
