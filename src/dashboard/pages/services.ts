import { html, nothing } from 'lit';
import type { AdminService, AdminStaff } from '../../contract/index.ts';
import { call } from '../api.ts';
import { currentLang, t } from '../i18n.ts';
import { Page, checkedValues, closeDialog, field, formValues, openDialog } from '../ui.ts';

interface Data { services: AdminService[]; staff: AdminStaff[] }

const num = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : Number(s));

/** Services: what can be booked, for how long, at what price, by whom. */
export class ServicesPage extends Page<Data> {
  static override properties = { ...Page.properties, editing: { state: true } };
  /** The service in the dialog; `null` for a new one. */
  editing: AdminService | null | undefined = undefined;

  protected async fetch(signal: AbortSignal): Promise<Data> {
    const [services, staff] = await Promise.all([
      call<{ data: AdminService[] }>('GET', `${this.base}/services`, undefined, signal),
      call<{ data: AdminStaff[] }>('GET', `${this.base}/staff`, undefined, signal),
    ]);
    return { services: services.data, staff: staff.data };
  }

  private open(s: AdminService | null) {
    this.editing = s;
    this.formError = undefined;
    void this.updateComplete.then(() => openDialog(this, 'svc-edit'));
  }

  private async save(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    const amount = num(v.price);
    const body = {
      name: v.name?.trim() ?? '', description: v.description ?? '', duration_minutes: num(v.duration_minutes),
      price: amount === undefined ? null : { amount_minor: Math.round(amount * 100), currency: (v.currency ?? 'EUR').trim().toUpperCase() },
      buffer_before_minutes: num(v.buffer_before_minutes), buffer_after_minutes: num(v.buffer_after_minutes),
      min_notice_minutes: num(v.min_notice_minutes), horizon_days: num(v.horizon_days), slot_interval_minutes: num(v.slot_interval_minutes),
      staff_ids: checkedValues(form, 'staff_ids'), active: v.active === 'on',
    };
    const s = this.editing;
    const ok = await this.change(() => (s ? call('PATCH', `${this.base}/services/${s.id}`, body) : call('POST', `${this.base}/services`, body)), t.saved);
    if (ok) closeDialog(this, 'svc-edit');
  }

  private async removeService(s: AdminService) {
    if (confirm(t.deleteServiceConfirm)) await this.change(() => call('DELETE', `${this.base}/services/${s.id}`));
  }

  private price(s: AdminService) {
    return s.price ? new Intl.NumberFormat(currentLang(), { style: 'currency', currency: s.price.currency }).format(s.price.amount_minor / 100) : t.free;
  }

  override render() {
    const e = this.formError;
    const s = this.editing;
    return html`<div class="section-head"><h1 tabindex="-1">${t.navServices}</h1>
        <button type="button" class="primary" @click=${() => this.open(null)}>${t.newService}</button></div>
      ${this.editing === undefined ? this.formMessage() : nothing}
      ${this.loaded((d) => d.services.length === 0 ? html`<p class="empty">${t.noServices}</p>` : html`<ul class="cards">
        ${d.services.map((x) => html`<li class="card">
          <h2>${x.name} ${x.active ? nothing : html`<span class="badge">${t.inactive}</span>`}</h2>
          <p class="muted">${x.duration_minutes} min · ${this.price(x)} · ${x.staff_ids.map((id) => d.staff.find((p) => p.id === id)?.name ?? id).join(', ') || '—'}</p>
          <p>${x.description}</p>
          <div class="buttons"><button type="button" @click=${() => this.open(x)} aria-label="${t.edit}: ${x.name}">${t.edit}</button>
            <button type="button" class="danger" @click=${() => void this.removeService(x)} aria-label="${t.delete}: ${x.name}">${t.delete}</button></div>
        </li>`)}</ul>`)}
      <dialog id="svc-edit" aria-labelledby="svc-edit-h" @close=${() => (this.editing = undefined)}>
        ${s !== undefined && this.data.state === 'ok' ? html`<form @submit=${(ev: SubmitEvent) => void this.save(ev)} novalidate>
          <h2 id="svc-edit-h">${s ? `${t.edit}: ${s.name}` : t.newService}</h2>
          ${this.formMessage(['name', 'description', 'duration_minutes', 'price', 'buffer_before_minutes', 'buffer_after_minutes', 'min_notice_minutes', 'horizon_days', 'slot_interval_minutes', 'staff_ids'])}
          ${field({ label: t.name, name: 'name', value: s?.name, error: e, required: true })}
          ${field({ label: t.description, name: 'description', value: s?.description, error: e, textarea: true })}
          <div class="row">
            ${field({ label: t.duration, name: 'duration_minutes', type: 'number', min: 5, value: s?.duration_minutes ?? 60, error: e })}
            ${field({ label: t.price, name: 'price', type: 'number', step: '0.01', min: 0, value: s?.price ? s.price.amount_minor / 100 : null, error: e, hint: t.free + ': ∅' })}
            ${field({ label: t.currency, name: 'currency', value: s?.price?.currency ?? 'EUR', error: e, errorName: 'price.currency' })}
          </div>
          <div class="row">
            ${field({ label: t.bufferBefore, name: 'buffer_before_minutes', type: 'number', min: 0, value: s?.buffer_before_minutes ?? 0, error: e })}
            ${field({ label: t.bufferAfter, name: 'buffer_after_minutes', type: 'number', min: 0, value: s?.buffer_after_minutes ?? 0, error: e })}
          </div>
          <div class="row">
            ${field({ label: t.minNotice, name: 'min_notice_minutes', type: 'number', min: 0, value: s?.min_notice_minutes ?? 0, error: e })}
            ${field({ label: t.horizon, name: 'horizon_days', type: 'number', min: 1, value: s?.horizon_days ?? 60, error: e })}
            ${field({ label: t.slotInterval, name: 'slot_interval_minutes', type: 'number', min: 5, value: s?.slot_interval_minutes ?? 30, error: e })}
          </div>
          <fieldset><legend>${t.staff}</legend>
            ${this.data.value.staff.length ? this.data.value.staff.map((p) => html`<label><input type="checkbox" name="staff_ids" value=${p.id} ?checked=${s ? s.staff_ids.includes(p.id) : true}> ${p.name}</label>`) : html`<p class="muted">${t.noStaff}</p>`}
            ${e?.field('staff_ids') ? html`<small class="field-error">${e.field('staff_ids')}</small>` : nothing}
          </fieldset>
          <label><input type="checkbox" name="active" ?checked=${s?.active ?? true}> ${t.activeService}</label>
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'svc-edit')}>${t.cancel}</button><button class="primary" type="submit">${t.save}</button></div>
        </form>` : nothing}
      </dialog>`;
  }
}
customElements.define('bw-dash-services', ServicesPage);
