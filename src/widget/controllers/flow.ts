import type { ReactiveController } from 'lit';
import type { AvailabilityResponse, PublicService } from '../../contract/widget.ts';
import type { Api, MonthQuery } from '../api.ts';
import type { BookingWidget } from '../booking-widget.ts';
import { firstOfMonth, lastOfMonth, monthOf, todayIn } from '../dates.ts';
import { fire } from '../events.ts';
import { WidgetApiError } from '../net.ts';
import type { Session } from '../session.ts';
import type { Month } from '../flow/month.ts';
import type { FlowState, Step, StepData } from '../steps/list.ts';
import { clock, keys, store, tab } from '../storage.ts';
import { SessionController } from './session.ts';
import type { Task } from './task.ts';

/** The steps after the service list and their transitions: loaded on demand (flow/index.ts). */
type Later = typeof import('../flow/index.ts');
/** The manage step and its transitions: loaded when a booking is opened (manage/manage.ts). */
type Manage = typeof import('../manage/manage.ts');

export interface Values { name: string; email: string; phone: string; notes: string }
export interface Notice { text: string; bad?: boolean | undefined; action?: { label: string; run: () => void } | undefined }
/** What a reload comes back to (what was typed is kept apart, for the tab only: `Flow.save`). */
export interface Saved { step: Step; serviceId: string; month?: string | undefined; date?: string | undefined; hold?: StepData['details']['hold'] | undefined }

/** Where the script was loaded from: the API's default origin. */
const SCRIPT_ORIGIN = new URL(import.meta.url).origin;

/**
 * The booking flow: owns its state (one value, of one step: steps/list.ts) and changes it only
 * through `go`, which the named transitions here and in flow/transitions.ts call. The element
 * renders what it holds. As a reactive controller it follows the element into and out of the
 * document: the hold's countdown stops while the element is away and goes on when it is back.
 */
export class Flow implements ReactiveController {
  #state: FlowState = { step: 'loading' };
  /** The business's services, once loaded. */
  services: PublicService[] | undefined;
  notice: Notice | undefined;
  /** Said to screen readers (a polite live region). */
  announce = '';
  /** An action is on its way (hold, book, cancel, move): its buttons wait. */
  busy = false;
  errors: Record<string, string> = {};
  values: Values = { name: '', email: '', phone: '', notes: '' };
  zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  h12 = false;
  /** One key per booking attempt, kept across its retries. */
  idempotencyKey: string | undefined;
  /** The flow chunk, once here. */
  later: Later | undefined;
  /** The manage chunk, once here. */
  managing: Manage | undefined;
  #manageLoading: Promise<Manage> | undefined;
  readonly session: SessionController;
  /** The shown month's free times (flow/month.ts), from when the flow chunk is here. */
  month: Task<MonthQuery, Month> | undefined;
  #laterLoading: Promise<Later> | undefined;
  /** Aborts the requests of the step being left. */
  #stepAbort = new AbortController();
  #interacted = false;
  /** The first month's availability, asked for beside the service list; taken once if the flow asks the same. */
  #early: { key: string; answer: Promise<AvailabilityResponse> } | undefined;

  constructor(readonly host: BookingWidget) {
    host.addController(this);
    this.session = new SessionController(host, (s: Session) => s.fatal && this.go({ step: 'unavailable' }));
  }

  get state(): FlowState {
    return this.#state;
  }

  get api(): Api | undefined {
    return this.session.api;
  }

  get msg() {
    return this.host.msg;
  }

  get lang() {
    return this.host.lang$;
  }

  /** The requests of the step on show; leaving the step aborts them. */
  get signal() {
    return this.#stepAbort.signal;
  }

  /** Today in the customer's zone, on the server's clock. */
  get today() {
    return todayIn(this.zone, this.api?.session.serverNow() ?? clock.now());
  }

  // ---------------------------------------------------------------- lifecycle

