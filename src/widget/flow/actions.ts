import type { BookingWidget, Saved } from '../booking-widget.ts';
import { addMonths, monthOf } from '../dates.ts';
import { fire } from '../events.ts';
import { clock, store } from '../storage.ts';
import * as api from './api.ts';
import { validateCustomer, type Values } from './validate.ts';

// The booking flow after the service list: loaded on demand, so the first paint carries none of it.
// Each action reads and writes the element's state; the element renders it.

type W = BookingWidget;

/** crypto.randomUUID needs a secure context; a plain-http merchant page still gets a v4 UUID. */
const uuid = (): string =>
  crypto.randomUUID?.() ??
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (Number(c) ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (Number(c) / 4)))).toString(16));

export function openService(w: W, id: string | undefined) {
  const s = w.services?.find((x) => x.id === id);
  if (!s) return w.go('services');
  w.current = s;
  w.date = undefined;
  w.month = monthOf(w.today);
  w.go('date');
  loadMonth(w, true);
}

/**
 * Free days of the shown month, from today on, in the customer's zone. A month wholly past (a
 * zone already in the next month was chosen) gives way to this month; with `onward`, a current
 * month whose times have all run out (late on its last day) gives way to the next, once.
 */
export async function loadMonth(w: W, onward = false) {
  const service = w.current;
  if (!service || !w.api) return;
  let q = w.monthQuery(service.id);
  if (!q) q = w.monthQuery(service.id, (w.month = monthOf(w.today)))!;
  const month = w.month;
  w.free = new Set();
  w.busy = true;
  let next = false;
  try {
    const res = await (w.takeEarly(q) ?? w.api.availability(q, { signal: w.signal, onWait: w.wait }));
    if (w.month !== month || w.current !== service) return;
    w.free = new Set(res.days.filter((d) => d.slots.length).map((d) => d.date));
    w.days = new Map(res.days.map((d) => [d.date, d.slots]));
    next = onward && !w.free.size && month === monthOf(w.today);
    if (w.notice && !w.notice.bad) w.notice = undefined;
  } catch (err) {
    w.fail(err, () => loadMonth(w, onward));
  } finally {
    w.busy = false;
  }
  if (next) setMonth(w, addMonths(month, 1));
}

export function setMonth(w: W, month: string) {
  w.month = month;
  loadMonth(w);
}

export function pickDate(w: W, date: string) {
  w.date = date;
  w.go('time');
}

export function setZone(w: W, zone: string) {
  w.zone = zone;
  w.date = undefined;
  loadMonth(w, true);
  if (w.step === 'time') w.go('date');
}

export async function pickTime(w: W, start: string) {
  if (w.rescheduling) return confirmMove(w, start);
  w.busy = true;
  try {
    const { hold } = await api.hold(w.api!, { service_id: w.current!.id, start, staff_id: w.staff || undefined }, { signal: w.signal, onWait: w.wait });
    w.hold = hold;
    w.idempotencyKey = undefined;
    w.notice = undefined;
    w.announce = w.msg.holdPlaced(w.when(start));
    fire(w, 'bw-hold', { hold });
    w.go('details');
    tick(w);
  } catch (err) {
    w.fail(err);
  } finally {
    w.busy = false;
  }
}

export const holdLeft = (w: W) => (w.hold ? Date.parse(w.hold.expires_at) - w.api!.session.serverNow() : 0);

/** Re-renders the hold's countdown every second while the details step is open. */
export function tick(w: W) {
  clock.clearTimeout(w.ticker);
  if (w.step !== 'details' || !w.hold) return;
  if (holdLeft(w) <= 0) {
    w.notice = { text: w.msg.holdExpired, bad: true, action: { label: w.msg.pickAgain, run: () => backToTimes(w) } };
    w.announce = w.msg.holdExpired;
    return;
  }
  w.requestUpdate();
  w.ticker = clock.setTimeout(() => tick(w), 1000);
}

/** Going back from the details releases the hold, so the time is free for others again. */
export function backToTimes(w: W) {
  if (w.hold && holdLeft(w) > 0) api.release(w.api!, w.hold.id).catch(() => {});
  w.hold = undefined;
  w.notice = undefined;
  w.go('time');
  loadMonth(w);
}

export function setValue(w: W, field: keyof Values, value: string) {
  w.values = { ...w.values, [field]: value };
  w.idempotencyKey = undefined;
  if (w.errors[field] !== undefined) w.errors = { ...w.errors, ...validateCustomer(w.values, w.msg, [field]) };
}

