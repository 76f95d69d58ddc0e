import { html, nothing } from 'lit';
import type { Booking, PublicService } from '../../contract/widget.ts';
import type { Flow } from '../controllers/flow.ts';
import { icsFor } from '../flow/ics.ts';
import { price, when, withText, zoneName } from './parts.ts';

// What the later steps show of a service or a booking. Merchant and customer text is isolated
// (`<bdi>`, and `dd` in styles.ts) from the words around it, for right-to-left pages.

/** The service being booked: name, length, price. */
export const serviceLine = (f: Flow, s: PublicService) =>
  html`<p class="muted"><bdi>${s.name}</bdi> · ${f.msg.minutes(s.duration_minutes)} · ${price(f, s)}</p>`;

/** The service and staff member of a booking, once the services are known. */
export function detailsOf(f: Flow, b: Booking) {
  const service = f.services?.find((x) => x.id === b.service_id);
  return { service, staff: service?.staff.find((x) => x.id === b.staff_id)?.name ?? '' };
}

/** A booking in full: service, person, length, price, time in the customer's zone, business, name. */
export function summary(f: Flow, b: Booking) {
  const m = f.msg;
  const { service: s, staff } = detailsOf(f, b);
  const business = f.api?.session.data?.business.name;
  return html`<dl part="summary">
    ${s ? html`<dt>${m.serviceLabel}</dt><dd>${s.name}</dd>` : nothing}
    ${staff ? html`<dt>${m.staffLabel}</dt><dd>${staff}</dd>` : nothing}
    <dt>${m.timeLabel}</dt><dd><time datetime=${b.start}>${when(f, b.start)}</time> <span class="muted">(${zoneName(f.zone)})</span></dd>
    ${s ? html`<dt>${m.durationLabel}</dt><dd>${m.minutes(s.duration_minutes)}</dd><dt>${m.priceLabel}</dt><dd>${price(f, s)}</dd>` : nothing}
    ${business ? html`<dt>${m.businessLabel}</dt><dd>${business}</dd>` : nothing}
    <dt>${m.name}</dt><dd>${b.customer.name}</dd>
  </dl>`;
}

/** Which booking a reschedule moves, on the calendar and the times. */
export const movingLine = (f: Flow, b: Booking) =>
  html`<p class="notice" part="notice moving">${withText(f.msg.moving, `${detailsOf(f, b).service?.name ?? ''} · ${when(f, b.start)}`)}</p>`;

export function icsLink(f: Flow, b: Booking) {
  const name = detailsOf(f, b).service?.name;
  const business = f.api?.session.data?.business.name;
  const title = [name, business].filter(Boolean).join(' · ') || f.msg.booked;
  const href = URL.createObjectURL(new Blob([icsFor(b, title)], { type: 'text/calendar' }));
  return html`<a class="btn" part="button" href=${href} download="booking.ics">${f.msg.addToCalendar}</a>`;
}
