import { html, nothing } from 'lit';
import type { Booking, PublicService } from '../../contract/widget.ts';
import type { Flow } from '../controllers/flow.ts';
import { icsFor } from '../flow/ics.ts';
import { price, when } from './parts.ts';

// What the later steps show of a service or a booking.

/** The service being booked: name, length, price. */
export const serviceLine = (f: Flow, s: PublicService) =>
  html`<p class="muted">${s.name} · ${f.msg.minutes(s.duration_minutes)} · ${price(f, s)}</p>`;

export function summary(f: Flow, b: Booking) {
  const s = f.services?.find((x) => x.id === b.service_id);
  const staff = s?.staff.find((x) => x.id === b.staff_id)?.name;
  return html`<dl part="summary">
    ${s ? html`<dt>${f.msg.serviceLabel}</dt><dd>${s.name}</dd>` : nothing}
    <dt>${f.msg.timeLabel}</dt><dd><time datetime=${b.start}>${when(f, b.start)}</time></dd>
    ${staff ? html`<dt>${f.msg.staffLabel}</dt><dd>${staff}</dd>` : nothing}
    <dt>${f.msg.name}</dt><dd>${b.customer.name}</dd>
  </dl>`;
}

export function icsLink(f: Flow, b: Booking) {
  const title = f.services?.find((x) => x.id === b.service_id)?.name ?? f.msg.booked;
  const href = URL.createObjectURL(new Blob([icsFor(b, title)], { type: 'text/calendar' }));
  return html`<a class="btn" part="button" href=${href} download="booking.ics">${f.msg.addToCalendar}</a>`;
}
