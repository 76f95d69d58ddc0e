import { expect, waitUntil } from '@open-wc/testing';
import { addMonths } from '../../src/widget/dates.ts';
import { Session } from '../../src/widget/session.ts';
import { clock, keys } from '../../src/widget/storage.ts';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import { $, $$, apiFixture, bookOne, fillDetails, free, freeDays, heldNow, mount, onFetch, reload, requests, resetWorld, revokeKey, safeTime, shownMonth, toDetails, untilStep } from './helpers.ts';

/** What frameworks do when they reorder or re-parent: the same element, out of the document and back in elsewhere. */
function move(el: BookingWidget) {
  const elsewhere = document.createElement('section');
  document.body.append(elsewhere);
  el.remove();
  elsewhere.append(el);
}

/** From the service list to the first service's calendar. */
async function toCalendar(el: BookingWidget) {
  await untilStep(el, 'services');
  $(el, 'button.service')!.click();
  await untilStep(el, 'date');
}

const countdown = (el: BookingWidget) => $(el, '[part~="hold"]')!.textContent;

describe('<booking-widget> moved in the DOM', () => {
  beforeEach(resetWorld);

  it('should keep counting the hold down after it is moved', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    const before = countdown(el);
    move(el);
    await waitUntil(() => countdown(el) !== before, `countdown goes on from ${before}`, { timeout: 5000 });
    // And it still reaches zero: eleven minutes on by the widget's clock, the expiry is said.
    clock.now = () => Date.now() + 11 * 60_000;
    await waitUntil(() => el.flow.notice?.text === 'Your hold has expired.', 'expiry after the move', { timeout: 5000 });
  });

  it('should load another month after it is moved mid-flow', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await freeDays(el);
    const thisMonth = shownMonth(el);
    move(el);
    await el.updateComplete;
    $(el, 'bw-calendar')!.shadowRoot!.querySelector<HTMLButtonElement>('[part~="month-next"]')!.click();
    await waitUntil(() => shownMonth(el) === addMonths(thisMonth, 1) && free(el).size > 0, 'the next month’s free days');
    const days = await freeDays(el);
    expect(days[0].dataset.date!.slice(0, 7)).to.equal(addMonths(thisMonth, 1));
  });

  it('should still hear the session after it is moved: a refresh that finds the key revoked shows the fallback', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await untilStep(el, 'services');
    move(el);
    await revokeKey(f.keyId);
    const original = console.error;
    console.error = () => {};
    try {
      await Session.for(f.apiBase, f.pk).refresh(Session.for(f.apiBase, f.pk).data?.token).catch(() => {});
      await untilStep(el, 'unavailable');
    } finally {
      console.error = original;
    }
  });

  it('should stop listening once removed for good', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await untilStep(el, 'services');
    el.remove();
    await revokeKey(f.keyId);
    const original = console.error;
    console.error = () => {};
    try {
      await Session.for(f.apiBase, f.pk).refresh(Session.for(f.apiBase, f.pk).data?.token).catch(() => {});
    } finally {
      console.error = original;
    }
    expect(el.step).to.equal('services', 'a detached element is not told');
    // Back in the document, it hears what happened while it was away.
    document.body.append(el);
    await untilStep(el, 'unavailable');
    el.remove();
  });
});

