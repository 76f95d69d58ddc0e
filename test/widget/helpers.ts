import { executeServerCommand } from '@web/test-runner-commands';
import { fixture, html, waitUntil } from '@open-wc/testing';
import { nothing } from 'lit';
import '../../src/widget/index.ts';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import { Session } from '../../src/widget/session.ts';
import { clock } from '../../src/widget/storage.ts';

export interface Fixture { apiBase: string; pk: string; keyId: string; serviceId: string; staffId: string; staffIds: string[]; businessName: string }

/** A fresh staff member, service and publishable key on the real API server of this test run. */
export const apiFixture = (payload: { serviceName?: string; description?: string; closedThisMonth?: boolean; closedDates?: string[]; staffNames?: string[]; allowedOrigins?: string[]; accounts?: boolean; code?: boolean } = {}) =>
  executeServerCommand<Fixture, typeof payload>('api-fixture', payload);
export const revokeKey = (keyId: string) => executeServerCommand('api-revoke', { keyId });
/** The mails the API server has sent so far, oldest first. */
export const sentMails = () => executeServerCommand<{ to: string; subject: string; text: string }[], undefined>('api-mails');
export const adminBookings = () => executeServerCommand<{ data: { id: string; start: string; customer: { email: string } }[] }, undefined>('api-bookings');

/** Every request the page makes, as seen by window.fetch (method, URL, headers). */
export interface Seen { method: string; url: string; headers: Headers; body: string | null }
let seen: Seen[] = [];
type Intercept = (req: Seen, real: () => Promise<Response>) => Promise<Response>;
let intercept: Intercept | undefined;
const realFetch = window.fetch.bind(window);
window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
  const req: Seen = { method: (init.method ?? 'GET').toUpperCase(), url: input instanceof Request ? input.url : String(input), headers: new Headers(init.headers), body: (init.body as string) ?? null };
  seen.push(req);
  const real = () => realFetch(input, init);
  return intercept ? intercept(req, real) : real();
};

export const requests = (pattern: RegExp, method?: string) => seen.filter((r) => pattern.test(r.url) && (!method || r.method === method));
export const onFetch = (fn: Intercept | undefined) => (intercept = fn);

/** A clean page state between tests: no stored sessions, tokens, flows or fakes. */
export function resetWorld() {
  Session.reset();
  localStorage.clear();
  sessionStorage.clear();
  seen = [];
  intercept = undefined;
  Object.assign(clock, { now: () => Date.now(), setTimeout: (fn: () => void, ms: number) => window.setTimeout(fn, ms), clearTimeout: (id: unknown) => window.clearTimeout(id as number) });
}

export async function mount(f: Fixture, attrs: Record<string, string> = {}): Promise<BookingWidget> {
  const el = await fixture<BookingWidget>(html`<booking-widget publishable-key=${f.pk} api-base=${f.apiBase} locale=${attrs.locale ?? 'en'} timezone=${attrs.timezone ?? 'Europe/Berlin'}
      theme=${attrs.theme ?? 'light'} service=${attrs.service ?? ''} accounts=${attrs.accounts ?? nothing}><a href="https://example.com/book">Book by phone</a></booking-widget>`);
  return el;
}

/** A reload: nothing in memory, everything in storage (this tab's sessionStorage too); the same page mounts the widget again. */
export async function reload(el: BookingWidget, f: Fixture, attrs: Record<string, string> = {}) {
  el.remove();
  Session.reset();
  return mount(f, attrs);
}

export const $ = <T extends Element = HTMLElement>(el: BookingWidget, sel: string) => el.shadowRoot!.querySelector<T>(sel);
export const $$ = <T extends Element = HTMLElement>(el: BookingWidget, sel: string) => [...el.shadowRoot!.querySelectorAll<T>(sel)];

/** The step is on show: its state, and its template (lazy steps arrive with their chunk). */
export async function untilStep(el: BookingWidget, step: string) {
  const painted = () => {
    const f = el.flow;
    return ['loading', 'unavailable', 'services'].includes(step) || step in (f.later?.views ?? {}) || step in (f.managing?.views ?? {});
  };
  await waitUntil(() => el.step === step && painted(), `step ${step} (now ${el.step}, notice: ${el.flow.notice?.text})`, { timeout: 10_000 });
  await el.updateComplete;
}

/** The calendar's free days, once loaded. */
export async function freeDays(el: BookingWidget): Promise<HTMLButtonElement[]> {
  await waitUntil(() => (el.shadowRoot!.querySelector('bw-calendar')?.shadowRoot?.querySelectorAll('button.free').length ?? 0) > 0, 'free days', { timeout: 10_000 });
  return [...el.shadowRoot!.querySelector('bw-calendar')!.shadowRoot!.querySelectorAll<HTMLButtonElement>('button.free')];
}

/** Click through service → date → first time; resolves on the details step with a hold. */
export async function toDetails(el: BookingWidget) {
  if (el.step !== 'date') {
    await untilStep(el, 'services');
    $(el, 'button.service')!.click();
  }
  await untilStep(el, 'date');
  (await freeDays(el))[0].click();
  await untilStep(el, 'time');
  (await safeTime(el)).click();
  await untilStep(el, 'details');
}

/**
 * The first shown time that starts more than ten minutes from now (else the first): the first
 * slot of today is the next full hour, and a booking sent after that hour has begun is refused.
 */
export async function safeTime(el: BookingWidget): Promise<HTMLButtonElement> {
  await waitUntil(() => $$(el, '.times button').length > 0, 'times');
  const times = $$<HTMLButtonElement>(el, '.times button');
  return times.find((b) => Date.parse(b.querySelector('time')!.dateTime) > Date.now() + 10 * 60_000) ?? times[0];
}

/** A whole booking with the defaults: mounted, through the steps, submitted; resolves on the confirmation. */
export async function bookOne(f: Fixture, attrs: Record<string, string> = {}): Promise<BookingWidget> {
  const el = await mount(f, attrs);
  await toDetails(el);
  await fillDetails(el);
  $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
  await untilStep(el, 'done');
  return el;
}

export async function fillDetails(el: BookingWidget, v = { name: 'Ada Lovelace', email: 'ada@example.com' }) {
  const set = (id: string, value: string) => {
    const input = $<HTMLInputElement>(el, id)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };
  set('#bw-name', v.name);
  set('#bw-email', v.email);
  await el.updateComplete;
}

/** The shown month's free days; none while it loads. */
export const free = (el: BookingWidget): Set<string> => (el.flow.month?.status === 'complete' ? el.flow.month.value!.free : new Set());

/** The month the calendar shows (or the open day's month, on the time step). */
export function shownMonth(el: BookingWidget): string {
  const s = el.flow.state;
  return s.step === 'date' ? s.month : s.step === 'time' ? s.date.slice(0, 7) : '';
}

/** The hold in hand, on the details step. */
export const heldNow = (el: BookingWidget) => (el.flow.state.step === 'details' ? el.flow.state.hold : undefined);

/** The booking in hand, on the confirmation and manage steps. */
export function bookedNow(el: BookingWidget) {
  const s = el.flow.state;
  return s.step === 'done' || s.step === 'manage' ? s : undefined;
}
