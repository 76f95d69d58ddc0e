import type { Flow, Saved, Values } from '../controllers/flow.ts';
import { monthOf } from '../dates.ts';
import { fire } from '../events.ts';
import type { FlowState, Held, StateOf } from '../steps/list.ts';
import { focusSoon, when } from '../steps/parts.ts';
import type { WidgetApiError } from '../net.ts';
import { store } from '../storage.ts';
import * as api from './api.ts';
import { holdLeft } from './countdown.ts';
import { validateCustomer } from './validate.ts';
import { pageMetadata } from './attribution.ts';
import { deepLink } from './link.ts';

// The flow's named transitions after the service list, loaded on demand with the steps that call
// them. Each reads the state it starts from and hands the next one to `f.go`; nothing else writes it.

type F = Flow;

/** crypto.randomUUID needs a secure context; a plain-http merchant page still gets a v4 UUID. */
const uuid = (): string =>
  crypto.randomUUID?.() ??
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (Number(c) ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (Number(c) / 4)))).toString(16));

/** A service's calendar, at this month (or the next, when this one has no time left); with a `date` from today on, that day's times. */
export function openService(f: F, id: string | undefined, moving?: Held, date?: string) {
  const service = f.services?.find((x) => x.id === id);
  if (!service) return f.showServices();
  if (date && /^\d{4}-\d\d-\d\d$/.test(date) && date >= f.today) return f.go({ step: 'time', service, date, moving });
  f.go({ step: 'date', service, month: monthOf(f.today), onward: true, moving });
}

/** Where a page opens: the service (and day) of a link just followed, else of the element's `service` and `date`. */
export function openLinked(f: F) {
  const { service, date } = deepLink(f.host);
  openService(f, service, undefined, date);
}

/** Another month of the calendar; a month wholly past (the zone moved on) gives way to this one. */
export function setMonth(f: F, month: string, onward = false) {
  const s = f.state;
  if (s.step !== 'date' && s.step !== 'time') return;
  const shown = f.query(s.service.id, month) ? month : monthOf(f.today);
  f.go({ step: 'date', service: s.service, month: shown, date: s.step === 'date' ? s.date : undefined, onward, moving: s.moving });
}

export function pickDate(f: F, s: StateOf<'date' | 'time'>, date: string) {
  f.go({ step: 'time', service: s.service, date, moving: s.moving });
}

/** Back to the calendar, at the month of the day that was open (from the details, the hold is released). */
export function backToDates(f: F, s: FlowState = f.state) {
  if (s.step !== 'time' && s.step !== 'details') return;
  releaseHeld(f);
  f.go({ step: 'date', service: s.service, month: monthOf(s.date), date: s.date, moving: s.step === 'time' ? s.moving : undefined });
}

/** Back to the service list (the step indicator's first step); a hold in hand is released. */
export function backToServices(f: F) {
  releaseHeld(f);
  f.restart();
}

/** The hold in hand, released so the time is free for others again. */
function releaseHeld(f: F) {
  const s = f.state;
  if (s.step === 'details' && holdLeft(f) > 0) api.release(f.api!, s.hold.id).catch(() => {});
}

export function setZone(f: F, zone: string) {
  const s = f.state;
  if (s.step !== 'date' && s.step !== 'time') return;
  f.zone = zone;
  setMonth(f, s.step === 'date' ? s.month : monthOf(s.date), true);
}

/** A time taken by someone else meanwhile: back to the day's times, loaded again. */
export function taken(f: F, e: WidgetApiError) {
  const s = f.state;
  if (e.code !== 'slot_taken' || (s.step !== 'details' && s.step !== 'time')) return false;
  f.go({ step: 'time', service: s.service, date: s.date, moving: s.step === 'time' ? s.moving : undefined });
  f.say(f.msg.slotTaken, true);
  void f.month?.run();
  return true;
}

/** A time picked: held for the customer (or, when a booking is being moved, asked about first). */
export function pickTime(f: F, s: StateOf<'time'>, start: string) {
  if (s.moving) {
    f.go({ ...s, confirm: start });
    return focusSoon(f, '[data-yes]');
  }
  return holdTime(f, s.service, s.date, start, f.host.staff || undefined);
}

function holdTime(f: F, service: StateOf<'time'>['service'], date: string, start: string, staff: string | undefined) {
  return f.run(async (signal) => {
    const { hold } = await api.hold(f.api!, { service_id: service.id, start, staff_id: staff }, { signal, onWait: f.wait });
    f.idempotencyKey = undefined;
    f.notice = undefined;
    fire(f.host, 'bw-hold', { hold });
    f.go({ step: 'details', service, date, hold });
    // How long the hold lasts is the server's to say: its expires_at, not a number written here.
    f.announce = f.msg.holdPlaced(when(f, start), Math.max(1, Math.round(holdLeft(f) / 60_000)));
  }, (e) => taken(f, e));
}

/** After a hold ran out: the same time held again if it is still free, else back to the day's times (`taken`). */
export function holdAgain(f: F) {
  const s = f.state;
  if (s.step === 'details') return holdTime(f, s.service, s.date, s.hold.start, s.hold.staff_id);
}

