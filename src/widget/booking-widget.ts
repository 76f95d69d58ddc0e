import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { Flow } from './controllers/flow.ts';
import { prefers12h, weekStartOf } from './dates.ts';
import { en, loadMessages, type Messages } from './i18n/index.ts';
import { first } from './steps/first.ts';
import { isModal, modal, modalChunk, modeStyles, type Mode } from './modes/trigger.ts';
import type { Modal } from './modes/modal.ts';
import type { Step, StepView, StepViews } from './steps/list.ts';
import { styles } from './styles.ts';

/**
 * @tagname booking-widget
 * @summary A booking flow in the page: service → date → time → details → confirmation, plus manage.
 *
 * @slot - Fallback content (a "Book online" link), shown until the element upgrades and whenever it cannot work.
 * @slot trigger - popup mode: the merchant's own button that opens the dialog, instead of the built-in one.
 *
 * @event bw-ready - The session is ready. detail: `{ business }`
 * @event bw-step-change - detail: `{ step, previous }`
 * @event bw-hold - A time is held. detail: `{ hold }`
 * @event bw-before-book - Cancelable, before the booking is sent. detail: `{ request }`
 * @event bw-booked - detail: `{ booking }`
 * @event bw-cancelled - detail: `{ booking }`
 * @event bw-rescheduled - detail: `{ booking }`
 * @event bw-error - detail: `{ code, message }`
 * @event bw-open - The popup or floating dialog opened. detail: `{ step }`
 * @event bw-close - The dialog closed; the flow and its hold wait for the next opening. detail: `{ step }`
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
 * @csspart danger - A destructive action (cancelling a booking).
 * @csspart steps - The step indicator (Service · Date & time · Details · Done).
 * @csspart step - One step of the indicator.
 * @csspart step-back - A step before this one, as a button that goes back to it.
 * @csspart moving - On the calendar and the times: which booking is being moved.
 * @csspart notice - Messages (held, taken, expired, errors).
 * @csspart summary - Booking summaries.
 * @csspart trigger - popup and floating modes: the button that opens the dialog.
 * @csspart dialog - popup and floating modes: the modal dialog around the flow.
 * @csspart close - The dialog's close button.
 *
 * @cssproperty --bw-accent - Main action colour (default #4f46e5).
 * @cssproperty --bw-accent-foreground - Text on the accent (default #fff).
 * @cssproperty --bw-background - Frame background (default #fff).
 * @cssproperty --bw-foreground - Text colour (default #1f2937).
 * @cssproperty --bw-muted - Secondary text (default #5b6472).
 * @cssproperty --bw-surface - Buttons and free days (default #f4f5f7).
 * @cssproperty --bw-border - Borders (default #d5d9e0).
 * @cssproperty --bw-field-border - Form fields' borders, at least 3:1 against the background (default #858c99; dark #6b7385).
 * @cssproperty --bw-focus-ring - The keyboard focus ring, a box-shadow (default a 2px gap in the background, then 2px of the accent).
 * @cssproperty --bw-danger - Errors (default #b42318).
 * @cssproperty --bw-radius - Corner radius (default 10px).
 * @cssproperty --bw-space - Base spacing (default 12px; 8px when density="compact").
 * @cssproperty --bw-font - Font family (default: inherited from the page).
 * @cssproperty --bw-max-width - Widest the widget grows (default 960px). From 640px wide (its container's width, not the viewport's), the month and the day's times sit side by side.
 */
