import { html, nothing } from 'lit';
import type { AdminStaff } from '../../contract/index.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { Page, closeDialog, field, formValues, openDialog } from '../ui.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Day = (typeof DAYS)[number];
type Interval = [string, string];
type Week = Record<Day, Interval[]>;
interface Exception { date: string; intervals: Interval[] }

const emptyWeek = (): Week => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });
const copyWeek = (w: Record<string, string[][]>): Week => {
  const out = emptyWeek();
  for (const d of DAYS) out[d] = (w[d] ?? []).map((i) => [i[0] ?? '', i[1] ?? ''] as Interval);
  return out;
};

/** Staff, their zone, and their weekly hours in a week editor with date exceptions. */
export class StaffPage extends Page<AdminStaff[]> {
  static override properties = { ...Page.properties, selected: { state: true }, week: { state: true }, exceptions: { state: true }, adding: { state: true } };
  selected: string | undefined = undefined;
  week: Week = emptyWeek();
  exceptions: Exception[] = [];
  adding = false;

  protected async fetch(signal: AbortSignal) {
    const list = (await call<{ data: AdminStaff[] }>('GET', `${this.base}/staff`, undefined, signal)).data;
    const keep = list.find((s) => s.id === this.selected) ?? list[0];
    if (keep) this.select(keep);
    return list;
  }

  private select(s: AdminStaff) {
    this.selected = s.id;
    this.week = copyWeek(s.schedule.weekly);
    this.exceptions = s.schedule.exceptions.map((x) => ({ date: x.date, intervals: x.intervals.map((i) => [i[0] ?? '', i[1] ?? ''] as Interval) }));
  }

  private setTime(day: Day, i: number, end: 0 | 1, value: string) {
    const w = { ...this.week, [day]: this.week[day].map((iv, j) => (j === i ? (end ? [iv[0], value] : [value, iv[1]]) : iv)) };
    this.week = w;
  }

  private addInterval(day: Day) {
    const last = this.week[day].at(-1);
    this.week = { ...this.week, [day]: [...this.week[day], last ? [last[1], last[1] < '23:00' ? `${String(Number(last[1].slice(0, 2)) + 1).padStart(2, '0')}:00` : '24:00'] : ['09:00', '17:00']] };
  }

  private copyDay(from: Day, to: string) {
    const targets: Day[] = to === 'weekdays' ? ['mon', 'tue', 'wed', 'thu', 'fri'] : to === 'all' ? [...DAYS] : [to as Day];
    const w = { ...this.week };
    for (const d of targets) if (d !== from) w[d] = this.week[from].map((iv) => [...iv] as Interval);
    this.week = w;
  }

  private async saveHours() {
    const id = this.selected!;
    await this.change(() => call('PUT', `${this.base}/staff/${id}/schedule`, { weekly: this.week, exceptions: this.exceptions }), t.hoursSaved);
  }

  private async addStaff(e: SubmitEvent) {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    let made: AdminStaff | undefined;
    const ok = await this.change(async () => {
      made = await call<AdminStaff>('POST', `${this.base}/staff`, { name: v.name?.trim() ?? '', ...(v.email?.trim() ? { email: v.email.trim() } : {}), ...(v.timezone?.trim() ? { timezone: v.timezone.trim() } : {}) });
      this.selected = made.id;
    });
    if (ok) closeDialog(this, 'staff-new');
  }

  private dayRow(day: Day) {
    const e = this.formError;
    const err = e?.field(`weekly.${day}`);
    const label = t.days[day] ?? day;
    return html`<fieldset class="day" data-day=${day}>
      <legend>${label}</legend>
      ${this.week[day].length === 0 ? html`<span class="muted">${t.closed}</span>` : nothing}
      ${this.week[day].map((iv, i) => html`<span class="interval">
        <input aria-label="${label} ${t.from} ${i + 1}" inputmode="numeric" size="5" maxlength="5" pattern="[0-2][0-9]:[0-5][0-9]" .value=${iv[0]} @change=${(ev: Event) => this.setTime(day, i, 0, (ev.target as HTMLInputElement).value)}>
        –
        <input aria-label="${label} ${t.to} ${i + 1}" inputmode="numeric" size="5" maxlength="5" pattern="[0-2][0-9]:[0-5][0-9]" .value=${iv[1]} @change=${(ev: Event) => this.setTime(day, i, 1, (ev.target as HTMLInputElement).value)}>
        <button type="button" class="icon" aria-label="${t.removeInterval}: ${label} ${iv[0]}–${iv[1]}" @click=${() => (this.week = { ...this.week, [day]: this.week[day].filter((_, j) => j !== i) })}>✕</button>
      </span>`)}
      <button type="button" @click=${() => this.addInterval(day)} aria-label="${t.addInterval}: ${label}">+ ${t.addInterval}</button>
      <label class="copy">${t.copyDayTo}
        <select @change=${(ev: Event) => { const s = ev.target as HTMLSelectElement; if (s.value) this.copyDay(day, s.value); s.value = ''; }}>
          <option value="">…</option><option value="weekdays">${t.copyToWeekdays}</option><option value="all">${t.copyToAll}</option>
          ${DAYS.filter((d) => d !== day).map((d) => html`<option value=${d}>${t.days[d]}</option>`)}
        </select></label>
      ${err ? html`<small class="field-error" role="alert">${err}</small>` : nothing}
    </fieldset>`;
  }

