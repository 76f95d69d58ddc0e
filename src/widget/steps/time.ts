import { html } from 'lit';
import { fmt } from '../dates.ts';
import * as to from '../flow/transitions.ts';
import type { StepView } from './list.ts';
import { back, heading, notice } from './parts.ts';

/** The chosen day's free times, in the customer's zone and hour cycle. */
export const time: StepView<'time'> = (f, s) => {
  const m = f.msg;
  const slots = f.month?.status === 'complete' ? f.month.value!.days.get(s.date) ?? [] : undefined;
  return html`${heading(m.chooseTime)}
    <p class="muted">${fmt.dateLong(f.lang, s.date)} · ${f.zone.replace(/_/g, ' ')}</p>${notice(f)}
    ${slots === undefined ? html`<div class="skeleton" aria-busy="true"></div>`
      : slots.length === 0 ? html`<p class="muted">${m.noTimes}</p>`
      : html`<ul class="times" aria-label=${m.chooseTime}>${slots.map((x) => html`<li>
          <button part="button slot" ?disabled=${f.busy} @click=${() => to.pickTime(f, s, x.start)}>
            <time datetime=${x.start}>${fmt.time(f.lang, f.zone, x.start, f.h12)}</time></button></li>`)}</ul>`}
    <label class="row"><input type="checkbox" part="input" .checked=${!f.h12} @change=${(e: Event) => to.setClock(f, !(e.target as HTMLInputElement).checked)} /> ${m.hours24}</label>
    ${back(f, () => to.backToDates(f, s))}`;
};
