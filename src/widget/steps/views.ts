import { html, nothing, type TemplateResult } from 'lit';
import type { Booking, PublicService } from '../../contract/widget.ts';
import type { BookingWidget } from '../booking-widget.ts';
import { fmt } from '../dates.ts';
import { icsFor } from '../ics.ts';
import type { Values } from '../validate.ts';

// Every step is a pure function of the element's state; all text goes in as text (lit escapes
// it), never as HTML, because service names and notes come from merchants and customers.

type W = BookingWidget;

export const when = (w: W, iso: string) => fmt.when(w.lang$, w.zone, iso, w.h12);

export function render(w: W): TemplateResult {
  switch (w.step) {
    case 'loading': return skeleton(w);
    case 'services': return services(w);
    case 'date': return date(w);
    case 'time': return times(w);
    case 'details': return details(w);
    case 'done': return done(w);
    case 'manage': return manage(w);
    case 'unavailable': return unavailable(w);
  }
}

const heading = (text: string) => html`<h2 part="heading" tabindex="-1">${text}</h2>`;

function notice(w: W) {
  const n = w.notice;
  if (!n) return nothing;
  return html`<div class="notice ${n.bad ? 'bad' : ''}" part="notice" role=${n.bad ? 'alert' : 'status'}>
    <p>${n.text}</p>
    ${n.action ? html`<button part="button" @click=${n.action.run}>${n.action.label}</button>` : nothing}
  </div>`;
}

const back = (w: W, run: () => void) => html`<button part="button back" class="back" @click=${run}>${w.msg.dir === 'rtl' ? '→' : '←'} ${w.msg.back}</button>`;

function skeleton(w: W) {
  return html`<div aria-busy="true"><p class="sr">${w.msg.loading}</p>${[1, 2, 3].map(() => html`<div class="skeleton"></div>`)}</div>`;
}

function unavailable(w: W) {
  return html`<div part="notice" class="notice bad"><p>${w.msg.unavailable}</p><slot></slot></div>`;
}

function price(w: W, s: PublicService) {
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

function zonePicker(w: W) {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const list = zones.includes(w.zone) ? zones : [w.zone, ...zones];
  return html`<label part="label">${w.msg.timeZone}
    <select part="input" @change=${(e: Event) => w.setZone((e.target as HTMLSelectElement).value)}>
      ${list.map((z) => html`<option value=${z} ?selected=${z === w.zone}>${z.replace(/_/g, ' ')}</option>`)}
    </select></label>`;
}

function summaryLine(w: W) {
  const s = w.current;
  return s ? html`<p class="muted">${s.name} · ${w.msg.minutes(s.duration_minutes)} · ${price(w, s)}</p>` : nothing;
}

function date(w: W) {
  const b = w.bounds;
  return html`${heading(w.msg.chooseDate)}${summaryLine(w)}${notice(w)}
    <bw-calendar .month=${w.month} .free=${w.free} .selected=${w.date} .min=${b.min} .max=${b.max} .locale=${w.lang$}
      .weekStart=${w.weekStartDay} .messages=${w.msg} .loading=${w.busy}
      @bw-pick-date=${(e: CustomEvent<string>) => w.pickDate(e.detail)} @bw-month=${(e: CustomEvent<string>) => w.setMonth(e.detail)}></bw-calendar>
    ${!w.busy && w.free.size === 0 ? html`<p class="muted">${w.msg.noFreeDays}</p>` : nothing}
    ${zonePicker(w)}
    ${back(w, () => (w.rescheduling ? w.go('manage') : w.restart()))}`;
}

function times(w: W) {
  const m = w.msg;
  const slots = w.slots;
  return html`${heading(m.chooseTime)}
    <p class="muted">${w.date ? fmt.dateLong(w.lang$, w.date) : ''} · ${w.zone.replace(/_/g, ' ')}</p>${notice(w)}
    ${slots === undefined ? html`<div class="skeleton" aria-busy="true"></div>`
      : slots.length === 0 ? html`<p class="muted">${m.noTimes}</p>`
      : html`<ul class="times" aria-label=${m.chooseTime}>${slots.map((s) => html`<li>
          <button part="button slot" ?disabled=${w.busy} @click=${() => w.pickTime(s.start)}>
            <time datetime=${s.start}>${fmt.time(w.lang$, w.zone, s.start, w.h12)}</time></button></li>`)}</ul>`}
    <label class="row"><input type="checkbox" part="input" .checked=${!w.h12} @change=${(e: Event) => (w.h12 = !(e.target as HTMLInputElement).checked)} /> ${m.hours24}</label>
    ${back(w, () => w.go('date'))}`;
}

function field(w: W, name: keyof Values, label: string, type: string, autocomplete: string) {
  const error = w.errors[name];
  const id = `bw-${name}`;
  const input = (e: Event) => w.setValue(name, (e.target as HTMLInputElement).value);
  return html`<label part="label" for=${id}>${label}
    ${name === 'notes'
      ? html`<textarea id=${id} part="input" maxlength="2000" .value=${w.values[name]} @input=${input} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-err` : nothing}></textarea>`
      : html`<input id=${id} part="input" type=${type} autocomplete=${autocomplete} .value=${w.values[name]} @input=${input}
          @blur=${() => w.setValue(name, w.values[name])} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-err` : nothing}
          ?required=${name === 'name' || name === 'email'} />`}
    ${error ? html`<span id="${id}-err" class="error" part="field-error">${error}</span>` : nothing}
  </label>`;
}

