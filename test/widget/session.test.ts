import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { Session, REFRESH_MARGIN_MS } from '../../src/widget/session.ts';
import { clock, keys } from '../../src/widget/storage.ts';
import { $, apiFixture, free, mount, onFetch, requests, resetWorld, revokeKey, type Fixture, untilStep } from './helpers.ts';

/** A fake clock: `skew` shifts the device's clock; timers run only when the test advances time. */
function fakeClock(skewMs = 0) {
  let elapsed = 0;
  const timers: { fn: () => void; at: number; id: number }[] = [];
  let nextId = 1;
  Object.assign(clock, {
    now: () => Date.now() + skewMs + elapsed,
    setTimeout: (fn: () => void, ms: number) => {
      const id = nextId++;
      timers.push({ fn, at: elapsed + ms, id });
      return id;
    },
    clearTimeout: (id: unknown) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  return {
    /** Moves time on and runs the timers that fell due. */
    advance(ms: number) {
      elapsed += ms;
      for (const t of timers.filter((t) => t.at <= elapsed)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    },
  };
}

const sessionPosts = () => requests(/\/api\/v1\/session$/, 'POST').length;

function setHidden(hidden: boolean) {
  Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('<booking-widget> session', () => {
  let f: Fixture;
  beforeEach(async () => {
    resetWorld();
    f = await apiFixture();
  });
  afterEach(() => setHidden(false));

  it('should make one POST /session for two widgets on one page', async () => {
    const both = await fixture(html`<div>
      <booking-widget publishable-key=${f.pk} api-base=${f.apiBase}></booking-widget>
      <booking-widget publishable-key=${f.pk} api-base=${f.apiBase} service=${f.serviceId}></booking-widget></div>`);
    const [a, b] = [...both.querySelectorAll('booking-widget')];
    await untilStep(a, 'services');
    await untilStep(b, 'date');
    expect(sessionPosts()).to.equal(1);
  });

  it('should reuse a stored session after a reload', async () => {
    const el = await mount(f);
    await untilStep(el, 'services');
    el.remove();
    Session.reset();
    const again = await mount(f);
    await untilStep(again, 'services');
    expect(sessionPosts()).to.equal(1);
  });

  describe('without Web Locks', () => {
    const locks = Object.getOwnPropertyDescriptor(Navigator.prototype, 'locks')!;
    beforeEach(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true }));
    afterEach(() => Object.defineProperty(Navigator.prototype, 'locks', locks));

    it('should still exchange once and book', async () => {
      expect(navigator.locks).to.equal(undefined);
      const el = await mount(f);
      await untilStep(el, 'services');
      expect(sessionPosts()).to.equal(1);
      expect(localStorage.getItem(`${keys.session(f.apiBase, f.pk)}:lease`)).to.equal(null);
    });

    it("should wait for another tab's exchange instead of making a second one", async () => {
      // Another tab holds the lease: it is exchanging right now.
      const storageKey = keys.session(f.apiBase, f.pk);
      const other = await (await fetch(`${f.apiBase}/api/v1/session`, { method: 'POST', headers: { Authorization: `Bearer ${f.pk}` } })).json();
      localStorage.setItem(`${storageKey}:lease`, JSON.stringify(Date.now() + 10_000));
      const before = sessionPosts();
      const el = await mount(f);
      await new Promise((r) => setTimeout(r, 300));
      // Waiting for the other tab, not exchanging; the service list, asked with the key, need not wait.
      expect(sessionPosts()).to.equal(before);
      let ready = false;
      el.addEventListener('bw-ready', () => (ready = true));
      // The other tab finishes: it stores its session and gives the lease back.
      localStorage.setItem(storageKey, JSON.stringify({ token: other.session_token, expiresAt: Date.parse(other.expires_at), skew: 0, business: other.business }));
      localStorage.removeItem(`${storageKey}:lease`);
      await untilStep(el, 'services');
      await waitUntil(() => ready, 'the adopted session makes the widget ready');
      expect(sessionPosts()).to.equal(before);
    });
  });

  it('should share one exchange among concurrent callers during a refresh', async () => {
    const s = Session.for(f.apiBase, f.pk);
    const { token } = await s.get();
    const [a, b, c] = await Promise.all([s.refresh(token), s.refresh(token), s.refresh(token)]);
    expect(a.token).to.not.equal(token);
    expect(a.token).to.equal(b.token);
    expect(b.token).to.equal(c.token);
    expect(sessionPosts()).to.equal(2);
  });

  for (const [label, skew] of [['a correct', 0], ['a 10-minute fast', 10 * 60_000], ['a 10-minute slow', -10 * 60_000]] as const) {
    it(`should refresh about five minutes before expiry with ${label} device clock`, async () => {
      const time = fakeClock(skew);
      const s = Session.for(f.apiBase, f.pk);
      const first = await s.get();
      time.advance(60 * 60_000 - REFRESH_MARGIN_MS - 61_000); // just before the earliest refresh moment
      expect(sessionPosts()).to.equal(1);
      time.advance(62_000); // past the latest (margin plus a minute of jitter)
      await waitUntil(() => s.data?.token !== first.token, 'refreshed');
      expect(sessionPosts()).to.equal(2);
    });
  }

  it('should not refresh in a hidden tab, and catch up when it is seen again', async () => {
    const time = fakeClock();
    const s = Session.for(f.apiBase, f.pk);
    await s.get();
    setHidden(true);
    time.advance(60 * 60_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(sessionPosts()).to.equal(1);
    setHidden(false);
    await waitUntil(() => sessionPosts() === 2, 'refresh on visibilitychange');
  });

  it('should carry on after the tab slept past the session\'s expiry, with one new exchange', async () => {
    const time = fakeClock();
    const el = await mount(f);
    await untilStep(el, 'services');
    setHidden(true);
    time.advance(2 * 60 * 60_000); // the laptop lid was closed for two hours
    setHidden(false);
    $<HTMLButtonElement>(el, 'button.service')!.click();
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0, 'free days with a fresh session');
    expect(sessionPosts()).to.equal(2);
    const calls = requests(/\/availability\?/);
    expect(calls.at(-1)!.headers.get('authorization')).to.equal(`Bearer ${Session.for(f.apiBase, f.pk).data!.token}`);
  });

  it('should refresh and retry once on 401 session_expired', async () => {
    // A session in storage (a reload), so the service list is asked for with it, not with the key.
    const first = await mount(f);
    await untilStep(first, 'services');
    first.remove();
    Session.reset();
    let expired = 0;
    onFetch(async (req, real) => {
      if (/\/services$/.test(req.url) && expired++ === 0) {
        return new Response(JSON.stringify({ error: { code: 'session_expired', message: 'expired' } }), { status: 401, headers: { 'content-type': 'application/json' } });
      }
      return real();
    });
    const before = requests(/\/services$/).length;
    const el = await mount(f);
    await untilStep(el, 'services');
    expect(sessionPosts()).to.equal(2);
    const asked = requests(/\/services$/).slice(before);
    expect(asked).to.have.length(2);
    expect(asked[1].headers.get('authorization')).to.not.equal(asked[0].headers.get('authorization'));
  });

  it('should stop cleanly and show the fallback link when the key is revoked', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const el = await mount(f);
      await untilStep(el, 'services');
      await revokeKey(f.keyId);
      $<HTMLButtonElement>(el, 'button.service')!.click();
      await untilStep(el, 'unavailable');
      const slot = $<HTMLSlotElement>(el, 'slot')!;
      expect(slot.assignedElements()[0].textContent).to.equal('Book by phone');
      expect(errors.filter((e) => e.includes('key_revoked'))).to.have.length(1);
      const before = requests(/\/api\/v1\//).length;
      await new Promise((r) => setTimeout(r, 300));
      expect(requests(/\/api\/v1\//).length).to.equal(before, 'nothing is retried after');
    } finally {
      console.error = original;
    }
  });

  it('should show the fallback content when no key is given', async () => {
    const el = await fixture(html`<booking-widget><a href="/book">Book by phone</a></booking-widget>`);
    await waitUntil(() => (el as unknown as { step: string }).step === 'unavailable');
    expect(el.shadowRoot!.querySelector('slot')).to.exist;
  });
});
