import { html, nothing } from 'lit';
import { addDays } from '../dates.ts';
import * as to from '../flow/transitions.ts';
import '../flow/calendar.ts';
import type { Flow } from '../controllers/flow.ts';
import { progress } from './progress.ts';
import type { StateOf, StepView } from './list.ts';
import { back, heading, notice } from './parts.ts';
import { movingLine, serviceLine } from './summary.ts';

function zonePicker(f: Flow) {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const list = zones.includes(f.zone) ? zones : [f.zone, ...zones];
  return html`<label part="label">${f.msg.timeZone}
    <select part="input" @change=${(e: Event) => to.setZone(f, (e.target as HTMLSelectElement).value)}>
      ${list.map((z) => html`<option value=${z} ?selected=${z === f.zone}>${z.replace(/_/g, ' ')}</option>`)}
    </select></label>`;
}

/** The month grid of the service's free days: the date step's, and beside the times in a wide container. */
export function calendar(f: Flow, s: StateOf<'date' | 'time'>, month: string, selected: string | undefined) {
  const today = f.today;
  const loaded = f.month?.status === 'complete';
  const free = loaded ? f.month!.value!.free : new Set<string>();
  return html`<bw-calendar exportparts="calendar, day, day-free, month-prev, month-next, button" .month=${month} .free=${free} .selected=${selected}
      .min=${today} .max=${addDays(today, 730)} .locale=${f.lang} .weekStart=${f.host.weekStartDay} .messages=${f.msg} .loading=${!loaded}
      @bw-pick-date=${(e: CustomEvent<string>) => to.pickDate(f, s, e.detail)} @bw-month=${(e: CustomEvent<string>) => to.setMonth(f, e.detail)}
      @bw-busy-day=${() => f.say(f.msg.noTimes)}></bw-calendar>
    ${loaded && free.size === 0 ? html`<p class="muted">${f.msg.noFreeDays}</p>` : nothing}`;
}

/** The month grid of the service's free days, the zone the times are shown in, and the way back. */
export const date: StepView<'date'> = (f, s) => {
  return html`${progress(f)}${heading(f.msg.chooseDate)}${serviceLine(f, s.service)}${s.moving ? movingLine(f, s.moving.booking) : nothing}${notice(f)}
    <div class="split">${calendar(f, s, s.month, s.date)}</div>
    ${zonePicker(f)}
    ${back(f, () => (s.moving ? to.manageBooking(f, s.moving) : f.restart()))}`;
};
