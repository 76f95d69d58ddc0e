import { expect, waitUntil } from '@open-wc/testing';
import { $, adminBookings, apiFixture, bookOne, fillDetails, free, freeDays, mount, onFetch, requests, resetWorld, safeTime, toDetails, untilStep } from './helpers.ts';

describe('<booking-widget> network', () => {
  beforeEach(resetWorld);

  it('should retry a booking POST that failed at the network level with the same Idempotency-Key, and book once', async () => {
    const f = await apiFixture();
    let dropped = false;
    onFetch(async (req, real) => {
      if (/\/bookings$/.test(req.url) && req.method === 'POST' && !dropped) {
        dropped = true;
        await real(); // the server books it, but the answer is lost on the way back
        throw new TypeError('Failed to fetch');
      }
      return real();
    });
    await bookOne(f);
    const posts = requests(/\/bookings$/, 'POST');
    expect(posts).to.have.length(2);
    expect(posts[0].headers.get('idempotency-key')).to.match(/^[0-9a-f-]{36}$/);
    expect(posts[1].headers.get('idempotency-key')).to.equal(posts[0].headers.get('idempotency-key'));
    expect((await adminBookings()).data).to.have.length(1);
  });

  it('should keep its progress visible and send one booking while the API answers slowly, however often the customer clicks', async () => {
    const f = await apiFixture();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    onFetch(async (req, real) => {
      if (/\/bookings$/.test(req.url) && req.method === 'POST') await slow;
      return real();
    });
    const el = await mount(f);
    await toDetails(el);
    await fillDetails(el);
    const submit = () => $<HTMLButtonElement>(el, 'button[type=submit]')!;
    submit().click();
    await el.updateComplete;
    for (let i = 0; i < 3; i++) {
      submit().click();
      submit().dispatchEvent(new Event('submit', { bubbles: true }));
      $<HTMLFormElement>(el, 'form')!.requestSubmit();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(submit().disabled).to.equal(true);
    expect(submit().getAttribute('aria-busy')).to.equal('true');
    expect(submit().textContent).to.contain(el.msg.booking);
    expect(el.step).to.equal('details');
    release();
    await untilStep(el, 'done');
    expect(requests(/\/bookings$/, 'POST')).to.have.length(1);
    expect((await adminBookings()).data).to.have.length(1);
  });

  it('should wait for Retry-After on a 429 and say so calmly', async () => {
    const f = await apiFixture();
    let limited = false;
    onFetch(async (req, real) => {
      if (/\/services$/.test(req.url) && !limited) {
        limited = true;
        return new Response(JSON.stringify({ error: { code: 'rate_limited', message: 'slow down' } }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
      }
      return real();
    });
    const started = Date.now();
    const el = await mount(f);
    await waitUntil(() => el.flow.notice?.text.includes('Trying again in 1 seconds'), 'calm message');
    await untilStep(el, 'services');
    expect(Date.now() - started).to.be.greaterThan(950);
    expect(requests(/\/services$/)).to.have.length(2);
  });

  it('should not retry a 4xx other than 429', async () => {
    const f = await apiFixture();
    onFetch(async (req, real) => (/\/holds$/.test(req.url)
      ? new Response(JSON.stringify({ error: { code: 'invalid_request', message: 'no' } }), { status: 400, headers: { 'content-type': 'application/json' } })
      : real()));
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0);
    (await freeDays(el))[0].click();
    (await safeTime(el)).click();
    await waitUntil(() => requests(/\/holds$/).length === 1 && !el.flow.busy, 'hold refused');
    await new Promise((r) => setTimeout(r, 300));
    expect(requests(/\/holds$/)).to.have.length(1);
    expect(el.step).to.equal('time');
  });

  it('should tell the customer kindly when the slot was taken, and offer fresh times', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0);
    (await freeDays(el))[0].click();
    const time = await safeTime(el);
    onFetch(async (req, real) => (/\/holds$/.test(req.url)
      ? new Response(JSON.stringify({ error: { code: 'slot_taken', message: 'taken' } }), { status: 409, headers: { 'content-type': 'application/json' } })
      : real()));
    time.click();
    await waitUntil(() => el.flow.notice !== undefined, 'notice');
    await el.updateComplete;
    expect($(el, '[part~="notice"]')!.textContent).to.contain('someone else just took that time');
    expect(el.step).to.equal('time');
    await waitUntil(() => requests(/\/availability/).length >= 2, 'slots refreshed');
  });
});
