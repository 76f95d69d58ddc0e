import type { Flow } from '../controllers/flow.ts';
import { fire } from '../events.ts';
import * as api from './api.ts';
import { openService, taken } from '../flow/transitions.ts';
import { focusSoon } from '../steps/parts.ts';
import type { Held, StateOf } from '../steps/list.ts';
import { store } from '../storage.ts';

// What a returning customer does with a booking (open it, cancel it, move it): a chunk of its own
// (vite.config.ts), loaded when a manage step is shown, so a first booking does not carry it.

type F = Flow;

/** The guest's upcoming bookings, for the service step; quietly nothing when there are none. */
export async function loadMine(f: F) {
  try {
    const { data } = await api.guestBookings(f.api!, { signal: f.signal });
    const now = f.api!.session.serverNow();
    const mine = data.filter((b) => b.status === 'confirmed' && Date.parse(b.end) > now);
    if (f.state.step === 'services') f.go({ step: 'services', mine });
  } catch {
    /* the list is a convenience: without it, the services still show */
  }
}

export async function openManage(f: F, id: string, token?: string) {
  token ??= store.get<string>(f.manageKey(id));
  if (!token) return;
  f.go({ step: 'loading' });
  try {
    // The whole booking (its service, person, length and price) needs the services: asked beside it.
    const services = f.services ? undefined : f.api!.services({ signal: f.signal });
    const { booking } = await api.booking(f.api!, id, token, { signal: f.signal });
    f.services ??= (await services)?.data;
    f.go({ step: 'manage', booking, token });
  } catch (err) {
    f.fail(err, () => void openManage(f, id, token));
  }
}

/** Asks once before cancelling (`true`; focus on the safe answer), or takes the question back (focus back on the button that asked). */
export function askCancel(f: F, s: StateOf<'manage'>, confirming: boolean) {
  f.go({ ...s, confirming });
  focusSoon(f, confirming ? '[data-keep]' : '[data-cancel]');
}

export function cancelBooking(f: F, s: StateOf<'manage'>) {
  const token = s.token;
  if (!token) return;
  return f.run(async () => {
    const { booking } = await api.cancel(f.api!, s.booking.id, token);
    f.announce = f.msg.cancelled;
    // What was said before (a move) no longer holds; focus goes to the heading of what is shown now.
    f.notice = undefined;
    f.go({ step: 'manage', booking, token });
    focusSoon(f, 'h2');
    fire(f.host, 'bw-cancelled', { booking });
  });
}

export function startReschedule(f: F, s: StateOf<'manage'>) {
  return f.run(async () => {
    f.services ??= (await f.api!.services()).data;
    openService(f, s.booking.service_id, { booking: s.booking, token: s.token });
  });
}

export function move(f: F, moving: Held, start: string) {
  return f.run(async () => {
    // The same staff member unless the customer chose another.
    const { booking } = await api.reschedule(f.api!, moving.booking.id, moving.token!, start, moving.booking.staff_id, { onWait: f.wait });
    f.go({ step: 'manage', booking, token: moving.token });
    f.say(f.msg.rescheduled);
    fire(f.host, 'bw-rescheduled', { booking });
  }, (e) => taken(f, e));
}

