import { LitElement, html, type PropertyValues } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import type { Booking, Hold, PublicService } from '../contract/widget.ts';
import { Api } from './api.ts';
import { addDays, addMonths, firstOfMonth, lastOfMonth, monthOf, prefers12h, todayIn, weekStartOf } from './dates.ts';
import { fire, type Step } from './events.ts';
import { en, loadMessages, type Messages } from './i18n/index.ts';
import { WidgetApiError } from './net.ts';
import { Session } from './session.ts';
import { clock, store } from './storage.ts';
import { styles } from './styles.ts';
import { validateCustomer, type Values } from './validate.ts';
import * as views from './steps/views.ts';
import './steps/calendar.ts';

/** crypto.randomUUID needs a secure context; a plain-http merchant page still gets a v4 UUID. */
const uuid = (): string =>
  crypto.randomUUID?.() ??
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (Number(c) ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (Number(c) / 4)))).toString(16));

/** Where the script was loaded from: the API's default origin. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

interface Saved { step: Step; serviceId: string; date?: string | undefined; slot?: string | undefined; hold?: Hold | undefined; values?: Values | undefined }

/**
 * @summary A booking flow in the page: service → date → time → details → confirmation, plus manage.
 *
 * @slot - Fallback content (a "Book online" link), shown until the element upgrades and whenever it cannot work.
 *
 * @event bw-ready - The session is ready. detail: `{ business }`
 * @event bw-step-change - detail: `{ step, previous }`
 * @event bw-hold - A time is held. detail: `{ hold }`
 * @event bw-before-book - Cancelable, before the booking is sent. detail: `{ request }`
 * @event bw-booked - detail: `{ booking }`
 * @event bw-cancelled - detail: `{ booking }`
 * @event bw-rescheduled - detail: `{ booking }`
 * @event bw-error - detail: `{ code, message }`
 *
 * @csspart root - The widget's frame.
 * @csspart heading - Each step's heading.
 * @csspart service - A service button. @csspart service-name @csspart service-price @csspart service-meta
 * @csspart calendar - The month grid. @csspart day @csspart day-free @csspart month-prev @csspart month-next
 * @csspart slot - A time button.
 * @csspart input - Form fields. @csspart label @csspart field-error
 * @csspart button - Every button. @csspart primary - The main action of a step. @csspart back
 * @csspart notice - Messages (held, taken, expired, errors). @csspart summary - Booking summaries.
 *
 * @cssproperty --bw-accent - Main action colour (default #4f46e5).
 * @cssproperty --bw-accent-foreground - Text on the accent (default #fff).
 * @cssproperty --bw-background - Frame background (default #fff).
 * @cssproperty --bw-foreground - Text colour (default #1f2937).
 * @cssproperty --bw-muted - Secondary text (default #5b6472).
 * @cssproperty --bw-surface - Buttons and free days (default #f4f5f7).
 * @cssproperty --bw-border - Borders (default #d5d9e0).
 * @cssproperty --bw-danger - Errors (default #b42318).
 * @cssproperty --bw-radius - Corner radius (default 10px).
 * @cssproperty --bw-space - Base spacing (default 12px; 8px when density="compact").
 * @cssproperty --bw-font - Font family (default: inherited from the page).
 * @cssproperty --bw-max-width - Widest the widget grows (default 480px).
 */
export class BookingWidget extends LitElement {
  static override styles = styles;
  static override properties = {
    publishableKey: { attribute: 'publishable-key' },
    apiBase: { attribute: 'api-base' },
    service: {}, staff: {}, locale: {}, timezone: {},
    hourCycle: { attribute: 'hour-cycle' },
    weekStart: { attribute: 'week-start' },
    theme: { reflect: true }, accent: {}, radius: {}, density: { reflect: true },
    name: {}, email: {}, phone: {},
    step: { state: true }, msg: { state: true }, services: { state: true }, current: { state: true },
    month: { state: true }, free: { state: true }, date: { state: true }, slots: { state: true }, hold: { state: true },
    booking: { state: true }, notice: { state: true }, announce: { state: true }, busy: { state: true },
    errors: { state: true }, values: { state: true }, zone: { state: true }, h12: { state: true }, mine: { state: true },
    confirming: { state: true }, rescheduling: { state: true },
  };

