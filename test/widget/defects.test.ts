import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { BookingWidgetEvent } from '../../src/widget/index.ts';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import { clock } from '../../src/widget/storage.ts';
import { $, $$, apiFixture, bookedNow, bookOne, fillDetails, free, freeDays, mount, reload, requests, resetWorld, safeTime, toDetails, untilStep } from './helpers.ts';

// The defects a newcomer found trying the widget as a customer would (issue 15): each test is
// named for one, and failed before its fix.

const button = (el: BookingWidget, text: string) => $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent.trim() === text);
const calendarOf = (el: BookingWidget) => el.shadowRoot!.querySelector('bw-calendar')!.shadowRoot!;
/** The element focused inside the widget (through its shadow roots), or the document's. */
function focused(el: BookingWidget): Element | null {
  let a: Element | null = el.shadowRoot!.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a ?? document.activeElement;
}

async function toManage(el: BookingWidget) {
  button(el, 'Manage booking')!.click();
  await untilStep(el, 'manage');
}

describe('<booking-widget> defects a newcomer hit', () => {
  beforeEach(resetWorld);
  afterEach(() => {
    history.replaceState(null, '', location.pathname);
  });

  it('manage link: shows the whole booking (service, stylist, duration, price, time, business) and its calendar file carries the service name', async () => {
    const f = await apiFixture({ serviceName: 'Haircut & style', staffNames: ['Mara Weber'] });
    const first = await bookOne(f);
    const { booking, token } = bookedNow(first)!;
    first.remove();
    // Opened from the email in a browser that knows nothing of the booking.
    resetWorld();
    history.replaceState(null, '', `${location.pathname}?booking=${booking.id}&token=${token}`);
    const el = await mount(f);
    await untilStep(el, 'manage');
    await waitUntil(() => $(el, '[part~="summary"]')!.textContent.includes('Haircut & style'), 'the service in the summary');
    const text = $(el, '[part~="summary"]')!.textContent.replace(/\s+/g, ' ');
    for (const shown of ['Haircut & style', 'Mara Weber', '60 min', '€45.00', f.businessName, 'Ada Lovelace']) expect(text).to.contain(shown);
    const ics = await (await fetch($<HTMLAnchorElement>(el, 'a[download$=".ics"]')!.href)).text();
    expect(ics).to.contain('SUMMARY:Haircut & style');
    expect(ics).to.not.contain('You are booked');
  });

  it('reschedule: asks once before moving, names the day, time and stylist, keeps the stylist and says which booking is moved', async () => {
    const f = await apiFixture({ staffNames: ['Mara Weber', 'Jonas Albers'] });
    const el = await bookOne(f);
    const before = bookedNow(el)!.booking;
    const stylist = before.staff_id === f.staffIds[0] ? 'Mara Weber' : 'Jonas Albers';
    await toManage(el);
    button(el, 'Reschedule')!.click();
    await untilStep(el, 'date');
    expect($(el, '[part~="moving"]')?.textContent, 'the calendar says which booking is moved').to.contain('Moving');
    const days = await freeDays(el);
    days[days.length > 1 ? 1 : 0].click();
    await untilStep(el, 'time');
    expect($(el, '[part~="moving"]')?.textContent, 'the times say which booking is moved').to.contain('Moving');
    await waitUntil(() => $$(el, '.times button').length > 0, 'times');
    const target = $$<HTMLButtonElement>(el, '.times button').at(-1)!;
    const label = target.textContent.trim();
    target.click();
    await el.updateComplete;
    expect(requests(/\/reschedule/), 'nothing moves before the customer confirms').to.have.length(0);
    const ask = $(el, '[role=alertdialog]');
    expect(ask, 'a question').to.exist;
    expect(ask!.textContent).to.contain('Move to').and.contain(label).and.contain(`with ${stylist}?`);
    const moved = oneEvent<BookingWidgetEvent<'bw-rescheduled'>>(el, 'bw-rescheduled');
    button(el, 'Move booking')!.click();
    const { detail } = await moved;
    expect(detail.booking.staff_id, 'the stylist stays').to.equal(before.staff_id);
    expect(JSON.parse(requests(/\/reschedule/)[0].body!).staff_id).to.equal(before.staff_id);
    expect(requests(/\/reschedule/)).to.have.length(1);
  });

  it('stale messages: after a reschedule then a cancel, only the cancellation is said', async () => {
    const f = await apiFixture();
    const el = await bookOne(f);
    await toManage(el);
    button(el, 'Reschedule')!.click();
    await untilStep(el, 'date');
    const days = await freeDays(el);
    days[days.length > 1 ? 1 : 0].click();
    await untilStep(el, 'time');
    await waitUntil(() => $$(el, '.times button').length > 0, 'times');
    $$<HTMLButtonElement>(el, '.times button').at(-1)!.click();
    await el.updateComplete;
    button(el, 'Move booking')?.click();
    await untilStep(el, 'manage');
    await waitUntil(() => el.shadowRoot!.textContent.includes('Your booking has been moved.'), 'moved');
    button(el, 'Cancel booking')!.click();
    await el.updateComplete;
    const cancelled = oneEvent(el, 'bw-cancelled');
    button(el, 'Yes, cancel')!.click();
    await cancelled;
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.contain('This booking is cancelled.');
    expect(el.shadowRoot!.textContent).to.not.contain('Your booking has been moved.');
  });

  it('hold expiry: Confirm is disabled, the countdown makes way for the alert, and one action holds the same time again', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    await fillDetails(el);
    const held = bookedHold(el);
    // Eleven minutes on, by the widget's clock: the ten-minute hold has run out.
    clock.now = () => Date.now() + 11 * 60_000;
    el.requestUpdate();
    await waitUntil(() => el.flow.notice?.text.includes('expired'), 'expiry said', { timeout: 3000 });
    await el.updateComplete;
    expect($<HTMLButtonElement>(el, 'button[type=submit]')!.disabled, 'Confirm is disabled').to.equal(true);
    expect($(el, '[part~="hold"]')?.textContent ?? '', 'no countdown at 0:00 beside the alert').to.not.contain('0:00');
    // Back to the real clock: the customer takes the one action on offer.
    clock.now = () => Date.now();
    const again = $$<HTMLButtonElement>(el, '.notice button');
    expect(again).to.have.length(1);
    again[0].click();
    await waitUntil(() => bookedHold(el) && bookedHold(el)!.id !== held!.id, 'a new hold', { timeout: 5000 });
    expect(bookedHold(el)!.start, 'the same time').to.equal(held!.start);
    await el.updateComplete;
    expect($<HTMLButtonElement>(el, 'button[type=submit]')!.disabled).to.equal(false);
    expect(el.flow.notice, 'the expiry alert is gone').to.equal(undefined);
  });

  it('typed details: kept for the tab across a reload, never in localStorage, and forgotten once booked', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    await fillDetails(el, { name: 'Grace Hopper', email: 'grace@example.com' });
    expect(Object.values(localStorage).join(' '), 'personal details stay out of localStorage').to.not.contain('grace@example.com');
    const again = await reload(el, f);
    await untilStep(again, 'details');
    expect($<HTMLInputElement>(again, '#bw-name')!.value).to.equal('Grace Hopper');
    expect($<HTMLInputElement>(again, '#bw-email')!.value).to.equal('grace@example.com');
    $<HTMLButtonElement>(again, 'button[type=submit]')!.click();
    await untilStep(again, 'done');
    expect(Object.values(sessionStorage).join(' '), 'forgotten once booked').to.not.contain('grace@example.com');
    expect(Object.values(localStorage).join(' ')).to.not.contain('grace@example.com');
  });

  it('wrong origin: the console names the origin to add and the customer sees the fallback link with a neutral sentence', async () => {
    const f = await apiFixture({ allowedOrigins: ['https://shop.example'] });
    const logged: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => logged.push(a.join(' '));
    try {
      const el = await mount(f, { service: f.serviceId });
      await untilStep(el, 'unavailable');
      await el.updateComplete;
      expect(logged.join('\n')).to.contain(`Add ${location.origin} to the key's allowed origins`);
      const text = $(el, '[part~="notice"]')!.textContent;
      expect(text).to.contain('Online booking is not available here right now.');
      expect(text).to.not.contain('connection');
      const slot = $<HTMLSlotElement>(el, '[part~="notice"] slot')!;
      expect(slot.assignedElements()[0]?.textContent).to.equal('Book by phone');
    } finally {
      console.error = original;
    }
  });

  it('times and zones: the emails are asked for in the hour cycle and locale the customer saw', async () => {
    const f = await apiFixture();
    const el = await mount(f, { locale: 'en-US', service: f.serviceId });
    await untilStep(el, 'date');
    (await freeDays(el))[0].click();
    await untilStep(el, 'time');
    // The customer switches to the 24-hour clock, then picks a time.
    $<HTMLInputElement>(el, 'input[type=checkbox]')!.click();
    await el.updateComplete;
    (await safeTime(el)).click();
    await untilStep(el, 'details');
    await fillDetails(el);
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    await untilStep(el, 'done');
    expect(JSON.parse(requests(/\/bookings$/, 'POST')[0].body!).locale).to.equal('en-US-u-hc-h23');
  });

  it('times and zones: the zone is named once per step, and not after every time in the salon’s own zone', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    const text = el.shadowRoot!.textContent;
    expect(text).to.not.match(/GMT|CET|CEST/);
    expect(text.split('Berlin').length - 1, 'the zone once').to.equal(1);
    // Another zone than the salon's: the times say theirs.
    const other = await reload(el, f, { timezone: 'America/New_York' });
    await untilStep(other, 'details');
    expect(other.shadowRoot!.textContent.split('New York').length - 1).to.equal(1);
  });

  it('Arabic: merchant and customer strings are isolated from the text around them', async () => {
    const f = await apiFixture({ serviceName: 'Haircut & style', staffNames: ['Mara Weber'] });
    const el = await bookOne(f, { locale: 'ar' });
    await waitUntil(() => el.msg.dir === 'rtl', 'Arabic');
    await el.updateComplete;
    const isolated = (text: string) => {
      const walker = document.createTreeWalker(el.shadowRoot!, NodeFilter.SHOW_TEXT);
      const found: Element[] = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.textContent!.includes(text)) found.push(n.parentElement!);
      expect(found.length, text).to.be.greaterThan(0);
      for (const p of found) expect(getComputedStyle(p).unicodeBidi, `${text} in <${p.localName}>`).to.match(/isolate/);
    };
    for (const s of ['Haircut & style', 'Mara Weber', 'Ada Lovelace', 'ada@example.com']) isolated(s);
    // And on the service list and the calendar's service line.
    button(el, el.msg.bookAnother)!.click();
    await untilStep(el, 'services');
    isolated('Haircut & style');
    $(el, 'button.service')!.click();
    await untilStep(el, 'date');
    isolated('Haircut & style');
  });

  it('keyboard: the day’s times are one tab stop, moved through with the arrow keys', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    (await freeDays(el))[0].click();
    await untilStep(el, 'time');
    await waitUntil(() => $$(el, '.times button').length > 1, 'times');
    const times = $$<HTMLButtonElement>(el, '.times button');
    expect(times.filter((b) => b.tabIndex === 0)).to.have.length(1);
    times[0].focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(focused(el)).to.equal($$<HTMLButtonElement>(el, '.times button')[1]);
    expect($$<HTMLButtonElement>(el, '.times button').filter((b) => b.tabIndex === 0)).to.deep.equal([$$<HTMLButtonElement>(el, '.times button')[1]]);
    await sendKeys({ press: 'End' });
    expect(focused(el)).to.equal($$<HTMLButtonElement>(el, '.times button').at(-1));
    await sendKeys({ press: 'Home' });
    expect(focused(el)).to.equal($$<HTMLButtonElement>(el, '.times button')[0]);
  });

  it('keyboard: focus stays on sensible elements through a cancel, and Escape dismisses the question', async () => {
    const f = await apiFixture();
    const el = await bookOne(f);
    await toManage(el);
    button(el, 'Cancel booking')!.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(focused(el), 'the question’s safe answer').to.equal(button(el, 'Keep it'));
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect($(el, '[role=alertdialog]'), 'Escape takes the question back').to.equal(null);
    expect(focused(el), 'back on the button that asked').to.equal(button(el, 'Cancel booking'));
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    button(el, 'Yes, cancel')!.focus();
    const cancelled = oneEvent(el, 'bw-cancelled');
    await sendKeys({ press: 'Enter' });
    await cancelled;
    await el.updateComplete;
    const now = focused(el);
    expect(now, 'not the page’s body').to.not.equal(document.body);
    expect(el.shadowRoot!.contains(now)).to.equal(true);
  });

  it('keyboard: Enter on a day without times says so', async () => {
    // Tomorrow (in Berlin) is a day off.
    const tomorrow = new Date(Date.parse(`${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date())}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const f = await apiFixture({ closedDates: [tomorrow] });
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await freeDays(el);
    if (el.flow.state.step === 'date' && el.flow.state.month !== tomorrow.slice(0, 7)) {
      calendarOf(el).querySelector<HTMLButtonElement>('[part~="month-next"]')!.click();
      await waitUntil(() => calendarOf(el).querySelector(`[data-date="${tomorrow}"]`) && free(el).size > 0, 'next month');
    }
    const busy = calendarOf(el).querySelector<HTMLButtonElement>(`[data-date="${tomorrow}"]`)!;
    expect(busy.classList.contains('free')).to.equal(false);
    busy.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(el.flow.announce + ($(el, '.notice')?.textContent ?? '')).to.contain('No free times on this day.');
  });

  it('notices: a gap below, and no extra padding inside', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    el.flow.say('A notice', true);
    await el.updateComplete;
    const n = $(el, '.notice')!;
    const next = n.nextElementSibling!;
    expect(next.getBoundingClientRect().top - n.getBoundingClientRect().bottom, 'gap below').to.be.at.least(8);
    const inner = n.lastElementChild!;
    const pad = (x: Element, side: 'top' | 'bottom') => parseFloat(getComputedStyle(x).getPropertyValue(`padding-${side}`));
    expect(n.getBoundingClientRect().bottom - inner.getBoundingClientRect().bottom, 'inside, below').to.be.closeTo(pad(n, 'bottom'), 0.5);
    expect(n.firstElementChild!.getBoundingClientRect().top - n.getBoundingClientRect().top, 'inside, above').to.be.closeTo(pad(n, 'top'), 0.5);
  });
});

function bookedHold(el: BookingWidget) {
  return el.flow.state.step === 'details' ? el.flow.state.hold : undefined;
}
