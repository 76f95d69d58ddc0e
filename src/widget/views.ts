import { html, nothing, type TemplateResult } from 'lit';
import type { Booking, PublicService } from '../contract/widget.ts';
import type { BookingWidget } from './booking-widget.ts';
import { fmt } from './dates.ts';

// The first paint: loading, the service list, and the fallback. Later steps live in flow/views.ts,
// loaded on demand. Merchant and customer text goes in as text (lit escapes it), never as HTML.

type W = BookingWidget;

export const when = (w: W, iso: string) => fmt.when(w.lang$, w.zone, iso, w.h12);

export function render(w: W): TemplateResult {
  switch (w.step) {
    case 'services': return services(w);
    case 'unavailable': return unavailable(w);
    case 'loading': return skeleton(w);
    default: return w.flowModule?.render(w) ?? skeleton(w);
  }
}

export const heading = (text: string) => html`<h2 part="heading" tabindex="-1">${text}</h2>`;

export function notice(w: W) {
  const n = w.notice;
  if (!n) return nothing;
  return html`<div class="notice ${n.bad ? 'bad' : ''}" part="notice" role=${n.bad ? 'alert' : 'status'}>
    <p>${n.text}</p>
    ${n.action ? html`<button part="button" @click=${n.action.run}>${n.action.label}</button>` : nothing}
  </div>`;
}

export const back = (w: W, run: () => void) => html`<button part="button back" class="back" @click=${run}>${w.msg.dir === 'rtl' ? '→' : '←'} ${w.msg.back}</button>`;

function skeleton(w: W) {
  return html`<div aria-busy="true"><p class="sr">${w.msg.loading}</p>${[1, 2, 3].map(() => html`<div class="skeleton"></div>`)}</div>`;
}

function unavailable(w: W) {
  return html`<div part="notice" class="notice bad"><p>${w.msg.unavailable}</p><slot></slot></div>`;
}

export function price(w: W, s: PublicService) {
  return s.price ? fmt.price(w.lang$, s.price.amount_minor, s.price.currency) : w.msg.free;
}

function services(w: W) {
  const m = w.msg;
  const list = w.services ?? [];
  return html`${heading(m.chooseService)}${notice(w)}
    ${list.length === 0 ? html`<p class="muted">${m.noServices}</p>` : html`<ul>${list.map((s) => html`<li>
      <button part="button service" class="service" @click=${() => w.openService(s.id)}>
        <span class="name" part="service-name">${s.name}</span>
        <span class="muted" part="service-meta">${m.minutes(s.duration_minutes)} · <span part="service-price">${price(w, s)}</span></span>
        ${s.description ? html`<span class="desc muted">${s.description}</span>` : nothing}
      </button></li>`)}</ul>`}
    ${w.mine.length ? html`<h3>${m.yourBookings}</h3><ul>${w.mine.map((b) => html`<li class="row spread">
      <span>${serviceName(w, b)} · ${when(w, b.start)}</span>
      <button part="button" @click=${() => w.openManage(b.id)}>${m.manage}</button></li>`)}</ul>` : nothing}`;
}

const serviceName = (w: W, b: Booking) => w.services?.find((s) => s.id === b.service_id)?.name ?? '';
