import { html, nothing } from 'lit';
import { fmt } from '../dates.ts';
import * as to from '../flow/transitions.ts';
import type { Flow } from '../controllers/flow.ts';
import { progress } from './progress.ts';
import type { StateOf, StepView } from './list.ts';
import { back, heading, notice, when, withText, zoneName } from './parts.ts';
import { detailsOf, movingLine } from './summary.ts';
import { calendar } from './date.ts';
import { monthOf } from '../dates.ts';

/**
 * The day's times are one tab stop (roving tabindex, as the calendar's days): the arrows move
 * along the row (flipped in RTL) and between rows, Home and End go to the first and last.
 */
function rove(e: KeyboardEvent) {
  const list = e.currentTarget as HTMLElement;
  const buttons = [...list.querySelectorAll('button')];
  const i = buttons.indexOf(e.target as HTMLButtonElement);
  if (i < 0) return;
  const rtl = getComputedStyle(list).direction === 'rtl';
  const cols = buttons.filter((b) => b.offsetTop === buttons[0].offsetTop).length;
  const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1, ArrowDown: cols, ArrowUp: -cols, Home: -i, End: buttons.length - 1 - i }[e.key];
  if (step === undefined) return;
  e.preventDefault();
  const next = buttons[Math.min(buttons.length - 1, Math.max(0, i + step))];
  for (const b of buttons) b.tabIndex = b === next ? 0 : -1;
  next.focus();
}

/** Before a booking moves: the new day, time and person, asked once. */
function askMove(f: Flow, s: StateOf<'time'>, start: string) {
  const m = f.msg;
  return html`<div class="notice" part="notice" role="alertdialog" aria-label=${m.reschedule} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && to.answerMove(f, s, false)}>
    <p>${withText(m.moveConfirm, when(f, start), detailsOf(f, s.moving!.booking).staff)}</p>
    <div class="row"><button part="button primary" class="primary" data-yes ?disabled=${f.busy} @click=${() => to.answerMove(f, s, true)}>${m.moveYes}</button>
    <button part="button" @click=${() => to.answerMove(f, s, false)}>${m.moveNo}</button></div></div>`;
}

/** The chosen day's free times, in the customer's zone and hour cycle. */
export const time: StepView<'time'> = (f, s) => {
  const m = f.msg;
  const slots = f.month?.status === 'complete' ? f.month.value!.days.get(s.date) ?? [] : undefined;
  return html`${progress(f)}${heading(m.chooseTime)}
    <p class="muted">${fmt.dateLong(f.lang, s.date)} · ${zoneName(f.zone)}</p>${s.moving ? movingLine(f, s.moving.booking) : nothing}${notice(f)}
    ${s.confirm ? askMove(f, s, s.confirm) : nothing}
    <div class="split"><div class="wide-only">${calendar(f, s, monthOf(s.date), s.date)}</div><div>
    ${slots === undefined ? html`<div class="skeleton" aria-busy="true"></div>`
      : slots.length === 0 ? html`<p class="muted">${m.noTimes}</p>`
      : html`<ul class="times" aria-label=${m.chooseTime} @keydown=${rove}>${slots.map((x, i) => html`<li>
          <button part="button slot" tabindex=${i ? -1 : 0} ?disabled=${f.busy} @click=${() => to.pickTime(f, s, x.start)}>
            <time datetime=${x.start}>${fmt.time(f.lang, f.zone, x.start, f.h12)}</time></button></li>`)}</ul>`}</div></div>
    <label class="row"><input type="checkbox" part="input" .checked=${!f.h12} @change=${(e: Event) => to.setClock(f, !(e.target as HTMLInputElement).checked)} /> ${m.hours24}</label>
    ${back(f, () => to.backToDates(f, s))}`;
};
