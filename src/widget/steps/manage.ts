import { html } from 'lit';
import * as to from '../manage/transitions.ts';
import type { StepView } from './list.ts';
import { heading, notice } from './parts.ts';
import { icsLink, summary } from './summary.ts';

/** A booking of the guest's: view it, add it to a calendar, move it, or cancel it (asked once; Escape takes the question back). */
export const manage: StepView<'manage'> = (f, s) => {
  const m = f.msg;
  const b = s.booking;
  return html`${heading(m.manage)}${notice(f)}${summary(f, b)}
    ${b.status === 'cancelled' ? html`<p class="notice" part="notice">${m.cancelled}</p>` : s.confirming
      ? html`<div class="notice bad" part="notice" role="alertdialog" aria-label=${m.cancel} @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && to.askCancel(f, s, false)}>
          <p>${m.cancelConfirm}</p><div class="row">
          <button part="button" data-keep @click=${() => to.askCancel(f, s, false)}>${m.keep}</button>
          <button part="button danger" class="danger" ?disabled=${f.busy} @click=${() => to.cancelBooking(f, s)}>${m.yesCancel}</button></div></div>`
      : html`<div class="row">${icsLink(f, b)}
          <button part="button" @click=${() => to.startReschedule(f, s)}>${m.reschedule}</button>
          <button part="button danger" class="danger" data-cancel @click=${() => to.askCancel(f, s, true)}>${m.cancel}</button></div>`}
    <p></p><button part="button" @click=${() => f.restart()}>${m.bookAnother}</button>`;
};
