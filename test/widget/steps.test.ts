import { expect, fixture, html } from '@open-wc/testing';
import type { Booking, PublicService } from '../../src/contract/widget.ts';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import type { Month } from '../../src/widget/flow/month.ts';
import { STEPS, type StateOf, type Step } from '../../src/widget/steps/list.ts';
import { $, $$, requests, resetWorld } from './helpers.ts';

// Each step rendered alone from a state value: no key, no session, no server. The flow's state is
// set the one way it can be (go), and the step's template is all that is looked at.

const SERVICE: PublicService = {
  id: 'svc_1', name: 'Cut <b>&</b> colour', description: 'Wash, cut and style.', duration_minutes: 45,
  price: { amount_minor: 4500, currency: 'EUR' }, staff: [{ id: 'stf_1', name: 'Mara Weber' }],
};
const BOOKING: Booking = {
  id: 'bkg_1', status: 'confirmed', service_id: 'svc_1', staff_id: 'stf_1', start: '2027-03-10T09:00:00Z', end: '2027-03-10T09:45:00Z',
  timezone: 'Europe/Berlin', customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, notes: '', created_at: '2027-03-01T08:00:00Z',
};
const MONTH: Month = {
  free: new Set(['2027-03-10']),
  days: new Map([['2027-03-09', []], ['2027-03-10', [{ start: '2027-03-10T09:00:00Z', end: '2027-03-10T09:45:00Z' }, { start: '2027-03-10T13:30:00Z', end: '2027-03-10T14:15:00Z' }]]]),
};
const inTenMinutes = () => new Date(Date.now() + 10 * 60_000).toISOString();

/** A state for every step (a step missing here fails the type check), what the step must say, and more checks. */
const SAMPLES: { [K in Step]: { state: () => StateOf<K>; says: string[]; check?: (el: BookingWidget) => void } } = {
  loading: { state: () => ({ step: 'loading' }), says: ['Loading…'], check: (el) => expect($$(el, '.skeleton')).to.have.length(3) },
  unavailable: {
    state: () => ({ step: 'unavailable' }), says: ['Online booking is not available here right now.'],
    check: (el) => { expect($<HTMLSlotElement>(el, 'slot')!.assignedElements()[0].textContent).to.equal('Book by phone'); },
  },
  services: {
    state: () => ({ step: 'services', mine: [BOOKING] }), says: ['Choose a service', 'Cut <b>&</b> colour', '45 min', '€45.00', 'Your upcoming bookings'],
    check: (el) => { expect($(el, 'button.service b')).to.equal(null, 'merchant text is text'); },
  },
  date: {
    state: () => ({ step: 'date', service: SERVICE, month: '2027-03' }), says: ['Choose a date', 'Time zone'],
    check: (el) => {
      expect($(el, 'bw-calendar')!.shadowRoot!.querySelector('.month')!.textContent).to.equal('March 2027');
      const free = [...$(el, 'bw-calendar')!.shadowRoot!.querySelectorAll<HTMLButtonElement>('button.free')].map((b) => b.dataset.date);
      expect(free).to.deep.equal(['2027-03-10']);
    },
  },
  time: {
    state: () => ({ step: 'time', service: SERVICE, date: '2027-03-10' }), says: ['Choose a time', 'Wednesday, March 10, 2027', 'Europe/Berlin'],
    check: (el) => { expect($$(el, '.times time').map((t) => t.textContent)).to.deep.equal(['10:00', '14:30']); },
  },
  details: {
    state: () => ({ step: 'details', service: SERVICE, date: '2027-03-10', hold: { id: 'hld_1', service_id: 'svc_1', staff_id: 'stf_1', start: '2027-03-10T09:00:00Z', end: '2027-03-10T09:45:00Z', expires_at: inTenMinutes() } }),
    says: ['Your details', 'Wednesday, March 10 at 10:00', 'We are holding this time for you for'],
    check: (el) => {
      expect($(el, '[part~="hold"]')!.textContent).to.match(/for (10:00|9:5\d)\./);
      expect($<HTMLButtonElement>(el, 'button[type=submit]')!.disabled).to.equal(false);
    },
  },
  done: {
    state: () => ({ step: 'done', booking: BOOKING, token: 'tok' }), says: ['You are booked', 'Cut <b>&</b> colour', 'Mara Weber', 'ada@example.com', 'Add to calendar'],
  },
  manage: {
    state: () => ({ step: 'manage', booking: BOOKING, token: 'tok', confirming: true }), says: ['Manage booking', 'Cancel this booking? This cannot be undone.', 'Keep it', 'Yes, cancel'],
    check: (el) => expect($(el, '[role="alertdialog"]')).to.exist,
  },
};