  /** Publishable key (`pk_live_…` / `pk_test_…`). Required. */
  declare publishableKey: string | undefined;
  /** API origin; defaults to the origin the script was loaded from. */
  declare apiBase: string | undefined;
  /** Preselect a service by id: the flow opens at its calendar. */
  declare service: string | undefined;
  /** Only offer this staff member's times. */
  declare staff: string | undefined;
  /** BCP 47 locale; defaults to the nearest `lang` attribute, then the browser's. */
  declare locale: string | undefined;
  /** IANA zone for times; defaults to the customer's device zone. */
  declare timezone: string | undefined;
  /** `h12` or `h23`; defaults to the locale's habit. */
  declare hourCycle: 'h12' | 'h23' | undefined;
  /** First day of the week, 1 (Monday) … 7 (Sunday); defaults to the locale's. */
  declare weekStart: string | undefined;
  /** `light` (default), `dark`, or `auto` (follows the system). */
  declare theme: 'light' | 'dark' | 'auto' | undefined;
  /** Accent colour, any CSS colour. Shorthand for `--bw-accent`. */
  declare accent: string | undefined;
  /** Corner radius, any CSS length. Shorthand for `--bw-radius`. */
  declare radius: string | undefined;
  /** `comfortable` (default) or `compact`. */
  declare density: 'comfortable' | 'compact' | undefined;
  /** Prefill the details form. */
  declare name: string | undefined;
  declare email: string | undefined;
  declare phone: string | undefined;

  declare step: Step;
  declare msg: Messages;
  declare services: PublicService[] | undefined;
  declare current: PublicService | undefined;
  declare month: string;
  declare free: Set<string>;
  declare date: string | undefined;
  declare slots: { start: string; end: string }[] | undefined;
  declare hold: Hold | undefined;
  declare booking: { booking: Booking; token: string | undefined } | undefined;
  declare notice: { text: string; bad?: boolean; action?: { label: string; run: () => void } } | undefined;
  declare announce: string;
  declare busy: boolean;
  declare errors: Record<string, string>;
  declare values: Values;
  declare zone: string;
  declare h12: boolean;
  declare mine: Booking[];
  declare confirming: boolean;
  declare rescheduling: boolean;

  private api: Api | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Aborts the requests of the step being left. */
  private stepAbort = new AbortController();
  private idempotencyKey: string | undefined;
  private ticker: unknown;
  private interacted = false;
  private started = false;
  private messagesFor = '';

  constructor() {
    super();
    this.step = 'loading';
    this.msg = en;
    this.month = '';
    this.free = new Set();
    this.announce = '';
    this.busy = false;
    this.errors = {};
    this.values = { name: '', email: '', phone: '', notes: '' };
    this.zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.h12 = false;
    this.mine = [];
    this.confirming = false;
    this.rescheduling = false;
  }

  // ---------------------------------------------------------------- lifecycle

