/**
 * Per-staff busy time, merged into disjoint sorted runs once per call so each
 * candidate costs one binary search instead of a scan over every booking.
 */
import type { Busy } from './types.ts';

export class BusyIndex {
  // Parallel arrays of merged, disjoint, sorted half-open runs; read by the engine's cursor.
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  constructor(intervals: readonly { start: number; end: number }[]) {
    // The database answers in order already; sorting is then a wasted pass with a callback.
    const sorted = inOrder(intervals) ? intervals : [...intervals].sort((a, b) => a.start - b.start);
    for (const { start, end } of sorted) this.add(start, end);
  }

  /** The same from parallel arrays of starts and ends (the cached busy time of decision 010). */
  static of(starts: ArrayLike<number>, ends: ArrayLike<number>): BusyIndex {
    const index = new BusyIndex([]);
    let ordered = true;
    for (let i = 1; i < starts.length && ordered; i++) ordered = starts[i] >= starts[i - 1];
    if (!ordered) return new BusyIndex(Array.from(starts, (start, i) => ({ start, end: ends[i] })));
    for (let i = 0; i < starts.length; i++) index.add(starts[i], ends[i]);
    return index;
  }

  private add(start: number, end: number) {
    if (end <= start) return;
    const last = this.ends.length - 1;
    // Merging touching runs is safe for half-open overlap tests: anything
    // overlapping [a,c) overlaps [a,b) or [b,c).
    if (last >= 0 && start <= this.ends[last]) {
      if (end > this.ends[last]) this.ends[last] = end;
    } else {
      this.starts.push(start);
      this.ends.push(end);
    }
  }

  /** Whether [start, end) shares any instant with a busy run; touching is free. */
  overlaps(start: number, end: number): boolean {
    // First run that ends after `start`; only it can overlap, runs are disjoint.
    const lo = this.firstEndingAfter(start);
    return lo < this.starts.length && this.starts[lo] < end;
  }

  /**
   * Index of the first run that ends after `t` (the run count when none does). A caller testing
   * ranges in increasing order starts here once and walks forward instead of searching again.
   */
  firstEndingAfter(t: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function inOrder(list: readonly { start: number }[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i].start < list[i - 1].start) return false;
  return true;
}

export function indexBusy(busy: readonly Busy[]): Map<string, BusyIndex> {
  const grouped = new Map<string, Busy[]>();
  for (const b of busy) {
    let list = grouped.get(b.staffId);
    if (!list) grouped.set(b.staffId, (list = []));
    list.push(b);
  }
  const index = new Map<string, BusyIndex>();
  for (const [staffId, list] of grouped) index.set(staffId, new BusyIndex(list));
  return index;
}
