import { html, nothing } from 'lit';
import type { AdminService, AdminStaff, Booking } from '../../contract/index.ts';
import { call } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { Page, closeDialog, formValues, openDialog } from '../ui.ts';

interface Data { bookings: Booking[]; services: AdminService[]; staff: AdminStaff[] }
type When = 'upcoming' | 'past' | 'all';

const today = () => new Date().toISOString().slice(0, 10);

/** The zone's offset from UTC at an instant, in milliseconds, from Intl (no offset arithmetic of our own). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - Math.floor(ms / 1000) * 1000;
}

/** A wall time in a zone as an instant (the first of a repeated hour; the server refuses one in a gap). */
export function wallToInstant(date: string, time: string, timeZone: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return undefined;
  const wall = Date.parse(`${date}T${time}:00Z`);
  if (Number.isNaN(wall)) return undefined;
  const first = wall - offsetAt(wall, timeZone);
  return new Date(wall - offsetAt(first, timeZone)).toISOString();
}

/** Bookings: filter by time, status, staff, service and customer; open one; cancel on the customer's behalf. */
export class BookingsPage extends Page<Data> {
  static override properties = { ...Page.properties, filter: { state: true }, opened: { state: true } };
  filter = { when: 'upcoming' as When, status: '', staff: '', service: '', q: '', from: '', to: '' };
  opened: Booking | undefined = undefined;

  protected async fetch(signal: AbortSignal): Promise<Data> {
    const f = this.filter;
    const q = new URLSearchParams();
    const from = f.from || (f.when === 'upcoming' ? today() : '');
    const to = f.to || (f.when === 'past' ? today() : '');
    if (from) q.set('from', from);
    if (to) q.set('to', to);
    if (f.status) q.set('status', f.status);
    const [bookings, services, staff] = await Promise.all([
      call<{ data: Booking[] }>('GET', `${this.base}/bookings${q.size ? `?${q}` : ''}`, undefined, signal),
      call<{ data: AdminService[] }>('GET', `${this.base}/services`, undefined, signal),
      call<{ data: AdminStaff[] }>('GET', `${this.base}/staff`, undefined, signal),
    ]);
    return { bookings: bookings.data, services: services.data, staff: staff.data };
  }

  private setFilter(name: keyof BookingsPage['filter'], value: string) {
    this.filter = { ...this.filter, [name]: value };
    if (name !== 'q' && name !== 'staff' && name !== 'service') void this.reload();
  }

  private shown(d: Data) {
    const f = this.filter;
    const q = f.q.trim().toLowerCase();
    const now = new Date().toISOString();
    return d.bookings
      .filter((b) => (!f.staff || b.staff_id === f.staff) && (!f.service || b.service_id === f.service))
      .filter((b) => !q || b.customer.name.toLowerCase().includes(q) || b.customer.email.toLowerCase().includes(q))
      .filter((b) => f.when === 'all' || (f.when === 'upcoming' ? b.end >= now : b.start < now))
      .sort((a, b) => (f.when === 'past' ? b.start.localeCompare(a.start) : a.start.localeCompare(b.start)));
  }

  private open(b: Booking) {
    this.opened = b;
    this.formError = undefined;
    void this.updateComplete.then(() => openDialog(this, 'bk-open'));
  }

  private async cancelOpened(e: SubmitEvent) {
    e.preventDefault();
    const b = this.opened!;
    const reason = (new FormData(e.target as HTMLFormElement).get('reason') as string | null)?.trim();
    let after: Booking | undefined;
    if (await this.change(async () => (after = await call<Booking>('POST', `${this.base}/bookings/${b.id}/cancel`, reason ? { reason } : {})))) this.opened = after;
  }

  private async moveOpened(e: SubmitEvent) {
    e.preventDefault();
    const b = this.opened!;
    const v = formValues(e.target as HTMLFormElement);
    const start = wallToInstant(v.date ?? '', (v.time ?? '').trim(), this.ctx.timezone);
    let after: Booking | undefined;
    if (await this.change(async () => (after = await call<Booking>('POST', `${this.base}/bookings/${b.id}/reschedule`, { start: start ?? '' })), t.saved)) this.opened = after;
  }

  private filters(d: Data) {
    const f = this.filter;
    const sel = (id: string, label: string, name: keyof BookingsPage['filter'], opts: [string, string][]) => html`<div class="field"><label for=${id}>${label}</label>
      <select id=${id} @change=${(e: Event) => this.setFilter(name, (e.target as HTMLSelectElement).value)}>${opts.map(([v, l]) => html`<option value=${v} ?selected=${f[name] === v}>${l}</option>`)}</select></div>`;
    return html`<form class="filters" @submit=${(e: Event) => e.preventDefault()}>
      ${sel('bk-when', t.when, 'when', [['upcoming', t.upcoming], ['past', t.past], ['all', t.all]])}
      <div class="field"><label for="bk-from">${t.from}</label><input id="bk-from" type="date" .value=${f.from} @change=${(e: Event) => this.setFilter('from', (e.target as HTMLInputElement).value)}></div>
      <div class="field"><label for="bk-to">${t.to}</label><input id="bk-to" type="date" .value=${f.to} @change=${(e: Event) => this.setFilter('to', (e.target as HTMLInputElement).value)}></div>
      ${sel('bk-status', t.status, 'status', [['', t.statusAll], ['confirmed', t.confirmed], ['cancelled', t.cancelled]])}
      ${sel('bk-staff', t.staff, 'staff', [['', t.all], ...d.staff.map((s): [string, string] => [s.id, s.name])])}
      ${sel('bk-service', t.service, 'service', [['', t.all], ...d.services.map((s): [string, string] => [s.id, s.name])])}
      <div class="field"><label for="bk-q">${t.search}</label><input id="bk-q" type="search" .value=${f.q} @input=${(e: Event) => this.setFilter('q', (e.target as HTMLInputElement).value)}></div>
    </form>`;
  }