export async function submit(w: W) {
  if (w.busy || !w.current || !w.hold) return;
  const errors = validateCustomer(w.values, w.msg);
  w.errors = errors;
  if (Object.values(errors).some(Boolean)) {
    w.notice = { text: w.msg.fixErrors, bad: true };
    w.announce = w.msg.fixErrors;
    await w.updateComplete;
    w.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    return;
  }
  const v = w.values;
  const request = {
    service_id: w.current.id, start: w.hold.start, staff_id: w.hold.staff_id, hold_id: w.hold.id, timezone: w.zone,
    customer: { name: v.name.trim(), email: v.email.trim(), ...(v.phone.trim() ? { phone: v.phone.trim() } : {}) },
    ...(v.notes.trim() ? { notes: v.notes.trim() } : {}),
    // The emails about this booking speak the customer's language (and, from `timezone`, time).
    ...(emailLocale(w.lang$) ? { locale: emailLocale(w.lang$) } : {}),
  };
  if (!fire(w, 'bw-before-book', { request }, true)) return;
  // One key per attempt, kept across the client's retries and a second click on the same request.
  w.idempotencyKey ??= uuid();
  w.busy = true;
  try {
    const created = await api.book(w.api!, request, w.idempotencyKey, { onWait: w.wait });
    w.idempotencyKey = undefined;
    w.hold = undefined;
    w.booking = { booking: created.booking, token: created.manage_token };
    store.set(w.manageKey(created.booking.id), created.manage_token);
    w.notice = undefined;
    w.announce = w.msg.bookedAnnounce(w.when(created.booking.start));
    w.go('done');
    fire(w, 'bw-booked', { booking: created.booking });
  } catch (err) {
    w.fail(err);
  } finally {
    w.busy = false;
  }
}

/** The guest's upcoming bookings, for the service step; quietly nothing when there are none. */
export async function loadMine(w: W) {
  if (!store.get(w.api!.guestKey)) return;
  try {
    const { data } = await api.guestBookings(w.api!, { signal: w.signal });
    const now = w.api!.session.serverNow();
    w.mine = data.filter((b) => b.status === 'confirmed' && Date.parse(b.end) > now);
  } catch {
    w.mine = [];
  }
}

export async function openManage(w: W, id: string, token?: string) {
  token ??= store.get<string>(w.manageKey(id));
  if (!token) return;
  w.go('loading');
  try {
    const { booking } = await api.booking(w.api!, id, token, { signal: w.signal });
    w.booking = { booking, token };
    w.current = w.services?.find((s) => s.id === booking.service_id) ?? w.current;
    w.go('manage');
  } catch (err) {
    w.fail(err, () => openManage(w, id, token));
  }
}

export async function cancelBooking(w: W) {
  const b = w.booking;
  if (!b?.token) return;
  w.busy = true;
  try {
    const { booking } = await api.cancel(w.api!, b.booking.id, b.token);
    w.booking = { booking, token: b.token };
    w.confirming = false;
    w.announce = w.msg.cancelled;
    w.go('manage');
    fire(w, 'bw-cancelled', { booking });
  } catch (err) {
    w.fail(err);
  } finally {
    w.busy = false;
  }
}

export async function startReschedule(w: W) {
  const b = w.booking;
  if (!b) return;
  if (!w.services) w.services = (await w.api!.services()).data;
  w.rescheduling = true;
  openService(w, b.booking.service_id);
}

async function confirmMove(w: W, start: string) {
  const b = w.booking!;
  w.busy = true;
  try {
    const { booking } = await api.reschedule(w.api!, b.booking.id, b.token!, start, { onWait: w.wait });
    w.booking = { booking, token: b.token };
    w.rescheduling = false;
    w.notice = { text: w.msg.rescheduled };
    w.announce = w.msg.rescheduled;
    w.go('manage');
    fire(w, 'bw-rescheduled', { booking });
  } catch (err) {
    w.fail(err);
  } finally {
    w.busy = false;
  }
}

/** After a reload: the same step, with the same hold while it lasts. */
export function restore(w: W, saved: Saved): boolean {
  const service = w.services?.find((s) => s.id === saved.serviceId);
  if (!service) return false;
  w.current = service;
  w.values = { ...w.values, ...saved.values };
  w.date = saved.date;
  w.month = monthOf(saved.date ?? w.today);
  loadMonth(w);
  if (saved.step === 'details' && saved.hold && Date.parse(saved.hold.expires_at) > w.api!.session.serverNow()) {
    w.hold = saved.hold;
    w.go('details');
    tick(w);
  } else if ((saved.step === 'time' || saved.step === 'details') && saved.date) {
    w.go('time');
  } else {
    w.go('date');
  }
  return true;
}

/** The page's language as a well-formed tag the API accepts, or nothing (a merchant's typo must not block a booking). */
function emailLocale(lang: string): string | undefined {
  try {
    const tag = Intl.getCanonicalLocales(lang)[0];
    return tag && tag.length <= 35 ? tag : undefined;
  } catch {
    return undefined;
  }
}