/** The question before a move, answered: moved (`yes`), or back to the day's times. */
export function answerMove(f: F, s: StateOf<'time'>, yes: boolean) {
  if (yes && s.moving && s.confirm) return f.manage().then((m) => m.move(f, s.moving!, s.confirm!));
  f.go({ ...s, confirm: undefined });
  focusSoon(f, '.times [tabindex="0"]');
}

/** Going back from the details releases the hold, so the time is free for others again. */
export function backToTimes(f: F) {
  const s = f.state;
  if (s.step !== 'details') return;
  releaseHeld(f);
  f.notice = undefined;
  f.go({ step: 'time', service: s.service, date: s.date });
  void f.month?.run();
}

export function setValue(f: F, field: keyof Values, value: string) {
  f.values = { ...f.values, [field]: value };
  f.idempotencyKey = undefined;
  if (f.errors[field] !== undefined) f.errors = { ...f.errors, ...validateCustomer(f.values, f.msg, [field]) };
  f.save();
  f.host.requestUpdate();
}

export async function submit(f: F) {
  const s = f.state;
  if (f.busy || s.step !== 'details') return;
  const m = f.msg;
  const errors = validateCustomer(f.values, m);
  f.errors = errors;
  if (Object.values(errors).some(Boolean)) {
    f.say(m.fixErrors, true);
    await f.host.updateComplete;
    f.host.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    return;
  }
  const v = f.values;
  // With the hour cycle the customer saw (`-u-hc-`), which the emails' formatting follows.
  const locale = emailLocale(`${f.lang}-u-hc-${f.h12 ? 'h12' : 'h23'}`);
  const metadata = pageMetadata(f.host.forwardParams, location.search);
  const request = {
    service_id: s.service.id, start: s.hold.start, staff_id: s.hold.staff_id, hold_id: s.hold.id, timezone: f.zone,
    customer: { name: v.name.trim(), email: v.email.trim(), ...(v.phone.trim() ? { phone: v.phone.trim() } : {}) },
    ...(v.notes.trim() ? { notes: v.notes.trim() } : {}),
    // The emails about this booking speak the customer's language (and, from `timezone`, time).
    ...(locale ? { locale } : {}),
    // Attribution for the merchant (utm_source and the like); never shown to other customers.
    ...(metadata ? { metadata } : {}),
  };
  if (!fire(f.host, 'bw-before-book', { request }, true)) return;
  // One key per attempt, kept across the client's retries and a second click on the same request.
  const key = (f.idempotencyKey ??= uuid());
  await f.run(async () => {
    const created = await api.book(f.api!, request, key, { onWait: f.wait });
    f.idempotencyKey = undefined;
    store.set(f.manageKey(created.booking.id), created.manage_token);
    f.announce = m.bookedAnnounce(when(f, created.booking.start));
    f.go({ step: 'done', booking: created.booking, token: created.manage_token });
    fire(f.host, 'bw-booked', { booking: created.booking });
  }, (e) => {
    if (taken(f, e)) return true;
    if (e.code !== 'invalid_request' || !e.fields.length) return false;
    // The server's word on a field the form let through: shown beside that field.
    f.errors = Object.fromEntries(e.fields.map((x) => [x.property.replace(/^customer\./, ''), x.messages[0] ?? '']));
    f.notice = { text: m.fixErrors, bad: true };
    return true;
  });
}

export const manageBooking = (f: F, { booking, token }: Held) => f.go({ step: 'manage', booking, token });

/** After a reload: the same step with its data, and the same hold while it lasts. */
export function restore(f: F, saved: Saved): boolean {
  // A link just followed (bw_service, bw_date) wins over a flow saved earlier.
  if (deepLink(f.host).fromUrl) return false;
  const service = f.services?.find((s) => s.id === saved.serviceId);
  if (!service) return false;
  f.values = { ...f.values, ...f.typed };
  const { date, hold } = saved;
  if (saved.step === 'details' && date && hold && Date.parse(hold.expires_at) > f.api!.session.serverNow()) f.go({ step: 'details', service, date, hold });
  else if ((saved.step === 'time' || saved.step === 'details') && date && date >= f.today) f.go({ step: 'time', service, date });
  else {
    // A month that has passed meanwhile (a reload days later) gives way to this one.
    const month = saved.month ?? monthOf(date ?? f.today);
    f.go({ step: 'date', service, month: f.query(service.id, month) ? month : monthOf(f.today), date, onward: true });
  }
  return true;
}

/** The page's language as a well-formed tag the API accepts, or nothing (a merchant's typo must not block a booking). */
function emailLocale(lang: string): string | undefined {
  try {
    const tag = Intl.getCanonicalLocales(lang)[0];
    return tag && tag.length <= 35 ? tag : emailLocale(lang.replace(/-u-.*/, ''));
  } catch {
    return lang.includes('-u-') ? emailLocale(lang.replace(/-u-.*/, '')) : undefined;
  }
}

export function setClock(f: F, h12: boolean) {
  f.h12 = h12;
  f.host.requestUpdate();
}