  private exceptionRows() {
    return html`<fieldset class="exceptions"><legend>${t.exceptions}</legend>
      ${this.exceptions.map((x, i) => html`<div class="exception">
        <input type="date" aria-label="${t.date} ${i + 1}" .value=${x.date} @change=${(ev: Event) => (this.exceptions = this.exceptions.map((y, j) => (j === i ? { ...y, date: (ev.target as HTMLInputElement).value } : y)))}>
        <label><input type="checkbox" .checked=${x.intervals.length === 0} @change=${(ev: Event) => (this.exceptions = this.exceptions.map((y, j) => (j === i ? { ...y, intervals: (ev.target as HTMLInputElement).checked ? [] : [['09:00', '17:00']] } : y)))}> ${t.closedAllDay}</label>
        ${x.intervals.map((iv, k) => html`<span class="interval">
          <input aria-label="${x.date} ${t.from}" size="5" .value=${iv[0]} @change=${(ev: Event) => { iv[0] = (ev.target as HTMLInputElement).value; this.requestUpdate(); }}> –
          <input aria-label="${x.date} ${t.to}" size="5" .value=${iv[1]} @change=${(ev: Event) => { iv[1] = (ev.target as HTMLInputElement).value; this.requestUpdate(); }}>
          <span class="sr-only">${k + 1}</span></span>`)}
        <button type="button" class="icon" aria-label="${t.delete}: ${x.date}" @click=${() => (this.exceptions = this.exceptions.filter((_, j) => j !== i))}>✕</button>
        ${this.formError?.field(`exceptions.${i}`) ? html`<small class="field-error">${this.formError.field(`exceptions.${i}`)}</small>` : nothing}
      </div>`)}
      <button type="button" @click=${() => (this.exceptions = [...this.exceptions, { date: new Date().toISOString().slice(0, 10), intervals: [] }])}>+ ${t.addException}</button>
    </fieldset>`;
  }

  override render() {
    return html`<div class="section-head"><h1 tabindex="-1">${t.navStaff}</h1>
        <button type="button" class="primary" @click=${() => { this.formError = undefined; openDialog(this, 'staff-new'); }}>${t.newStaff}</button></div>
      ${this.loaded((list) => list.length === 0 ? html`<p class="empty">${t.noStaff}</p>` : html`
        <div class="tabs" role="group" aria-label=${t.staff}>${list.map((s) => html`<button type="button" aria-pressed=${s.id === this.selected ? 'true' : 'false'} @click=${() => this.select(s)}>${s.name}</button>`)}</div>
        ${(() => {
          const s = list.find((x) => x.id === this.selected);
          if (!s) return nothing;
          return html`<section class="week-editor" aria-labelledby="week-h">
            <h2 id="week-h">${t.weeklyHours}: ${s.name} <small class="muted">${s.timezone}</small></h2>
            ${DAYS.map((d) => this.dayRow(d))}
            ${this.exceptionRows()}
            ${this.formMessage(['weekly', 'exceptions'])}
            <button type="button" class="primary" @click=${() => void this.saveHours()}>${t.saveHours}</button>
          </section>`;
        })()}`)}
      <dialog id="staff-new" aria-labelledby="staff-new-h">
        <form @submit=${(e: SubmitEvent) => void this.addStaff(e)} novalidate>
          <h2 id="staff-new-h">${t.newStaff}</h2>
          ${field({ label: t.name, name: 'name', required: true, error: this.formError })}
          ${field({ label: t.email, name: 'email', type: 'email', error: this.formError })}
          ${field({ label: t.timezone, name: 'timezone', error: this.formError, hint: this.ctx?.timezone })}
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'staff-new')}>${t.cancel}</button><button class="primary" type="submit">${t.create}</button></div>
        </form>
      </dialog>`;
  }
}
customElements.define('bw-dash-staff', StaffPage);
