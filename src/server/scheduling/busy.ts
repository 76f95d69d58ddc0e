/**
 * Per-staff busy time, merged into disjoint sorted runs once per call so each
 * candidate costs one binary search instead of a scan over every booking.
 */
import type { Busy } from './types.ts';

export class BusyIndex {
  // Parallel arrays of merged, disjoint, sorted half-open runs.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(intervals: readonly { start: number; end: number }[]) {
    const sorted = intervals.filter((b) => b.end > b.start).sort((a, b) => a.start - b.start);
    for (const { start, end } of sorted) {
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
  }

  /** Whether [start, end) shares any instant with a busy run; touching is free. */
  overlaps(start: number, end: number): boolean {
    // First run that ends after `start`; only it can overlap, runs are disjoint.
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid] > start) hi = mid;
      else lo = mid + 1;
    }
    return lo < this.starts.length && this.starts[lo] < end;
  }
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