function countdown(w: W) {
  const left = Math.max(0, w.holdLeft());
  const mm = Math.floor(left / 60_000);
  const ss = String(Math.floor((left % 60_000) / 1000)).padStart(2, '0');
  return `${mm}:${ss}`;
}

function details(w: W) {
  const m = w.msg;
  const hold = w.hold;
  return html`${heading(m.yourDetails)}${summaryLine(w)}
    ${hold ? html`<p part="summary"><strong>${when(w, hold.start)}</strong></p>
      <p class="muted" part="hold">${m.heldFor(countdown(w))}</p>` : nothing}
    ${notice(w)}
    <form novalidate @submit=${(e: Event) => { e.preventDefault(); w.submit(); }}>
      ${field(w, 'name', m.name, 'text', 'name')}
      ${field(w, 'email', m.email, 'email', 'email')}
      ${field(w, 'phone', m.phone, 'tel', 'tel')}
      ${field(w, 'notes', m.notes, 'text', 'off')}
      <div class="row spread">
        ${back(w, () => w.backToTimes())}
        <button type="submit" part="button primary" class="primary" ?disabled=${w.busy || !hold} aria-busy=${w.busy ? 'true' : 'false'}>${w.busy ? m.booking : m.book}</button>
      </div>
    </form>`;
}

function summary(w: W, b: Booking) {
  const s = w.services?.find((x) => x.id === b.service_id);
  const staff = s?.staff.find((x) => x.id === b.staff_id)?.name;
  return html`<dl part="summary">
    ${s ? html`<dt>${w.msg.chooseService}</dt><dd>${s.name}</dd>` : nothing}
    <dt>${w.msg.chooseTime}</dt><dd><time datetime=${b.start}>${when(w, b.start)}</time></dd>
    ${staff ? html`<dt></dt><dd>${w.msg.with(staff)}</dd>` : nothing}
    <dt>${w.msg.name}</dt><dd>${b.customer.name}</dd>
  </dl>`;
}

function icsLink(w: W, b: Booking) {
  const title = w.services?.find((x) => x.id === b.service_id)?.name ?? w.msg.booked;
  const href = URL.createObjectURL(new Blob([icsFor(b, title)], { type: 'text/calendar' }));
  return html`<a class="btn" part="button" href=${href} download="booking.ics">${w.msg.addToCalendar}</a>`;
}

function done(w: W) {
  const b = w.booking!.booking;
  return html`${heading(w.msg.booked)}${summary(w, b)}
    <div class="row">${icsLink(w, b)}
      <button part="button" @click=${() => w.go('manage')}>${w.msg.manage}</button>
      <button part="button" @click=${() => w.restart()}>${w.msg.bookAnother}</button></div>`;
}

function manage(w: W) {
  const m = w.msg;
  const b = w.booking!.booking;
  const cancelled = b.status === 'cancelled';
  return html`${heading(m.manage)}${notice(w)}${summary(w, b)}
    ${cancelled ? html`<p class="notice" part="notice">${m.cancelled}</p>` : w.confirming
      ? html`<div class="notice bad" part="notice" role="alertdialog" aria-label=${m.cancel}><p>${m.cancelConfirm}</p><div class="row">
          <button part="button" @click=${() => (w.confirming = false)}>${m.keep}</button>
          <button part="button primary" class="primary" ?disabled=${w.busy} @click=${() => w.cancelBooking()}>${m.yesCancel}</button></div></div>`
      : html`<div class="row">${icsLink(w, b)}
          <button part="button" @click=${() => w.startReschedule()}>${m.reschedule}</button>
          <button part="button" @click=${() => (w.confirming = true)}>${m.cancel}</button></div>`}
    <p></p><button part="button" @click=${() => w.restart()}>${m.bookAnother}</button>`;
}