  override render() {
    const b = this.opened;
    const tz = this.ctx?.timezone;
    return html`<h1 tabindex="-1">${t.navBookings}</h1>
      ${this.opened ? nothing : this.formMessage()}
      ${this.loaded((d) => {
        const list = this.shown(d);
        const name = (arr: { id: string; name: string }[], id: string) => arr.find((x) => x.id === id)?.name ?? id;
        return html`${this.filters(d)}
          ${list.length === 0 ? html`<p class="empty">${t.noBookings}</p>` : html`<div class="table-wrap"><table>
            <thead><tr><th scope="col">${t.when}</th><th scope="col">${t.customer}</th><th scope="col">${t.service}</th><th scope="col">${t.staff}</th><th scope="col">${t.status}</th><th scope="col"><span class="sr-only">${t.open}</span></th></tr></thead>
            <tbody>${list.map((x) => html`<tr class=${x.status}>
              <td><time datetime=${x.start}>${formatDateTime(x.start, tz)}</time></td>
              <td>${x.customer.name}<br><small class="muted">${x.customer.email}</small></td>
              <td>${name(d.services, x.service_id)}</td><td>${name(d.staff, x.staff_id)}</td>
              <td><span class="status status-${x.status}">${x.status === 'confirmed' ? t.confirmed : t.cancelled}</span></td>
              <td><button type="button" @click=${() => this.open(x)} aria-label="${t.open}: ${x.customer.name}">${t.open}</button></td>
            </tr>`)}</tbody></table></div>`}`;
      })}
      <dialog id="bk-open" aria-labelledby="bk-open-h" @close=${() => (this.opened = undefined)}>
        ${b ? html`<h2 id="bk-open-h">${t.bookingTitle}: ${b.customer.name}</h2>
          <dl>
            <dt>${t.status}</dt><dd><span class="status status-${b.status}">${b.status === 'confirmed' ? t.confirmed : t.cancelled}</span></dd>
            <dt>${t.inBusinessZone(tz ?? '')}</dt><dd><time datetime=${b.start}>${formatDateTime(b.start, tz)}</time> – ${formatDateTime(b.end, tz)}</dd>
            ${b.timezone !== tz ? html`<dt>${t.inCustomerZone(b.timezone)}</dt><dd>${formatDateTime(b.start, b.timezone)}</dd>` : nothing}
            <dt>${t.customer}</dt><dd>${b.customer.name}<br>${b.customer.email}${b.customer.phone ? html`<br>${b.customer.phone}` : nothing}</dd>
            <dt>${t.notes}</dt><dd>${b.notes || '—'}</dd>
            <dt>${t.created}</dt><dd>${formatDateTime(b.created_at, tz)}</dd>
            ${b.cancelled_at ? html`<dt>${t.cancelled}</dt><dd>${formatDateTime(b.cancelled_at, tz)}</dd>` : nothing}
          </dl>
          ${this.formMessage()}
          ${b.status === 'confirmed' ? html`<form class="move" @submit=${(e: SubmitEvent) => void this.moveOpened(e)} novalidate>
            <h3>${t.moveTitle(tz ?? '')}</h3>
            <div class="row">
              <div class="field"><label for="bk-move-date">${t.date}</label><input id="bk-move-date" name="date" type="date" .value=${new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date(b.start))}></div>
              <div class="field"><label for="bk-move-time">${t.newTime}</label><input id="bk-move-time" name="time" inputmode="numeric" maxlength="5" aria-invalid=${this.formError?.field('start') ? 'true' : 'false'} aria-describedby="bk-move-err"></div>
            </div>
            <small id="bk-move-err" class="field-error">${this.formError?.field('start') ?? ''}</small>
            <p class="muted">${t.moveNotice}</p>
            <button type="submit">${t.moveBooking}</button>
          </form>` : nothing}
          ${b.status === 'confirmed' ? html`<form @submit=${(e: SubmitEvent) => void this.cancelOpened(e)}>
            <p class="warn">${t.cancelBookingConfirm}</p>
            <div class="field"><label for="bk-reason">${t.reason}</label><input id="bk-reason" name="reason" maxlength="500"></div>
            <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'bk-open')}>${t.close}</button><button type="submit" class="danger">${t.cancelBooking}</button></div>
          </form>` : html`<div class="buttons"><button type="button" @click=${() => closeDialog(this, 'bk-open')}>${t.close}</button></div>`}` : nothing}
      </dialog>`;
  }
}
customElements.define('bw-dash-bookings', BookingsPage);
