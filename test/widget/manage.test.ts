import { expect, waitUntil } from '@open-wc/testing';
import type { BookingWidgetEvent } from '../../src/widget/index.ts';
import { clock } from '../../src/widget/storage.ts';
import { $, $$, apiFixture, bookedNow, bookOne, freeDays, heldNow, mount, onFetch, reload, requests, resetWorld, toDetails, untilStep } from './helpers.ts';
import { oneEvent } from '@open-wc/testing';
import { release } from '../../src/widget/flow/api.ts';

describe('<booking-widget> manage', () => {
  beforeEach(resetWorld);
  afterEach(() => history.replaceState(null, '', location.pathname));

  it('should open manage directly from a manage link on the page and cancel after confirmation', async () => {
    const f = await apiFixture();
    const first = await bookOne(f);
    const { booking, token } = bookedNow(first)!;
    first.remove();
    history.replaceState(null, '', `${location.pathname}?booking=${booking.id}&token=${token}`);
    const el = await mount(f);
    await untilStep(el, 'manage');
    expect($(el, '[part~="summary"]')!.textContent).to.contain('Ada Lovelace');
    const cancelButton = $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent === 'Cancel booking')!;
    cancelButton.click();
    await el.updateComplete;
    expect($(el, '[role=alertdialog]')!.textContent).to.contain('Cancel this booking?');
    expect(requests(/\/cancel/)).to.have.length(0, 'nothing is cancelled before the customer confirms');
    const cancelled = oneEvent<BookingWidgetEvent<'bw-cancelled'>>(el, 'bw-cancelled');
    $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent === 'Yes, cancel')!.click();
    expect((await cancelled).detail.booking.status).to.equal('cancelled');
    await el.updateComplete;
    expect($(el, '.notice')!.textContent).to.contain('This booking is cancelled.');
  });

  it('should remove the manage token from the address bar and history as soon as it is read', async () => {
    const f = await apiFixture();
    const first = await bookOne(f);
    const { booking, token: issued } = bookedNow(first)!;
    const token = issued!;
    first.remove();
    // The link is opened in a browser that did not make the booking: no token of its own anywhere.
    resetWorld();
    history.replaceState(null, '', `${location.pathname}?utm_source=email&booking=${booking.id}&token=${token}&lang=en#manage`);
    const entries = history.length;
    // Where the page is when each request leaves: what a Referer header or an analytics beacon would carry.
    const pageAt: string[] = [];
    onFetch((_req, real) => (pageAt.push(location.href), real()));
    const el = await mount(f);
    await untilStep(el, 'manage');
    expect(location.href).to.not.contain(token, 'the address bar');
    expect(location.search).to.equal(`?utm_source=email&booking=${booking.id}&lang=en`, 'the page’s own parameters stay');
    expect(location.hash).to.equal('#manage');
    expect(history.length).to.equal(entries, 'the entry is replaced, not pushed: history keeps no entry with the token');
    expect(pageAt.length).to.be.greaterThan(0);
    expect(pageAt.filter((href) => href.includes(token)), 'requests sent while the token was in the address bar').to.deep.equal([]);
    expect(Object.values(localStorage).filter((v) => v.includes(token)), 'the token is not kept in localStorage').to.deep.equal([]);
    expect($(el, '[part~="summary"]')!.textContent).to.contain('Ada Lovelace');
    // A reload of the cleaned address still shows the booking (this tab keeps the token).
    const again = await reload(el, f);
    await untilStep(again, 'manage');
    expect(bookedNow(again)!.booking.id).to.equal(booking.id);
    expect($(again, '[part~="summary"]')!.textContent).to.contain('Ada Lovelace');
    expect(location.href).to.not.contain(token);
    // Leaving the booking forgets it: the link's parameters go, the page's stay, and a reload shows the services.
    $$<HTMLButtonElement>(again, 'button').find((b) => b.textContent === 'Book another')!.click();
    await untilStep(again, 'services');
    expect(location.search).to.equal('?utm_source=email&lang=en');
    expect(Object.values(sessionStorage).filter((v) => v.includes(token)), 'the tab forgets the token').to.deep.equal([]);
    await untilStep(await reload(again, f), 'services');
  });

  it('should reschedule through the same calendar and keep the booking id', async () => {
    const f = await apiFixture();
    const el = await bookOne(f);
    const before = bookedNow(el)!.booking;
    $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent === 'Manage booking')!.click();
    await untilStep(el, 'manage');
    $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent === 'Reschedule')!.click();
    await untilStep(el, 'date');
    const days = await freeDays(el);
    days[days.length > 1 ? 1 : 0].click();
    await untilStep(el, 'time');
    await waitUntil(() => $$(el, '.times button').length > 0, 'times');
    const moved = oneEvent<BookingWidgetEvent<'bw-rescheduled'>>(el, 'bw-rescheduled');
    $$<HTMLButtonElement>(el, '.times button').at(-1)!.click();
    await el.updateComplete;
    $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent === 'Move booking')!.click();
    const { detail } = await moved;
    expect(detail.booking.id).to.equal(before.id);
    expect(detail.booking.start).to.not.equal(before.start);
    await untilStep(el, 'manage');
    expect($(el, '.notice')!.textContent).to.contain('Your booking has been moved.');
  });

  it('should explain an expired hold and go back to the day’s times when the time has gone meanwhile', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    // Eleven minutes on, by the widget's clock: the ten-minute hold has run out.
    clock.now = () => Date.now() + 11 * 60_000;
    await waitUntil(() => el.flow.notice?.text === 'Your hold has expired.', 'expiry explained', { timeout: 3000 });
    await el.updateComplete;
    // Meanwhile the time went to someone else: the hold ends (released here, as its expiry would)
    // and another customer (another guest, no guest token of ours) holds the same time.
    const hold = heldNow(el)!;
    await release(el.flow.api!, hold.id);
    const other = await fetch(`${f.apiBase}/api/v1/holds`, {
      method: 'POST', headers: { authorization: `Bearer ${el.flow.api!.session.data!.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service_id: hold.service_id, start: hold.start }),
    });
    expect(other.status).to.equal(201);
    clock.now = () => Date.now() + 11 * 60_000;
    $$<HTMLButtonElement>(el, '.notice button').find((b) => b.textContent === 'Hold this time again')!.click();
    await untilStep(el, 'time');
    expect(el.flow.notice?.text).to.contain('someone else just took that time');
  });
});