/** A widget with no key (so no session and no request), its lazy chunks loaded, showing `state` with `month` loaded (null: still loading). */
async function show<K extends Step>(state: StateOf<K>, month: Month | null = MONTH): Promise<BookingWidget> {
  const el = await fixture<BookingWidget>(html`<booking-widget locale="en" timezone="Europe/Berlin" hour-cycle="h23"><a href="/book">Book by phone</a></booking-widget>`);
  const f = el.flow;
  await f.manage(); // the manage chunk, and the flow chunk with it
  // The month as loaded: the real task leaves, a finished one with these days takes its place.
  if (f.month) el.removeController(f.month);
  f.month = { status: month ? 'complete' : 'pending', value: month ?? undefined, run: async () => {} } as unknown as typeof f.month;
  f.services = [SERVICE];
  f.go(state);
  await el.updateComplete;
  await $<HTMLElement & { updateComplete?: Promise<unknown> }>(el, 'bw-calendar')?.updateComplete;
  return el;
}

describe('each step rendered alone from a state value', () => {
  beforeEach(resetWorld);

  it('has a sample for every step of the list', () => {
    expect(Object.keys(SAMPLES).sort()).to.deep.equal([...STEPS].sort());
  });

  for (const step of STEPS) {
    it(`renders the ${step} step from its state alone`, async () => {
      const sample = SAMPLES[step] as { state: () => StateOf<Step>; says: string[]; check?: (el: BookingWidget) => void };
      const el = await show(sample.state());
      expect(el.step).to.equal(step);
      const text = el.shadowRoot!.textContent.replace(/\s+/g, ' ');
      for (const words of sample.says) expect(text).to.contain(words);
      sample.check?.(el);
      expect(requests(/./)).to.have.length(0, 'no request');
    });
  }

  it('shows the calendar as loading, not as empty, while the month is on its way', async () => {
    const el = await show({ step: 'date', service: SERVICE, month: '2027-03' }, null);
    expect((el.shadowRoot!.querySelector('bw-calendar') as unknown as { loading: boolean }).loading).to.equal(true);
    expect(el.shadowRoot!.textContent).to.not.contain('No free times this month.');
  });

  it('says a month with no free day is empty once it has loaded', async () => {
    const el = await show({ step: 'date', service: SERVICE, month: '2027-03' }, { free: new Set(), days: new Map() });
    expect(el.shadowRoot!.textContent).to.contain('No free times this month.');
  });

  it('shows a placeholder for the times until the month is here, then "no free times" for an empty day', async () => {
    const loading = await show({ step: 'time', service: SERVICE, date: '2027-03-10' }, null);
    expect($(loading, '.skeleton[aria-busy="true"]')).to.exist;
    const empty = await show({ step: 'time', service: SERVICE, date: '2027-03-09' });
    expect(empty.shadowRoot!.textContent).to.contain('No free times on this day.');
  });

  it('says a cancelled booking is cancelled and offers no cancel or move', async () => {
    const el = await show({ step: 'manage', booking: { ...BOOKING, status: 'cancelled' }, token: 'tok' });
    expect(el.shadowRoot!.textContent).to.contain('This booking is cancelled.');
    expect($$(el, 'button').map((b) => b.textContent)).to.not.include('Reschedule');
  });
});
