import { LitElement, html, nothing } from 'lit';
import { addDays, addMonths, firstOfMonth, fmt, isoWeekday, lastOfMonth, monthOf } from '../dates.ts';
import type { Messages } from '../i18n/en.ts';
import { base } from '../styles.ts';
import { calendarStyles } from './calendar.styles.ts';

/**
 * A month grid with roving tabindex: exactly one day is tabbable; arrow keys, Home/End and
 * PageUp/PageDown move it. Fires `bw-pick-date`, `bw-busy-day` (a day without times chosen) and
 * `bw-month` (internal, not composed).
 */
export class BwCalendar extends LitElement {
  static override styles = [base, calendarStyles];
  static override properties = {
    month: {}, free: { attribute: false }, selected: {}, min: {}, max: {}, locale: {}, weekStart: { type: Number },
    messages: { attribute: false }, loading: { type: Boolean }, focusDate: { state: true },
  };

  // Reactive fields are declared, not initialised as class fields, so no compiler setting can
  // shadow Lit's accessors; defaults are set in the constructor.
  declare month: string;
  declare free: Set<string>;
  declare selected: string | undefined;
  /** First and last dates that can hold a booking at all; outside them the grid does not go. */
  declare min: string;
  declare max: string;
  declare locale: string;
  declare weekStart: number;
  declare messages: Messages;
  declare loading: boolean;
  declare focusDate: string | undefined;

  constructor() {
    super();
    this.month = '';
    this.free = new Set();
    this.min = '';
    this.max = '';
    this.locale = 'en';
    this.weekStart = 1;
    this.loading = false;
  }

  get #active(): string {
    const f = this.focusDate;
    if (f && monthOf(f) === this.month) return f;
    if (this.selected && monthOf(this.selected) === this.month) return this.selected;
    const first = [...this.free].filter((d) => monthOf(d) === this.month).sort()[0];
    return first ?? (this.min && monthOf(this.min) === this.month ? this.min : firstOfMonth(this.month));
  }

  override render() {
    const m = this.messages;
    const start = firstOfMonth(this.month);
    const lead = (isoWeekday(start) - this.weekStart + 7) % 7;
    const cells: (string | null)[] = Array.from({ length: lead }, () => null);
    for (let d = start; d <= lastOfMonth(this.month); d = addDays(d, 1)) cells.push(d);
    while (cells.length % 7) cells.push(null);
    const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
    const days = Array.from({ length: 7 }, (_, i) => ((this.weekStart - 1 + i) % 7) + 1);
    const active = this.#active;
    const canPrev = !this.min || addMonths(this.month, -1) >= monthOf(this.min);
    const canNext = !this.max || addMonths(this.month, 1) <= monthOf(this.max);
    return html`
      <div class="row spread nav">
        <button part="button month-prev" aria-label=${m.prevMonth} ?disabled=${!canPrev} @click=${() => this.#go(addMonths(this.month, -1))}>‹</button>
        <span class="month" aria-live="polite">${fmt.month(this.locale, this.month)}</span>
        <button part="button month-next" aria-label=${m.nextMonth} ?disabled=${!canNext} @click=${() => this.#go(addMonths(this.month, 1))}>›</button>
      </div>
      <table role="grid" part="calendar" aria-label=${fmt.month(this.locale, this.month)} aria-busy=${this.loading ? 'true' : 'false'} @keydown=${this.#onKey}>
        <thead><tr>${days.map((d) => html`<th scope="col" abbr=${fmt.weekday(this.locale, d, 'long')}>${fmt.weekday(this.locale, d, 'narrow')}</th>`)}</tr></thead>
        <tbody>${weeks.map((w) => html`<tr>${w.map((d) => (d ? this.#cell(d, d === active) : html`<td></td>`))}</tr>`)}</tbody>
      </table>
      ${this.loading ? html`<p class="muted">${m.loading}</p>` : nothing}
    `;
  }

  #cell(date: string, active: boolean) {
    const free = this.free.has(date);
    return html`<td role="gridcell" aria-selected=${date === this.selected ? 'true' : 'false'}>
      <button part="day${free ? ' day-free' : ''}" class=${free ? 'free' : ''} data-date=${date} tabindex=${active ? 0 : -1}
        aria-disabled=${free ? 'false' : 'true'} aria-label="${fmt.dateLong(this.locale, date)}, ${free ? this.messages.dayAvailable : this.messages.dayUnavailable}"
        @click=${() => this.#pick(date)}>${fmt.day(this.locale, date)}</button>
    </td>`;
  }

  #pick(date: string) {
    this.dispatchEvent(new CustomEvent(this.free.has(date) ? 'bw-pick-date' : 'bw-busy-day', { detail: date }));
  }

  #go(month: string) {
    this.focusDate = undefined;
    this.dispatchEvent(new CustomEvent('bw-month', { detail: month }));
  }

  async #onKey(e: KeyboardEvent) {
    const rtl = getComputedStyle(this).direction === 'rtl';
    const cur = this.#active;
    let next: string | undefined;
    switch (e.key) {
      case 'ArrowRight': next = addDays(cur, rtl ? -1 : 1); break; // next day (previous in RTL)
      case 'ArrowLeft': next = addDays(cur, rtl ? 1 : -1); break; // previous day (next in RTL)
      case 'ArrowDown': next = addDays(cur, 7); break; // same weekday next week
      case 'ArrowUp': next = addDays(cur, -7); break; // same weekday last week
      case 'Home': next = addDays(cur, -((isoWeekday(cur) - this.weekStart + 7) % 7)); break; // first day of this week
      case 'End': next = addDays(cur, 6 - ((isoWeekday(cur) - this.weekStart + 7) % 7)); break; // last day of this week
      case 'PageUp': next = shiftMonth(cur, -1); break; // same day last month
      case 'PageDown': next = shiftMonth(cur, 1); break; // same day next month
      case 'Enter': case ' ': this.#pick((e.target as HTMLElement).dataset.date ?? cur); e.preventDefault(); return; // choose the focused day
      default: return;
    }
    e.preventDefault();
    // Home/End stop at the first or last bookable day when the week runs past it; the other keys
    // stay put at the edge, so a held arrow key does not pile up against it.
    if (e.key === 'Home' && this.min && next < this.min) next = this.min;
    if (e.key === 'End' && this.max && next > this.max) next = this.max;
    if ((this.min && next < this.min) || (this.max && next > this.max)) return;
    this.focusDate = next;
    if (monthOf(next) !== this.month) {
      // Show the new month at once; the host loads its free days and passes the same month back.
      this.month = monthOf(next);
      this.dispatchEvent(new CustomEvent('bw-month', { detail: this.month }));
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
  }
}

/** The same day of another month, or that month's last day when it is shorter. */
function shiftMonth(date: string, n: number): string {
  const month = addMonths(monthOf(date), n);
  const day = date.slice(8);
  const last = lastOfMonth(month);
  return `${month}-${day}` > last ? last : `${month}-${day}`;
}

if (!customElements.get('bw-calendar')) customElements.define('bw-calendar', BwCalendar);
