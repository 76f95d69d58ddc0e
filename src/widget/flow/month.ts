import type { MonthQuery } from '../api.ts';
import type { Flow } from '../controllers/flow.ts';
import { Task } from '../controllers/task.ts';
import { addMonths, monthOf } from '../dates.ts';

/** A month's free times: the days with any, and each day's slots. */
export interface Month { free: Set<string>; days: Map<string, { start: string; end: string }[]> }

/**
 * The shown month's free times, loaded whenever the service, month, zone or staff change: its
 * arguments come from the flow's state, so a step change never aborts it and a reload's restored
 * state loads what it shows.
 */
export class MonthTask extends Task<MonthQuery, Month> {
  constructor(private readonly f: Flow) {
    super(f.host);
  }

  protected args() {
    const s = this.f.state;
    // A booking being moved is offered its own staff member's times.
    const staff = s.step === 'date' || s.step === 'time' ? s.moving?.booking.staff_id : undefined;
    return s.step === 'date' ? this.f.query(s.service.id, s.month, staff) : s.step === 'time' ? this.f.query(s.service.id, monthOf(s.date), staff) : undefined;
  }

  protected async work(q: MonthQuery, signal: AbortSignal): Promise<Month> {
    const f = this.f;
    const res = await (f.takeEarly(q) ?? f.api!.availability(q, { signal, onWait: f.wait }));
    return { free: new Set(res.days.filter((d) => d.slots.length).map((d) => d.date)), days: new Map(res.days.map((d) => [d.date, d.slots])) };
  }

  protected done(q: MonthQuery, error?: unknown) {
    const f = this.f;
    const s = f.state;
    // A failure the customer has moved away from (another step) is not theirs to hear about.
    if (error) return s.step === 'date' || s.step === 'time' ? f.fail(error, () => void this.run()) : undefined;
    if (f.notice && !f.notice.bad) f.notice = undefined;
    // The current month with every time gone (late on its last day) gives way to the next, once.
    if (s.step === 'date' && s.onward && s.month === monthOf(q.from)) {
      const over = !this.value!.free.size && s.month === monthOf(f.today);
      f.go({ ...s, month: over ? addMonths(s.month, 1) : s.month, onward: false });
    }
  }
}