export class BookingWidget extends LitElement {
  static override styles = [styles, modeStyles];
  static override properties = {
    publishableKey: { attribute: 'publishable-key' },
    apiBase: { attribute: 'api-base' },
    service: {}, staff: {}, locale: {}, timezone: {},
    hourCycle: { attribute: 'hour-cycle' },
    weekStart: { attribute: 'week-start' },
    theme: { reflect: true }, accent: {}, radius: {}, density: { reflect: true },
    name: {}, email: {}, phone: {}, accounts: {},
    mode: { reflect: true }, position: { reflect: true }, label: {}, date: {},
    forwardParams: { attribute: 'forward-params' },
    msg: { state: true },
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

  /**
   * `optional`: customers may sign in or create an account, when the business has accounts on
   * (decision 012). Without it, the accounts chunk is never loaded.
   */
  declare accounts: 'optional' | undefined;
  /** @internal The accounts chunk's controller, once loaded. */
  account: import('./accounts/index.ts').Accounts | undefined;
  /** `inline` (default): the flow in the page; `popup`: a button that opens it in a dialog; `floating`: a corner button that does. */
  declare mode: Mode | undefined;
  /** floating mode: `bottom-right` (default) or `bottom-left`. */
  declare position: 'bottom-right' | 'bottom-left' | undefined;
  /** popup and floating modes: the button's text (default "Book now", in the widget's language). */
  declare label: string | undefined;
  /** With `service`: open that day's times (`YYYY-MM-DD`). The page's URL may say the same with `bw_service` and `bw_date`. */
  declare date: string | undefined;
  /** Query parameters of the page's URL sent with the booking as its `metadata`, besides every `utm_*` (space- or comma-separated names). */
  declare forwardParams: string | undefined;

  /** @internal The locale's messages. */
  declare msg: Messages;

  /** @internal The booking flow: its state, its session and the shown month's free times. */
  readonly flow = new Flow(this);
  #started = false;
  #accountLoading: Promise<void> | undefined;
  /** A popup waits with its session and services until an opener is pointed at, focused or used. */
  #woken = false;
  #modal: Modal | undefined;
  #messagesFor = '';
  #lookFor = '';

  constructor() {
    super();
    this.msg = en;
  }

  /** @internal The step on show, for tests and tools; a page listens for `bw-step-change`. */
  get step(): Step {
    return this.flow.state.step;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const f = this.flow;
    if (changed.has('name') || changed.has('email') || changed.has('phone')) {
      f.values = { ...f.values, name: this.name ?? f.values.name, email: this.email ?? f.values.email, phone: this.phone ?? f.values.phone };
    }
    // Before the flow's month task reads its arguments, later in this same update.
    if (changed.has('timezone') && this.timezone) {
      // On the calendar or the times, a zone change may leave the shown month behind: the flow moves on.
      if (f.later && (f.state.step === 'date' || f.state.step === 'time')) f.later.setZone(f, this.timezone);
      else f.zone = this.timezone;
    }
    if (changed.has('hourCycle') || changed.has('locale')) f.h12 = this.hourCycle ? this.hourCycle === 'h12' : prefers12h(this.lang$);
    if (changed.has('locale') || this.#messagesFor === '') void this.#loadLocale();
    if (this.accounts === 'optional' && !this.#accountLoading) {
      this.#accountLoading = import('./accounts/index.ts').then((m) => void (this.account = new m.Accounts(this)), () => (this.#accountLoading = undefined));
    }
    if ((this.#woken || !isModal(this.mode)) && (!this.#started || changed.has('publishableKey') || changed.has('apiBase'))) {
      this.#started = true;
      void f.start();
    } else if (changed.has('service') && f.services) void f.openService(this.service);
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
    const later = this.flow.later;
    if (look !== this.#lookFor && later) {
      this.#lookFor = look;
      root.style.setProperty('--_accent-fg', `var(--bw-accent-foreground, ${later.readableOn(root)})`);
    }
  }

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

  /** @internal */
  get weekStartDay(): number {
    const n = Number(this.weekStart);
    return n >= 1 && n <= 7 ? n : weekStartOf(this.lang$);
  }

  /** Opens a service's calendar (public: a page can call it, as the `service` attribute does). */
  openService(id: string | undefined) {
    return this.flow.openService(id);
  }

  /** Opens a booking of this guest's for viewing, cancelling or rescheduling. */
  openManage(id: string, token?: string) {
    return this.flow.openManage(id, token);
  }

  /** popup and floating modes: opens the dialog where the flow was left; focus returns to `opener` (else what had it) on closing. */
  async open(opener?: HTMLElement) {
    if (!isModal(this.mode)) return;
    this.wake();
    const { Modal } = await modalChunk();
    await (this.#modal ??= new Modal(this)).open(opener);
  }

  /** Closes the dialog; the flow and its hold wait for the next `open()`. */
  close() {
    this.#modal?.close();
  }

  /** @internal Starts loading what the dialog and the flow need (an opener was pointed at or focused). */
  wake = () => {
    if (this.#woken) return;
    this.#woken = true;
    modalChunk().catch(() => {});
    this.requestUpdate();
  };

  /** Back to the service list, forgetting the booking in hand (a page can call it). */
  restart() {
    this.flow.restart();
  }

  protected override render() {
    const f = this.flow;
    const s = f.state;
    // Every step has a template: the first paint's here, the rest in the flow and manage chunks (a skeleton until they arrive).
    const views: Partial<StepViews<Step>> = { ...first, ...f.later?.views, ...f.managing?.views };
    const view = (views[s.step] ?? first.loading) as StepView<Step>;
    const body = html`<div class="root" part="root" dir=${this.msg.dir} lang=${this.lang$}>
      <p class="sr" role="status" aria-live="polite">${f.announce}</p>
      ${this.account?.render() ?? nothing}${view(f, s)}
    </div>`;
    return isModal(this.mode) ? modal(this, body) : body;
  }
}