  hostConnected() {
    this.host.addEventListener('keydown', this.#markInteracted, { capture: true });
    this.host.addEventListener('pointerdown', this.#markInteracted, { capture: true });
  }

  #markInteracted = () => {
    this.#interacted = true;
  };

  // ---------------------------------------------------------------- the one way the state changes

  /**
   * Moves to a state: leaving a step aborts its requests, clears its messages (they spoke of
   * it), fires `bw-step-change` and moves focus to the new heading for keyboard users; the flow
   * is saved for a reload to come back to. A message for the new step is said after `go`.
   */
  go(next: FlowState) {
    const previous = this.#state.step;
    this.#state = next;
    if (next.step !== previous) this.notice = undefined;
    // The manage step's chunk: needed now, or soon after a confirmation.
    if (next.step === 'manage' || next.step === 'done') this.manage().catch(() => {});
    this.save();
    this.host.requestUpdate();
    if (next.step === previous) return;
    this.#stepAbort.abort();
    this.#stepAbort = new AbortController();
    fire(this.host, 'bw-step-change', { step: next.step, previous });
    this.#focusHeading();
  }

  /** For keyboard users, focus follows the flow to the heading of what is on show. */
  #focusHeading() {
    if (this.#interacted) void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>('h2')?.focus());
  }

  /**
   * Runs an action of the customer's: its buttons wait meanwhile, and a failure says what
   * happened; `handle` takes the failures the action itself knows how to answer.
   */
  async run(work: (signal: AbortSignal) => Promise<unknown>, handle?: (e: WidgetApiError) => boolean | void) {
    this.busy = true;
    this.host.requestUpdate();
    try {
      await work(this.signal);
    } catch (err) {
      this.fail(err, undefined, handle);
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }

  // ---------------------------------------------------------------- start

  /** (Re)starts with the element's key and API: the session, then the services (or a manage link, or a reload's step). */
  async start() {
    const h = this.host;
    const api = this.session.use(h.apiBase || SCRIPT_ORIGIN, h.publishableKey);
    if (!api) return this.go({ step: 'unavailable' });
    this.go({ step: 'loading' });
    const url = globalThis.location && new URL(location.href);
    const bookingId = url?.searchParams.get('booking');
    const linked = url?.searchParams.get('token');
    if (bookingId && linked) {
      // A manage link's token leaves the address bar (so the history, analytics and the Referer of
      // every request from now on) as soon as it is read; `booking` stays, to say on a reload which
      // booking is open. The token stays with this tab only: sessionStorage, never localStorage.
      tab.set(this.manageKey(bookingId), linked);
      url.searchParams.delete('token');
      history.replaceState(history.state, '', url);
    }
    try {
      // One round trip to the first paint: without a session in hand, the service list (and a
      // preselected service's month) are asked for with the publishable key itself, beside the
      // exchange rather than after it; the flow chunk (schemas, calendar) loads meanwhile.
      const manageLink = bookingId && tab.get<string>(this.manageKey(bookingId));
      const auth = api.session.ready ? undefined : 'key' as const;
      const ready = api.session.get();
      let services: ReturnType<Api['services']> | undefined;
      // A link from an email or an ad (bw_service, bw_date: flow/link.ts) opens a service like the attribute does.
      const service = url?.searchParams.get('bw_service') || h.service;
      if (!manageLink) {
        if (service) {
          this.load().catch(() => {});
          const q = this.query(service, monthOf(this.today));
          if (q) this.#early = { key: JSON.stringify(q), answer: api.availability(q, { auth }) };
          this.#early?.answer.catch(() => {});
        }
        services = api.services({ signal: this.signal, onWait: this.wait, auth });
        services.catch(() => {});
      }
      // The catalog answers do not wait for the session: asked with the key, they paint as soon as
      // they are here (the session comes beside them, and only holds and bookings need it).
      const session = ready.then(() => fire(h, 'bw-ready', { business: api.session.data!.business }));
      if (manageLink) {
        await session;
        return await this.openManage(bookingId, manageLink);
      }
      // A key that cannot work here stops the flow through the session's subscriber (the constructor);
      // any other failure of the exchange is tried again by the first hold.
      session.catch(() => {});
      const { data } = await services!;
      this.services = data;
      this.notice = undefined;
      const saved = store.get<Saved>(this.#flowKey);
      if (saved && (await this.load()).restore(this, saved)) return;
      if (service) return (await this.load()).openLinked(this);
      this.showServices();
    } catch (err) {
      this.fail(err, () => void this.start());
    }
  }

  /** Loads the steps after the service list once; the first paint does not wait for them. */
  load(): Promise<Later> {
    return (this.#laterLoading ??= this.#arrive(import('../flow/index.ts'), (m) => {
      this.later = m;
      this.month = new m.MonthTask(this);
      new m.Countdown(this);
      return m.views;
    }, () => (this.#laterLoading = undefined)));
  }

  /** Loads the manage step once, when a booking is opened (it brings the flow chunk with it). */
  manage(): Promise<Manage> {
    return (this.#manageLoading ??= this.#arrive(Promise.all([import('../manage/manage.ts'), this.load()]).then(([m]) => m), (m) => {
      this.managing = m;
      return m.views;
    }, () => (this.#manageLoading = undefined)));
  }

  /**
   * A chunk arriving: the step on show, if it was waiting for it (a skeleton meanwhile), is
   * painted and focused. A chunk that cannot be fetched says so and may be asked for again.
   */
  #arrive<T>(chunk: Promise<T>, take: (m: T) => object, forget: () => void): Promise<T> {
    return chunk.then((m) => {
      if (this.#state.step in take(m)) this.#focusHeading();
      this.host.requestUpdate();
      return m;
    }, (err: unknown) => {
      forget();
      this.fail(new WidgetApiError('network', String(err)));
      throw err;
    });
  }

  async openService(id: string | undefined) {
    (await this.load()).openService(this, id);
  }

  async openManage(id: string, token?: string) {
    await (await this.manage()).openManage(this, id, token);
  }

  /** The service list, with a returning guest's upcoming bookings below it. */
  showServices() {
    this.go({ step: 'services', mine: [] });
    this.load().catch(() => {});
    if (this.api && store.get(this.api.guestKey)) this.manage().then((m) => m.loadMine(this), () => {});
  }

  /** Back to the service list, forgetting the booking in hand (and a manage link's parameter and token). */
  restart() {
    this.notice = undefined;
    const url = globalThis.location && new URL(location.href);
    const id = url?.searchParams.get('booking');
    if (id && this.api && tab.get(this.manageKey(id))) {
      tab.remove(this.manageKey(id));
      url.searchParams.delete('booking');
      history.replaceState(history.state, '', url);
    }
    this.showServices();
  }

  // ---------------------------------------------------------------- helpers the steps share

  /**
   * A service's free-times query for a month, from today on, in the customer's zone; none for a
   * month wholly past. `staff`: whose times (a booking being moved keeps its staff member).
   */
  query(serviceId: string, month: string, staff = this.host.staff): MonthQuery | undefined {
    const today = this.today;
    const from = firstOfMonth(month) < today ? today : firstOfMonth(month);
    const to = lastOfMonth(month);
    return to < from ? undefined : { service_id: serviceId, from, to, timezone: this.zone, staff_id: staff || undefined };
  }

  wait = (seconds: number) => {
    this.notice = { text: this.msg.rateLimited(seconds) };
    this.host.requestUpdate();
  };

  /** A message beside the step (an alert when `bad`), said to screen readers too, with a way on if there is one. */
  say(text: string, bad?: boolean, action?: Notice['action']) {
    this.notice = { text, bad, action };
    this.announce = text;
    this.host.requestUpdate();
  }

  manageKey(id: string) {
    return keys.manage(this.api!.session.apiBase, id);
  }

  /** The first month's answer if it was asked for early with the same query; taken once. */
  takeEarly(q: MonthQuery): Promise<AvailabilityResponse> | undefined {
    const early = this.#early;
    this.#early = undefined;
    return early?.key === JSON.stringify(q) ? early.answer : undefined;
  }

  /** Errors become a calm message with a way on; a dead key becomes the fallback. */
  fail(err: unknown, retry?: () => void, handle?: (e: WidgetApiError) => boolean | void) {
    if ((err as Error)?.name === 'AbortError' || (this.signal.aborted && !(err instanceof WidgetApiError))) return;
    const e = err instanceof WidgetApiError ? err : new WidgetApiError('internal', String(err));
    const m = this.msg;
    const s = this.#state;
    fire(this.host, 'bw-error', { code: e.code, message: e.message });
    if (this.api?.session.fatal) return this.go({ step: 'unavailable' });
    if (handle?.(e)) return;
    if (s.step === 'loading') {
      if (e.code === 'network' && !this.services) return this.go({ step: 'unavailable' });
      this.showServices();
    }
    this.say(e.code === 'network' ? m.offline : e.code === 'not_found' ? m.notFound : m.somethingWrong, true, retry && { label: m.retry, run: retry });
  }

  // ---------------------------------------------------------------- persistence

  get #flowKey() {
    return this.api ? keys.flow(this.api.session.apiBase, this.host.publishableKey, this.host.id) : '';
  }

  /**
   * Keeps the flow for a reload: the step, its service, month, date and hold; what was typed is
   * personal, so it stays with this tab (sessionStorage) and only until the booking is made.
   */
  save() {
    const key = this.#flowKey;
    const s = this.#state;
    if (!key || s.step === 'loading' || s.step === 'unavailable') return;
    if (s.step === 'done') tab.remove(key);
    else if (Object.values(this.values).some(Boolean)) tab.set(key, this.values);
    if (!('service' in s) || ('moving' in s && s.moving)) return store.remove(key);
    const saved: Saved = {
      step: s.step, serviceId: s.service.id, month: s.step === 'date' ? s.month : undefined, date: s.date,
      hold: s.step === 'details' ? s.hold : undefined,
    };
    store.set(key, saved);
  }

  /** What this tab had typed before a reload. */
  get typed(): Values | undefined {
    return this.#flowKey ? tab.get<Values>(this.#flowKey) : undefined;
  }
}