describe('<booking-widget> reloaded at each step', () => {
  beforeEach(resetWorld);

  it('should come back to the service list', async () => {
    const f = await apiFixture({ serviceName: 'Beard trim' });
    const el = await reload(await mount(f), f);
    await untilStep(el, 'services');
    expect($(el, 'button.service')!.textContent).to.contain('Beard trim');
  });

  it('should come back to the calendar with the month’s free days', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await toCalendar(first);
    const month = shownMonth(first);
    const days = (await freeDays(first)).length;
    const el = await reload(first, f);
    await untilStep(el, 'date');
    expect(shownMonth(el)).to.equal(month);
    expect((await freeDays(el)).length).to.equal(days);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.not.contain('No free times this month.');
  });

  it('should come back to the day’s times', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await toCalendar(first);
    (await freeDays(first))[0].click();
    await untilStep(first, 'time');
    await safeTime(first);
    const times = $$(first, '.times button').map((b) => b.textContent);
    const el = await reload(first, f);
    await untilStep(el, 'time');
    await waitUntil(() => $$(el, '.times button').length > 0, 'the times, not a placeholder that never ends');
    expect($$(el, '.times button').map((b) => b.textContent)).to.deep.equal(times);
    expect($(el, '.skeleton')).to.equal(null);
  });

  it('should come back to the details with the same hold and what was typed', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await toDetails(first);
    await fillDetails(first, { name: 'Grace Hopper', email: 'grace@example.com' });
    const hold = heldNow(first)!;
    const el = await reload(first, f);
    await untilStep(el, 'details');
    expect(heldNow(el)!.id).to.equal(hold.id);
    expect($<HTMLInputElement>(el, '#bw-name')!.value).to.equal('Grace Hopper');
    expect($<HTMLInputElement>(el, '#bw-email')!.value).to.equal('grace@example.com');
    expect(requests(/\/holds$/, 'POST')).to.have.length(1, 'no second hold');
  });

  it('should come back to the day’s times when the hold ran out meanwhile', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await toDetails(first);
    first.remove();
    Session.reset();
    clock.now = () => Date.now() + 11 * 60_000;
    const el = await mount(f);
    await untilStep(el, 'time');
    await waitUntil(() => $$(el, '.times button').length > 0, 'times');
  });
});

describe('<booking-widget> what a refactor must not lose', () => {
  beforeEach(resetWorld);
  afterEach(() => history.replaceState(null, '', location.pathname));

  it('should ask for the month again when the same service is opened again', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toCalendar(el);
    await freeDays(el);
    const asked = requests(/\/availability\?/).length;
    $(el, 'button.back')!.click();
    await toCalendar(el);
    await freeDays(el);
    expect(requests(/\/availability\?/).length).to.equal(asked + 1, 'fresh free times, not the ones seen before');
  });

  it('should leave the page’s own query parameters alone', async () => {
    history.replaceState(null, '', `${location.pathname}?utm_source=newsletter&invite_token=abc`);
    const f = await apiFixture();
    const el = await mount(f);
    await untilStep(el, 'services');
    expect(location.search).to.equal('?utm_source=newsletter&invite_token=abc');
  });

  it('should tell of a hold that ran out while the element was out of the document', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    const parent = el.parentElement!;
    el.remove();
    clock.now = () => Date.now() + 11 * 60_000;
    parent.append(el);
    await waitUntil(() => el.flow.notice?.text === 'Your hold has expired.', 'expiry said on return', { timeout: 3000 });
  });

  it('should fire bw-hold before the step changes to the details', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    const order: string[] = [];
    el.addEventListener('bw-hold', () => order.push('hold'));
    el.addEventListener('bw-step-change', (e) => order.push(e.detail.step));
    await toDetails(el);
    expect(order.slice(-2)).to.deep.equal(['hold', 'details']);
  });

  it('should open this month when a reload comes back to a month that has passed', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await toCalendar(first);
    const thisMonth = shownMonth(first);
    // What a reload a month or more later finds in storage: the calendar at a month now gone.
    const key = keys.flow(f.apiBase, f.pk, first.id);
    localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)!), month: '2020-01' }));
    const el = await reload(first, f);
    await untilStep(el, 'date');
    await freeDays(el);
    expect(shownMonth(el) >= thisMonth).to.equal(true, shownMonth(el));
  });
});

describe('<booking-widget> a booking that cannot be opened', () => {
  beforeEach(resetWorld);

  it('should say so and keep the guest’s upcoming bookings in view', async () => {
    const f = await apiFixture();
    const el = await reload(await bookOne(f), f);
    await untilStep(el, 'services');
    await waitUntil(() => $$(el, 'li.row button').length === 1, 'upcoming bookings');
    onFetch(async (req, real) => (/\/bookings\/[^/?]+\?token=/.test(req.url) ? new Response(JSON.stringify({ error: { code: 'not_found', message: 'No such booking' } }), { status: 404, headers: { 'content-type': 'application/json' } }) : real()));
    $$(el, 'li.row button')[0].click();
    await waitUntil(() => el.flow.notice?.text === 'We could not find that booking.', 'not found said');
    await untilStep(el, 'services');
    await waitUntil(() => $$(el, 'li.row button').length === 1, 'the list is still there');
  });
});
