import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { BookingWidgetEvent } from '../../src/widget/index.ts';
import { Session } from '../../src/widget/session.ts';
import { addMonths, monthOf, todayIn } from '../../src/widget/dates.ts';
import { $, $$, adminBookings, apiFixture, bookOne, fillDetails, free, freeDays, heldNow, mount, onFetch, requests, resetWorld, safeTime, shownMonth, toDetails, untilStep } from './helpers.ts';

/** The element focused inside shadow roots. */
function deepActive(): Element | null {
  let a = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

async function tabTo(match: (el: Element) => boolean, max = 40) {
  for (let i = 0; i < max; i++) {
    await sendKeys({ press: 'Tab' });
    const a = deepActive();
    if (a && match(a)) return a;
  }
  throw new Error(`never reached the element; stuck on ${deepActive()?.outerHTML.slice(0, 120)}`);
}

describe('<booking-widget> booking flow against the real API', () => {
  beforeEach(resetWorld);

  it('should book with the mouse from service to confirmation, and the merchant sees the booking', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    // About ten minutes: the widget knows the server's clock from the session's iat, in whole
    // seconds, so the countdown may start a second either side of 10:00 (CI once saw 10:01).
    const [, mm, ss] = /(\d+):(\d\d)/.exec($(el, '[part~="hold"]')!.textContent)!;
    expect(Math.abs(Number(mm) * 60 + Number(ss) - 600)).to.be.at.most(2, `${mm}:${ss}`);
    await fillDetails(el);
    const booked = oneEvent<BookingWidgetEvent<'bw-booked'>>(el, 'bw-booked');
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    const { detail } = await booked;
    await untilStep(el, 'done');
    expect(detail.booking.customer.email).to.equal('ada@example.com');
    expect($(el, 'h2')!.textContent).to.equal('You are booked');
    expect($(el, '.sent')!.textContent).to.equal('We have sent the details and a link to manage your booking to ada@example.com.');
    const ics = $<HTMLAnchorElement>(el, 'a[download]')!;
    expect(ics.getAttribute('download')).to.equal('booking.ics');
    const text = await (await fetch(ics.href)).text();
    expect(text).to.contain(`UID:${detail.booking.id}@booking-widget`).and.contain('DTSTAMP:');
    const { data } = await adminBookings();
    expect(data.map((b) => b.id)).to.include(detail.booking.id);
  });

  it('should ask for a preselected service\'s month beside the service list, in one round trip once a session is stored', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await untilStep(first, 'services');
    first.remove();
    Session.reset(); // a reload: the session is in storage
    let servicesAnswered = false;
    let availabilityAskedBeforeServicesAnswered = false;
    onFetch(async (req, real) => {
      if (/\/availability\?/.test(req.url)) availabilityAskedBeforeServicesAnswered = !servicesAnswered;
      const res = await real();
      if (/\/services$/.test(req.url)) servicesAnswered = true;
      return res;
    });
    const before = requests(/./).length;
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0, 'free days');
    const made = requests(/./).slice(before);
    const asked = (path: string) => made.filter((r) => new URL(r.url).pathname === `/api/v1/${path}`).map((r) => new URL(r.url).search);
    expect(made.every((r) => r.method === 'GET' && /\/(services|availability)$/.test(new URL(r.url).pathname))).to.equal(true, made.map((r) => r.url).join(' '));
    expect(asked('services')).to.have.length(1);
    // This month, asked once; the next month too only in the last hour of a month, when this one has no time left.
    const months = asked('availability').map((q) => new URLSearchParams(q).get('from')!.slice(0, 7));
    expect(months[0]).to.equal(monthOf(todayIn('Europe/Berlin', Date.now())));
    expect(new Set(months).size).to.equal(months.length, `no month asked twice: ${months.join(' ')}`);
    expect(months.length === 1 || shownMonth(el) !== months[0]).to.equal(true);
    expect(availabilityAskedBeforeServicesAnswered).to.equal(true);
  });

  it('should make a cold page\'s first API requests in parallel: the exchange, the service list and the month, all before any answer', async () => {
    const f = await apiFixture();
    let inFlight = 0;
    let answered = false;
    const startedBeforeFirstAnswer: string[] = [];
    onFetch(async (req, real) => {
      if (!answered) startedBeforeFirstAnswer.push(`${req.method} ${new URL(req.url).pathname}`);
      inFlight++;
      try {
        // Every answer takes a while, as on a real network: requests made in parallel all go out
        // meanwhile, while a request that waits for another's answer cannot (on a busy machine a
        // cached answer could otherwise come back before the exchange's Web Lock is even granted).
        await new Promise((r) => setTimeout(r, 400));
        return await real();
      } finally {
        inFlight--;
        answered = true;
      }
    });
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0, 'free days');
    expect(startedBeforeFirstAnswer.sort()).to.deep.equal(['GET /api/v1/availability', 'GET /api/v1/services', 'POST /api/v1/session']);
    // The catalog went out with the publishable key itself; what came after, with the session.
    const catalog = requests(/\/api\/v1\/(services|availability)/).slice(0, 2);
    for (const r of catalog) expect(r.headers.get('authorization')).to.equal(`Bearer ${f.pk}`);
    expect(inFlight).to.equal(0);
    expect(requests(/\/api\/v1\/services/)).to.have.length(1, 'the service list is asked for once');
  });

  it('should open the next month when this month has no free time left', async () => {
    const f = await apiFixture({ closedThisMonth: true });
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    const days = await freeDays(el);
    const thisMonth = monthOf(todayIn('Europe/Berlin', Date.now()));
    const next = addMonths(thisMonth, 1);
    expect(shownMonth(el)).to.equal(next);
    expect(days[0].dataset.date!.slice(0, 7)).to.equal(next);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.not.contain('No free times this month.');
    // Going back to this month on purpose shows it, empty, and stays there.
    const cal = $(el, 'bw-calendar')!;
    cal.shadowRoot!.querySelector<HTMLButtonElement>('[part~="month-prev"]')!.click();
    await waitUntil(() => shownMonth(el) === thisMonth && el.flow.month?.status === 'complete', 'back to this month');
    await new Promise((r) => setTimeout(r, 200));
    await el.updateComplete;
    expect(shownMonth(el)).to.equal(thisMonth);
    expect(el.shadowRoot!.textContent).to.contain('No free times this month.');
  });

  it('should book with the keyboard alone', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await untilStep(el, 'services');
    await tabTo((a) => a.classList.contains('service'));
    await sendKeys({ press: 'Enter' });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0, 'free days');
    await tabTo((a) => a.getAttribute('tabindex') === '0' && a.hasAttribute('data-date'));
    await sendKeys({ press: 'Enter' });
    await untilStep(el, 'time');
    const time = await safeTime(el);
    // The day's times are one tab stop; the arrow keys move along them.
    await tabTo((a) => a.closest('.times') !== null && a.getAttribute('tabindex') === '0');
    for (let i = $$(el, '.times button').indexOf(time); i > 0; i--) await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'Enter' });
    await untilStep(el, 'details');
    await tabTo((a) => a.id === 'bw-name');
    await sendKeys({ type: 'Grace Hopper' });
    await tabTo((a) => a.id === 'bw-email');
    await sendKeys({ type: 'grace@example.com' });
    const booked = oneEvent(el, 'bw-booked');
    await tabTo((a) => a.getAttribute('type') === 'submit');
    await sendKeys({ press: 'Enter' });
    await booked;
    await untilStep(el, 'done');
    expect(deepActive()?.tagName).to.equal('H2', 'focus moves to the new step heading');
  });

  it('should move the calendar focus with arrows, Home/End and PageUp/PageDown', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0, 'free days');
    const cal = $(el, 'bw-calendar')!;
    const active = () => cal.shadowRoot!.querySelector('[tabindex="0"]')!.getAttribute('data-date')!;
    (cal.shadowRoot!.querySelector('[tabindex="0"]') as HTMLElement).focus();
    const start = active();
    const plus = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
    await sendKeys({ press: 'ArrowDown' });
    expect(active()).to.equal(plus(start, 7));
    await sendKeys({ press: 'ArrowRight' });
    expect(active()).to.equal(plus(start, 8));
    await sendKeys({ press: 'ArrowLeft' });
    await sendKeys({ press: 'ArrowUp' });
    expect(active()).to.equal(start);
    // A week later the whole week lies after today, so Home and End span all seven days.
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'End' });
    const end = active();
    await sendKeys({ press: 'Home' });
    expect(Date.parse(end) - Date.parse(active())).to.equal(6 * 86_400_000);
    const before = active();
    await sendKeys({ press: 'PageDown' });
    await waitUntil(() => active().slice(0, 7) !== before.slice(0, 7), 'next month');
    expect(active().slice(8)).to.equal(before.slice(8) > '28' ? active().slice(8) : before.slice(8));
    expect(deepActive()?.getAttribute('data-date')).to.equal(active(), 'focus follows the roving tabindex');
  });

  it('should render merchant and customer text as text, never as HTML', async () => {
    const f = await apiFixture({ serviceName: '<img src=x onerror="window.__pwned=1">Cut', description: '<script>window.__pwned=1</script>' });
    const el = await mount(f);
    await untilStep(el, 'services');
    expect($(el, '.service .name')!.textContent).to.equal('<img src=x onerror="window.__pwned=1">Cut');
    expect($(el, '.service img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('should render right-to-left overrides, script URLs and text at its length limits as text', async () => {
    const rlo = '\u202Eexe.tuc\u202C';
    const description = `javascript:alert(1) <a href="javascript:alert(1)">x</a> ${'y'.repeat(4900)}`;
    const f = await apiFixture({ serviceName: `${rlo} Cut`, description });
    const el = await mount(f);
    await untilStep(el, 'services');
    expect($(el, '.service .name')!.textContent).to.equal(`${rlo} Cut`);
    expect($(el, '.service .desc')!.textContent).to.equal(description);
    await toDetails(el);
    const name = `<a href="javascript:alert(1)">Ada</a>${rlo}${'z'.repeat(200 - 38 - rlo.length)}`.slice(0, 200);
    await fillDetails(el, { name, email: 'ada@example.com' });
    const booked = oneEvent(el, 'bw-booked');
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    await booked;
    await untilStep(el, 'done');
    const shown = $$(el, '[part~="summary"] dd').map((d) => d.textContent);
    expect(shown).to.include(name);
    expect(el.shadowRoot!.querySelector('a[href^="javascript"]')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('should not let a service name with a bare CR inject a property (ATTENDEE) into the calendar file', async () => {
    // Calendars that break lines on a lone CR would read what follows it as a property of its own.
    const f = await apiFixture({ serviceName: 'Haircut\rATTENDEE:mailto:attacker@evil.example' });
    const el = await bookOne(f);
    const lines = (await (await fetch($<HTMLAnchorElement>(el, 'a[download]')!.href)).text()).split(/\r\n|\r|\n/);
    expect(lines.filter((l) => /^ATTENDEE/i.test(l))).to.deep.equal([]);
    expect(lines).to.include('SUMMARY:Haircut\\nATTENDEE:mailto:attacker@evil.example · Widget Test Salon');
  });

  it("should send the customer's language and time zone with the booking, for the emails", async () => {
    const f = await apiFixture();
    const el = await mount(f, { locale: 'de-AT', timezone: 'America/New_York' });
    await toDetails(el);
    await fillDetails(el);
    const booked = oneEvent(el, 'bw-booked');
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    await booked;
    const [post] = requests(/\/bookings$/, 'POST');
    const body = JSON.parse(post.body!);
    expect(body.locale, 'with the hour cycle the customer saw').to.equal('de-AT-u-hc-h23');
    expect(body.timezone).to.equal('America/New_York');
  });

  it('should let the page veto a booking through the cancelable bw-before-book event', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    await fillDetails(el);
    el.addEventListener('bw-before-book', (e) => e.preventDefault(), { once: true });
    const before = oneEvent<BookingWidgetEvent<'bw-before-book'>>(el, 'bw-before-book');
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    const { detail } = await before;
    expect(detail.request.customer.name).to.equal('Ada Lovelace');
    await new Promise((r) => setTimeout(r, 300));
    expect(requests(/\/bookings$/, 'POST')).to.have.length(0);
    expect(el.step).to.equal('details');
  });

  it('should fire ready, step-change, hold and booked with their documented details', async () => {
    const f = await apiFixture();
    const seen: { type: string; detail: any; bubbles: boolean; composed: boolean }[] = [];
    for (const type of ['bw-ready', 'bw-step-change', 'bw-hold', 'bw-booked']) {
      document.addEventListener(type, (e) => seen.push({ type, detail: (e as CustomEvent).detail, bubbles: e.bubbles, composed: e.composed }));
    }
    await bookOne(f);
    const of = (t: string) => seen.filter((s) => s.type === t);
    expect(of('bw-ready')[0].detail.business.name).to.equal('Widget Test Salon');
    expect(of('bw-step-change').map((s) => s.detail.step)).to.include.members(['services', 'date', 'time', 'details', 'done']);
    expect(of('bw-hold')[0].detail.hold.service_id).to.equal(f.serviceId);
    expect(of('bw-booked')[0].detail.booking.status).to.equal('confirmed');
    expect(seen.every((s) => s.bubbles && s.composed)).to.equal(true);
  });

  it('should show field errors from the contract as the customer types and on submit', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    await el.updateComplete;
    expect($(el, '#bw-name')!.getAttribute('aria-invalid')).to.equal('true');
    expect($(el, '#bw-email-err')!.textContent).to.equal('Required');
    const email = $<HTMLInputElement>(el, '#bw-email')!;
    email.value = 'nope';
    email.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect($(el, '#bw-email-err')!.textContent).to.equal('Enter a valid email address');
    expect(requests(/\/bookings$/, 'POST')).to.have.length(0);
  });
});

describe('<booking-widget> holds and resume', () => {
  beforeEach(resetWorld);

  it('should resume at the details step with the same hold after a reload', async () => {
    const f = await apiFixture();
    const first = await mount(f);
    await toDetails(first);
    const hold = heldNow(first)!;
    first.remove();
    const { Session } = await import('../../src/widget/session.ts');
    Session.reset(); // a reload: nothing in memory, everything in storage
    const sessions = requests(/\/session$/).length;
    const again = await mount(f);
    await untilStep(again, 'details');
    expect(heldNow(again)!.id).to.equal(hold.id);
    expect(requests(/\/session$/).length).to.equal(sessions, 'the stored session is reused');
  });

  it('should release the hold when the customer goes back', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    const id = heldNow(el)!.id;
    $<HTMLButtonElement>(el, 'button.back')!.click();
    await untilStep(el, 'time');
    await waitUntil(() => requests(new RegExp(`/holds/${id}$`), 'DELETE').length === 1, 'DELETE hold');
  });

  it('should still book when storage throws, without resume', async () => {
    const f = await apiFixture();
    const proto = Storage.prototype;
    // Kept to be put back as they were; they are called on Storage objects again, never unbound.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const saved = { getItem: proto.getItem, setItem: proto.setItem, removeItem: proto.removeItem };
    const boom = () => { throw new DOMException('denied', 'SecurityError'); };
    Object.assign(proto, { getItem: boom, setItem: boom, removeItem: boom });
    try {
      await bookOne(f);
    } finally {
      Object.assign(proto, saved);
    }
  });

  it('should still book when merely reading window.localStorage or window.sessionStorage throws (storage blocked)', async () => {
    const f = await apiFixture();
    const boom = { configurable: true, get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } };
    const saved = { local: Object.getOwnPropertyDescriptor(window, 'localStorage')!, session: Object.getOwnPropertyDescriptor(window, 'sessionStorage')! };
    Object.defineProperty(window, 'localStorage', boom);
    Object.defineProperty(window, 'sessionStorage', boom);
    try {
      expect(() => window.localStorage).to.throw();
      await bookOne(f);
    } finally {
      Object.defineProperty(window, 'localStorage', saved.local);
      Object.defineProperty(window, 'sessionStorage', saved.session);
    }
  });

  it('should list the guest’s upcoming bookings after a reload and open manage from them', async () => {
    const f = await apiFixture();
    const el = await bookOne(f);
    el.remove();
    (await import('../../src/widget/session.ts')).Session.reset();
    const again = await mount(f);
    await untilStep(again, 'services');
    await waitUntil(() => again.flow.state.step === 'services' && again.flow.state.mine.length === 1, 'upcoming bookings');
    await again.updateComplete;
    $$(again, 'li.row button')[0].click();
    await untilStep(again, 'manage');
  });
});
