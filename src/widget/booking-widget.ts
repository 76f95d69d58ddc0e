import { LitElement, html, type PropertyValues } from 'lit';
import type { AvailabilityResponse, Booking, Hold, PublicService } from '../contract/widget.ts';
import { Api, type MonthQuery } from './api.ts';
import { addDays, firstOfMonth, fmt, lastOfMonth, monthOf, prefers12h, todayIn, weekStartOf } from './dates.ts';
import { fire, type Step } from './events.ts';
import { en, loadMessages, type Messages } from './i18n/index.ts';
import { WidgetApiError } from './net.ts';
import { Session } from './session.ts';
import { clock, store } from './storage.ts';
import { styles } from './styles.ts';
import * as views from './views.ts';

type Flow = typeof import('./flow/index.ts');
type Values = { name: string; email: string; phone: string; notes: string };

/** Where the script was loaded from: the API's default origin. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

export interface Saved { step: Step; serviceId: string; date?: string | undefined; hold?: Hold | undefined; values?: Values | undefined }

/**
 * @tagname booking-widget
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
 * @csspart service - A service button.
 * @csspart service-name - A service's name.
 * @csspart service-meta - A service's duration and price.
 * @csspart service-price - A service's price.
 * @csspart calendar - The month grid.
 * @csspart day - A day of the month grid.
 * @csspart day-free - A day with free times.
 * @csspart month-prev - The previous-month button.
 * @csspart month-next - The next-month button.
 * @csspart slot - A time button.
 * @csspart hold - The hold's countdown.
 * @csspart input - Form fields, the time-zone picker and the 24-hour switch.
 * @csspart label - Form labels.
 * @csspart field-error - A field's error message.
 * @csspart button - Every button.
 * @csspart primary - The main action of a step.
 * @csspart back - The back button.
 * @csspart notice - Messages (held, taken, expired, errors).
 * @csspart summary - Booking summaries.
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
    month: { state: true }, free: { state: true }, date: { state: true }, days: { state: true }, hold: { state: true },
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
  declare days: Map<string, { start: string; end: string }[]>;
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

  // Used by the lazily loaded flow (flow/actions.ts); not part of the public API.
  /** @internal */ api: Api | undefined;
  /** @internal */ idempotencyKey: string | undefined;
  /** @internal */ ticker: unknown;
  /** @internal The flow chunk, once loaded. */ flowModule: Flow | undefined;
  #flowLoading: Promise<Flow> | undefined;
  #unsubscribe: (() => void) | undefined;
  /** Aborts the requests of the step being left. */
  #stepAbort = new AbortController();
  #interacted = false;
  #started = false;
  #messagesFor = '';
  #lookFor = '';

  constructor() {
    super();
    this.step = 'loading';
    this.msg = en;
    this.month = '';
    this.free = new Set();
    this.days = new Map();
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
    this.addEventListener('keydown', this.#markInteracted, { capture: true });
    this.addEventListener('pointerdown', this.#markInteracted, { capture: true });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#unsubscribe?.();
    this.#stepAbort.abort();
    clock.clearTimeout(this.ticker);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('name') || changed.has('email') || changed.has('phone')) {
      this.values = { ...this.values, name: this.name ?? this.values.name, email: this.email ?? this.values.email, phone: this.phone ?? this.values.phone };
    }
    if (changed.has('timezone') && this.timezone) this.zone = this.timezone;
    if (changed.has('hourCycle') || changed.has('locale')) this.h12 = this.hourCycle ? this.hourCycle === 'h12' : prefers12h(this.lang$);
    // Reacting to attributes here, before the render, changes state in the same update cycle.
    if (changed.has('locale') || this.#messagesFor === '') this.#loadLocale();
    if (!this.#started || changed.has('publishableKey') || changed.has('apiBase')) {
      this.#started = true;
      this.#start();
    }
    else if (changed.has('service') && this.services) this.openService(this.service);
    else if ((changed.has('timezone') || changed.has('staff')) && this.current && this.month) this.flowModule?.loadMonth(this);
  }

  protected override updated() {
    // The accent and radius attributes override the internal tokens on the frame, which everything
    // inside inherits. Written through CSSOM: a strict style-src policy blocks style attributes
    // (even lit's styleMap writes one on first render) but not this.
    const root = this.renderRoot.querySelector<HTMLElement>('.root')!;
    for (const [prop, value] of [['--_accent', this.accent], ['--_radius', this.radius]] as const) {
      if (value) root.style.setProperty(prop, value);
      else root.style.removeProperty(prop);
    }
    // Text on the accent (only the steps after the service list have any): chosen once the flow is here.
    const look = `${this.accent}|${this.theme}`;
    if (look !== this.#lookFor && this.flowModule) {
      this.#lookFor = look;
      root.style.setProperty('--_accent-fg', `var(--bw-accent-foreground, ${this.flowModule.readableOn(root)})`);
    }
  }

  #markInteracted = () => {
    this.#interacted = true;
  };

  /** @internal The effective locale: attribute, then the nearest `lang`, then the browser. */
  get lang$(): string {
    return this.locale || this.closest('[lang]')?.getAttribute('lang') || navigator.language || 'en';
  }

  async #loadLocale() {
    const lang = this.lang$;
    this.#messagesFor = lang;
    const m = await loadMessages(lang);
    if (this.#messagesFor === lang) this.msg = m;
  }

  // ---------------------------------------------------------------- session and start

  async #start() {
    this.#unsubscribe?.();
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
    this.#unsubscribe = session.subscribe(() => session.fatal && this.go('unavailable'));
    this.go('loading');
    const links = new URLSearchParams(globalThis.location?.search ?? '');
    try {
      await session.get();
      fire(this, 'bw-ready', { business: session.data!.business });
      const bookingId = links.get('booking');
      const token = links.get('token');
      if (bookingId && token) return await this.openManage(bookingId, token);
      // With a service preselected, its month is asked for beside the service list (one round
      // trip, not two), and the flow chunk loads meanwhile.
      if (this.service) {
        this.flow();
        const q = this.monthQuery(this.service, monthOf(this.today));
        if (q) this.#early = { key: JSON.stringify(q), answer: this.api.availability(q) };
      }
      await this.#loadServices();
    } catch (err) {
      this.fail(err, () => this.#start());
    }
  }

  // ---------------------------------------------------------------- steps

  /** @internal Moves to a step: aborts the old step's requests, saves the flow, and moves focus for keyboard users. */
  go(step: Step) {
    const previous = this.step;
    if (step !== previous) {
      this.#stepAbort.abort();
      this.#stepAbort = new AbortController();
    }
    this.step = step;
    if (step !== 'details') clock.clearTimeout(this.ticker);
    this.#save();
    if (step !== previous) {
      fire(this, 'bw-step-change', { step, previous });
      if (this.#interacted) this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('h2')?.focus());
    }
  }

  /** @internal */ get signal() {
    return this.#stepAbort.signal;
  }

  /** @internal */ wait = (seconds: number) => {
    this.notice = { text: this.msg.rateLimited(seconds) };
  };

  async #loadServices() {
    const { data } = await this.api!.services({ signal: this.signal, onWait: this.wait });
    this.services = data;
    this.notice = undefined;
    const saved = store.get<Saved>(this.#flowKey);
    if (saved && (await this.flow()).restore(this, saved)) return;
    if (this.service) return this.openService(this.service);
    this.go('services');
    (await this.flow()).loadMine(this);
  }

  /** @internal Loads the steps after the service list once; the first paint does not wait for them. */
  async flow(): Promise<Flow> {
    this.#flowLoading ??= import('./flow/index.ts').then((m) => {
      this.flowModule = m;
      this.requestUpdate();
      return m;
    });
    return this.#flowLoading;
  }

  /** Opens a service's calendar (public: a page can call it, as the `service` attribute does). */
  async openService(id: string | undefined) {
    (await this.flow()).openService(this, id);
  }

  /** Opens a booking of this guest's for viewing, cancelling or rescheduling. */
  async openManage(id: string, token?: string) {
    (await this.flow()).openManage(this, id, token);
  }

  /** @internal The first month's availability, asked for early; taken once by the flow if it asks the same. */
  #early: { key: string; answer: Promise<AvailabilityResponse> } | undefined;

  /** @internal */ takeEarly(q: MonthQuery): Promise<AvailabilityResponse> | undefined {
    const early = this.#early;
    this.#early = undefined;
    return early?.key === JSON.stringify(q) ? early.answer : undefined;
  }

  /** @internal The shown month's free-times query, from today on, in the customer's zone; none for a month wholly past. */
  monthQuery(serviceId: string, month = this.month): MonthQuery | undefined {
    const today = this.today;
    const from = firstOfMonth(month) < today ? today : firstOfMonth(month);
    const to = lastOfMonth(month);
    return to < from ? undefined : { service_id: serviceId, from, to, timezone: this.zone, staff_id: this.staff || undefined };
  }

  /** @internal */
  get today() {
    return todayIn(this.zone, this.api?.session.serverNow() ?? clock.now());
  }

  /** @internal The shown day's free times; undefined while they load. */
  get slots() {
    return this.date ? this.days.get(this.date) : undefined;
  }

  /** @internal */ manageKey(id: string) {
    return `bw:manage:${this.api?.session.apiBase}:${id}`;
  }

  /** Back to the service list, forgetting the booking in hand (a page can call it). */
  restart() {
    this.booking = undefined;
    this.rescheduling = false;
    this.current = undefined;
    this.notice = undefined;
    if (globalThis.location?.search.includes('token=')) history.replaceState(history.state, '', location.pathname + location.hash);
    this.go('services');
    this.flowModule?.loadMine(this);
  }

  /** Errors become a calm message with a way on; a dead key becomes the fallback. */
  /** @internal */ fail(err: unknown, retry?: () => void) {
    if ((err as Error)?.name === 'AbortError' || this.#stepAbort.signal.aborted && !(err instanceof WidgetApiError)) return;
    const e = err instanceof WidgetApiError ? err : new WidgetApiError('internal', String(err));
    fire(this, 'bw-error', { code: e.code, message: e.message });
    if (this.api?.session.fatal) return this.go('unavailable');
    if (e.code === 'slot_taken') {
      this.hold = undefined;
      this.notice = { text: this.msg.slotTaken, bad: true };
      this.announce = this.msg.slotTaken;
      if (this.step !== 'time') this.go('time');
      this.flowModule?.loadMonth(this);
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

  get #flowKey() {
    return this.api ? `bw:flow:${this.api.session.apiBase}:${this.publishableKey}:${this.id}` : '';
  }

  #save() {
    if (!this.#flowKey || this.step === 'loading' || this.step === 'unavailable') return;
    if (!this.current || this.step === 'services' || this.step === 'done' || this.step === 'manage' || this.rescheduling) return store.remove(this.#flowKey);
    const saved: Saved = { step: this.step, serviceId: this.current.id, date: this.date, hold: this.hold, values: this.values };
    store.set(this.#flowKey, saved);
  }

  // ---------------------------------------------------------------- rendering

  /** @internal */
  when(iso: string) {
    return fmt.when(this.lang$, this.zone, iso, this.h12);
  }

  /** @internal */
  get weekStartDay(): number {
    const n = Number(this.weekStart);
    return n >= 1 && n <= 7 ? n : weekStartOf(this.lang$);
  }

  /** @internal */
  get bounds() {
    const today = this.today;
    return { min: today, max: addDays(today, 730) };
  }

  protected override render() {
    return html`<div class="root" part="root" dir=${this.msg.dir} lang=${this.lang$}>
      <p class="sr" role="status" aria-live="polite">${this.announce}</p>
      ${views.render(this)}
    </div>`;
  }
}
