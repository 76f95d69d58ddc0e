import { html, nothing } from 'lit';
import type { Booking } from '../../contract/widget.ts';
import type { BookingWidget } from '../booking-widget.ts';
import { fmt } from '../dates.ts';
import { back, heading, notice, price, when } from '../views.ts';
import * as act from './actions.ts';
import { icsFor } from './ics.ts';
import type { Values } from './validate.ts';
import './calendar.ts';

// The steps after the service list. Text goes in as text (lit escapes it), never as HTML.

type W = BookingWidget;

/** Renders a step of the flow; the element renders the rest. */
export function render(w: W) {
  switch (w.step) {
    case 'date': return date(w);
    case 'time': return times(w);
    case 'details': return details(w);
    case 'done': return done(w);
    default: return manage(w);
  }
}

function zonePicker(w: W) {
  const zones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const list = zones.includes(w.zone) ? zones : [w.zone, ...zones];
  return html`<label part="label">${w.msg.timeZone}
    <select part="input" @change=${(e: Event) => act.setZone(w, (e.target as HTMLSelectElement).value)}>
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
    <bw-calendar exportparts="calendar, day, day-free, month-prev, month-next, button" .month=${w.month} .free=${w.free} .selected=${w.date} .min=${b.min} .max=${b.max} .locale=${w.lang$}
      .weekStart=${w.weekStartDay} .messages=${w.msg} .loading=${w.busy}
      @bw-pick-date=${(e: CustomEvent<string>) => act.pickDate(w, e.detail)} @bw-month=${(e: CustomEvent<string>) => act.setMonth(w, e.detail)}></bw-calendar>
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
          <button part="button slot" ?disabled=${w.busy} @click=${() => act.pickTime(w, s.start)}>
            <time datetime=${s.start}>${fmt.time(w.lang$, w.zone, s.start, w.h12)}</time></button></li>`)}</ul>`}
    <label class="row"><input type="checkbox" part="input" .checked=${!w.h12} @change=${(e: Event) => (w.h12 = !(e.target as HTMLInputElement).checked)} /> ${m.hours24}</label>
    ${back(w, () => w.go('date'))}`;
}

function field(w: W, name: keyof Values, label: string, type: string, autocomplete: string) {
  const error = w.errors[name];
  const id = `bw-${name}`;
  const input = (e: Event) => act.setValue(w, name, (e.target as HTMLInputElement).value);
  return html`<label part="label" for=${id}>${label}
    ${name === 'notes'
      ? html`<textarea id=${id} part="input" maxlength="2000" .value=${w.values[name]} @input=${input} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-err` : nothing}></textarea>`
      : html`<input id=${id} part="input" type=${type} autocomplete=${autocomplete} .value=${w.values[name]} @input=${input}
          @blur=${() => w.step === 'details' && act.setValue(w, name, w.values[name])} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-err` : nothing}
          ?required=${name === 'name' || name === 'email'} />`}
    ${error ? html`<span id="${id}-err" class="error" part="field-error">${error}</span>` : nothing}
  </label>`;
}

function countdown(w: W) {
  const left = Math.max(0, act.holdLeft(w));
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
    <form novalidate @submit=${(e: Event) => { e.preventDefault(); act.submit(w); }}>
      ${field(w, 'name', m.name, 'text', 'name')}
      ${field(w, 'email', m.email, 'email', 'email')}
      ${field(w, 'phone', m.phone, 'tel', 'tel')}
      ${field(w, 'notes', m.notes, 'text', 'off')}
      <div class="row spread">
        ${back(w, () => act.backToTimes(w))}
        <button type="submit" part="button primary" class="primary" ?disabled=${w.busy || !hold} aria-busy=${w.busy ? 'true' : 'false'}>${w.busy ? m.booking : m.book}</button>
      </div>
    </form>`;
}

function summary(w: W, b: Booking) {
  const s = w.services?.find((x) => x.id === b.service_id);
  const staff = s?.staff.find((x) => x.id === b.staff_id)?.name;
  return html`<dl part="summary">
    ${s ? html`<dt>${w.msg.serviceLabel}</dt><dd>${s.name}</dd>` : nothing}
    <dt>${w.msg.timeLabel}</dt><dd><time datetime=${b.start}>${when(w, b.start)}</time></dd>
    ${staff ? html`<dt>${w.msg.staffLabel}</dt><dd>${staff}</dd>` : nothing}
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
  return html`${heading(w.msg.booked)}${summary(w, b)}<p class="sent">${w.msg.emailSent(b.customer.email)}</p>
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
          <button part="button primary" class="primary" ?disabled=${w.busy} @click=${() => act.cancelBooking(w)}>${m.yesCancel}</button></div></div>`
      : html`<div class="row">${icsLink(w, b)}
          <button part="button" @click=${() => act.startReschedule(w)}>${m.reschedule}</button>
          <button part="button" @click=${() => (w.confirming = true)}>${m.cancel}</button></div>`}
    <p></p><button part="button" @click=${() => w.restart()}>${m.bookAnother}</button>`;
}
