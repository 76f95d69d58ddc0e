import { html } from 'lit';
import * as to from '../flow/transitions.ts';
import { progress } from './progress.ts';
import type { StepView } from './list.ts';
import { heading, withText } from './parts.ts';
import { icsLink, summary } from './summary.ts';

/** The confirmation: what was booked, where the email went, and what next. */
export const done: StepView<'done'> = (f, s) => {
  const b = s.booking;
  return html`${progress(f)}${heading(f.msg.booked)}${summary(f, b)}<p class="sent">${withText(f.msg.emailSent, b.customer.email)}</p>
    <div class="row">${icsLink(f, b)}
      <button part="button" @click=${() => to.manageBooking(f, s)}>${f.msg.manage}</button>
      <button part="button" @click=${() => f.restart()}>${f.msg.bookAnother}</button></div>`;
};