  override connectedCallback() {
    super.connectedCallback();
    this.addEventListener('keydown', this.markInteracted, { capture: true });
    this.addEventListener('pointerdown', this.markInteracted, { capture: true });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.stepAbort.abort();
    clock.clearTimeout(this.ticker);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('name') || changed.has('email') || changed.has('phone')) {
      this.values = { ...this.values, name: this.name ?? this.values.name, email: this.email ?? this.values.email, phone: this.phone ?? this.values.phone };
    }
    if (changed.has('timezone') && this.timezone) this.zone = this.timezone;
    if (changed.has('hourCycle') || changed.has('locale')) this.h12 = this.hourCycle ? this.hourCycle === 'h12' : prefers12h(this.lang$);
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.has('locale') || this.messagesFor === '') this.loadLocale();
    if (!this.started || changed.has('publishableKey') || changed.has('apiBase')) {
      this.started = true;
      this.start();
    }
    else if (changed.has('service') && this.services) this.openService(this.service);
    else if ((changed.has('timezone') || changed.has('staff')) && this.current && this.month) this.loadMonth();
  }

  private markInteracted = () => {
    this.interacted = true;
  };

  /** The effective locale: attribute, then the nearest `lang`, then the browser. */
  get lang$(): string {
    return this.locale || this.closest('[lang]')?.getAttribute('lang') || navigator.language || 'en';
  }

  private async loadLocale() {
    const lang = this.lang$;
    this.messagesFor = lang;
    const m = await loadMessages(lang);
    if (this.messagesFor === lang) this.msg = m;
  }

  // ---------------------------------------------------------------- session and start

  private async start() {
    this.unsubscribe?.();
    this.api = undefined;
    const key = this.publishableKey;
    if (!key) return this.go('unavailable');
    let session: Session;
    try {
      session = Session.for(this.apiBase || SCRIPT_ORIGIN, key);
    } catch {
      return this.go('unavailable');
    }
    this.api = new Api(session);
    this.unsubscribe = session.subscribe(() => session.fatal && this.go('unavailable'));
    this.go('loading');
    const links = new URLSearchParams(globalThis.location?.search ?? '');
    try {
      await session.get();
      this.dispatchReady(session);
      const bookingId = links.get('booking');
      const token = links.get('token');
      if (bookingId && token) return await this.openManage(bookingId, token);
      await this.loadServices();
    } catch (err) {
      this.fail(err, () => this.start());
    }
  }

  private dispatchReady(session: Session) {
    fire(this, 'bw-ready', { business: session.data!.business });
  }

  // ---------------------------------------------------------------- steps

  /** Moves to a step: aborts the old step's requests, saves the flow, and moves focus for keyboard users. */
  go(step: Step) {
    const previous = this.step;
    if (step !== previous) {
      this.stepAbort.abort();
      this.stepAbort = new AbortController();
    }
    this.step = step;
    if (step !== 'details') clock.clearTimeout(this.ticker);
    this.save();
    if (step !== previous) {
      fire(this, 'bw-step-change', { step, previous });
      if (this.interacted) this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h2')?.focus());
    }
  }

  private get signal() {
    return this.stepAbort.signal;
  }

  private wait = (seconds: number) => {
    this.notice = { text: this.msg.rateLimited(seconds) };
  };

  private async loadServices() {
    const { data } = await this.api!.services({ signal: this.signal, onWait: this.wait });
    this.services = data;
    this.notice = undefined;
    const saved = this.restore();
    if (saved) return;
    if (this.service) return this.openService(this.service);
    this.go('services');
    this.loadMine();
  }

  /** The guest's upcoming bookings, for the service step; quietly nothing when there are none. */
  private async loadMine() {
    if (!store.get(this.api!.guestKey)) return;
    try {
      const { data } = await this.api!.guestBookings({ signal: this.signal });
      const now = this.api!.session.serverNow();
      this.mine = data.filter((b) => b.status === 'confirmed' && Date.parse(b.end) > now);
    } catch {
      this.mine = [];
    }
  }

  openService(id: string | undefined) {
    const s = this.services?.find((x) => x.id === id);
    if (!s) return this.go('services');
    this.current = s;
    this.date = undefined;
    this.month = monthOf(this.today);
    this.go('date');
    this.loadMonth();
  }

  get today() {
    return todayIn(this.zone, this.api?.session.serverNow() ?? clock.now());
  }

  /** Free days of the shown month, from today on. */
  async loadMonth() {
    const service = this.current;
    if (!service || !this.api) return;
    const month = this.month;
    const from = firstOfMonth(month) < this.today ? this.today : firstOfMonth(month);
    const to = lastOfMonth(month);
    this.free = new Set();
    this.slots = undefined;
    if (to < from) return;
    this.busy = true;
    try {
      const res = await this.api.availability({ service_id: service.id, from, to, timezone: this.zone, staff_id: this.staff || undefined }, { signal: this.signal, onWait: this.wait });
      if (this.month !== month || this.current !== service) return;
      this.free = new Set(res.days.filter((d) => d.slots.length).map((d) => d.date));
      this.dayCache = new Map(res.days.map((d) => [d.date, d.slots]));
      if (this.date && this.step === 'time') this.slots = this.dayCache.get(this.date) ?? [];
      this.notice = this.notice?.bad ? this.notice : undefined;
    } catch (err) {
      this.fail(err, () => this.loadMonth());
    } finally {
      this.busy = false;
    }
  }

  private dayCache = new Map<string, { start: string; end: string }[]>();

  setMonth(month: string) {
    this.month = month;
    this.loadMonth();
  }

  pickDate(date: string) {
    this.date = date;
    this.slots = this.dayCache.get(date) ?? [];
    this.go('time');
  }

  setZone(zone: string) {
    this.zone = zone;
    this.date = undefined;
    this.loadMonth();
    if (this.step === 'time') this.go('date');
  }

  async pickTime(start: string) {
    if (this.rescheduling) return this.confirmMove(start);
    this.busy = true;
    try {
      const { hold } = await this.api!.hold({ service_id: this.current!.id, start, staff_id: this.staff || undefined }, { signal: this.signal, onWait: this.wait });
      this.hold = hold;
      this.idempotencyKey = undefined;
      this.notice = undefined;
      this.announce = this.msg.holdPlaced(this.when(start));
      fire(this, 'bw-hold', { hold });
      this.go('details');
      this.tick();
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  /** Re-renders the hold's countdown every second while the details step is open. */
  private tick() {
    clock.clearTimeout(this.ticker);
    if (this.step !== 'details' || !this.hold) return;
    if (this.holdLeft() <= 0) {
      this.notice = { text: this.msg.holdExpired, bad: true, action: { label: this.msg.pickAgain, run: () => this.backToTimes() } };
      this.announce = this.msg.holdExpired;
      return;
    }
    this.requestUpdate();
    this.ticker = clock.setTimeout(() => this.tick(), 1000);
  }

  holdLeft(): number {
    return this.hold ? Date.parse(this.hold.expires_at) - this.api!.session.serverNow() : 0;
  }

  /** Going back from the details releases the hold, so the time is free for others again. */
  backToTimes() {
    if (this.hold && this.holdLeft() > 0) this.api?.release(this.hold.id).catch(() => {});
    this.hold = undefined;
    this.notice = undefined;
    this.go('time');
    this.loadMonth();
  }

  setValue(field: keyof Values, value: string) {
    this.values = { ...this.values, [field]: value };
    this.idempotencyKey = undefined;
    if (this.errors[field] !== undefined) this.errors = { ...this.errors, ...validateCustomer(this.values, this.msg, [field]) };
  }

  async submit() {
    if (this.busy || !this.current || !this.hold) return;
    const errors = validateCustomer(this.values, this.msg);
    this.errors = errors;
    if (Object.values(errors).some(Boolean)) {
      this.notice = { text: this.msg.fixErrors, bad: true };
      this.announce = this.msg.fixErrors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const v = this.values;
    const request = {
      service_id: this.current.id, start: this.hold.start, staff_id: this.hold.staff_id, hold_id: this.hold.id, timezone: this.zone,
      customer: { name: v.name.trim(), email: v.email.trim(), ...(v.phone.trim() ? { phone: v.phone.trim() } : {}) },
      ...(v.notes.trim() ? { notes: v.notes.trim() } : {}),
    };
    if (!fire(this, 'bw-before-book', { request }, true)) return;
    // One key per attempt, kept across the client's retries and a second click on the same request.
    this.idempotencyKey ??= uuid();
    this.busy = true;
    try {
      const created = await this.api!.book(request, this.idempotencyKey, { onWait: this.wait });
      this.idempotencyKey = undefined;
      this.hold = undefined;
      this.booking = { booking: created.booking, token: created.manage_token };
      store.set(this.manageKey(created.booking.id), created.manage_token);
      this.notice = undefined;
      this.announce = this.msg.bookedAnnounce(this.when(created.booking.start));
      this.go('done');
      fire(this, 'bw-booked', { booking: created.booking });
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  private manageKey(id: string) {
    return `bw:manage:${this.api?.session.apiBase}:${id}`;
  }

  async openManage(id: string, token?: string) {
    token ??= store.get<string>(this.manageKey(id));
    if (!token) return;
    this.go('loading');
    try {
      const { booking } = await this.api!.booking(id, token, { signal: this.signal });
      this.booking = { booking, token };
      this.current = this.services?.find((s) => s.id === booking.service_id) ?? this.current;
      this.go('manage');
    } catch (err) {
      this.fail(err, () => this.openManage(id, token));
    }
  }

  async cancelBooking() {
    const b = this.booking;
    if (!b?.token) return;
    this.busy = true;
    try {
      const { booking } = await this.api!.cancel(b.booking.id, b.token);
      this.booking = { booking, token: b.token };
      this.confirming = false;
      this.announce = this.msg.cancelled;
      this.go('manage');
      fire(this, 'bw-cancelled', { booking });
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  async startReschedule() {
    const b = this.booking;
    if (!b) return;
    if (!this.services) this.services = (await this.api!.services()).data;
    this.rescheduling = true;
    this.openService(b.booking.service_id);
  }

  private async confirmMove(start: string) {
    const b = this.booking!;
    this.busy = true;
    try {
      const { booking } = await this.api!.reschedule(b.booking.id, b.token!, start, { onWait: this.wait });
      this.booking = { booking, token: b.token };
      this.rescheduling = false;
      this.notice = { text: this.msg.rescheduled };
      this.announce = this.msg.rescheduled;
      this.go('manage');
      fire(this, 'bw-rescheduled', { booking });
    } catch (err) {
      this.fail(err);
    } finally {
      this.busy = false;
    }
  }

  restart() {
    this.booking = undefined;
    this.rescheduling = false;
    this.current = undefined;
    this.notice = undefined;
    if (globalThis.location?.search.includes('token=')) history.replaceState(history.state, '', location.pathname + location.hash);
    this.go('services');
    this.loadMine();
  }

  /** Errors become a calm message with a way on; a dead key becomes the fallback. */
  private fail(err: unknown, retry?: () => void) {
    if ((err as Error)?.name === 'AbortError' || this.stepAbort.signal.aborted && !(err instanceof WidgetApiError)) return;
    const e = err instanceof WidgetApiError ? err : new WidgetApiError('internal', String(err));
    fire(this, 'bw-error', { code: e.code, message: e.message });
    if (this.api?.session.fatal) return this.go('unavailable');
    if (e.code === 'slot_taken') {
      this.hold = undefined;
      this.notice = { text: this.msg.slotTaken, bad: true };
      this.announce = this.msg.slotTaken;
      if (this.step !== 'time') this.go('time');
      this.loadMonth();
      return;
    }
    if (e.code === 'invalid_request' && e.fields.length) {
      this.errors = Object.fromEntries(e.fields.map((f) => [f.property.replace(/^customer\./, ''), f.messages[0] ?? '']));
      this.notice = { text: this.msg.fixErrors, bad: true };
      return;
    }
    const text = e.code === 'network' ? this.msg.offline : e.code === 'not_found' ? this.msg.notFound : this.msg.somethingWrong;
    this.notice = { text, bad: true, ...(retry ? { action: { label: this.msg.retry, run: retry } } : {}) };
    this.announce = text;
    if (this.step === 'loading') this.go(e.code === 'network' && !this.services ? 'unavailable' : 'services');
  }

  // ---------------------------------------------------------------- persistence

  private get flowKey() {
    return this.api ? `bw:flow:${this.api.session.apiBase}:${this.publishableKey}:${this.id}` : '';
  }

  private save() {
    if (!this.flowKey || this.step === 'loading' || this.step === 'unavailable') return;
    if (!this.current || this.step === 'services' || this.step === 'done' || this.step === 'manage' || this.rescheduling) return store.remove(this.flowKey);
    const saved: Saved = { step: this.step, serviceId: this.current.id, date: this.date, hold: this.hold, values: this.values };
    store.set(this.flowKey, saved);
  }

  /** After a reload: the same step, with the same hold while it lasts. */
  private restore(): boolean {
    const saved = store.get<Saved>(this.flowKey);
    const service = saved && this.services?.find((s) => s.id === saved.serviceId);
    if (!saved || !service) return false;
    this.current = service;
    this.values = { ...this.values, ...saved.values };
    this.date = saved.date;
    this.month = monthOf(saved.date ?? this.today);
    this.loadMonth();
    if (saved.step === 'details' && saved.hold && Date.parse(saved.hold.expires_at) > this.api!.session.serverNow()) {
      this.hold = saved.hold;
      this.go('details');
      this.tick();
    } else if ((saved.step === 'time' || saved.step === 'details') && saved.date) {
      this.go('time');
    } else {
      this.go('date');
    }
    return true;
  }

  // ---------------------------------------------------------------- rendering

  when(iso: string) {
    return views.when(this, iso);
  }

  get weekStartDay(): number {
    const n = Number(this.weekStart);
    return n >= 1 && n <= 7 ? n : weekStartOf(this.lang$);
  }

  get bounds() {
    const today = this.today;
    return { min: today, max: addDays(today, 730), maxMonth: addMonths(monthOf(today), 24) };
  }

  protected override render() {
    // The attributes override the internal tokens on the frame, which everything inside inherits.
    // styleMap writes through CSSOM, which a strict style-src policy allows (a style attribute it would not).
    const style = { '--_accent': this.accent || undefined, '--_radius': this.radius || undefined };
    return html`<div class="root" part="root" dir=${this.msg.dir} lang=${this.lang$} style=${styleMap(style)}>
      <p class="sr" role="status" aria-live="polite">${this.announce}</p>
      ${views.render(this)}
    </div>`;
  }
}
