import { expect, waitUntil } from '@open-wc/testing';
import type { BookingWidgetEvent } from '../../src/widget/index.ts';
import { clock } from '../../src/widget/storage.ts';
import { $, $$, apiFixture, bookedNow, bookOne, freeDays, mount, requests, resetWorld, toDetails, untilStep } from './helpers.ts';
import { oneEvent } from '@open-wc/testing';

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
    const { detail } = await moved;
    expect(detail.booking.id).to.equal(before.id);
    expect(detail.booking.start).to.not.equal(before.start);
    await untilStep(el, 'manage');
    expect($(el, '.notice')!.textContent).to.contain('Your booking has been moved.');
  });

  it('should explain an expired hold and offer to pick again', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    // Eleven minutes on, by the widget's clock: the ten-minute hold has run out.
    clock.now = () => Date.now() + 11 * 60_000;
    await waitUntil(() => el.flow.notice?.text === 'Your hold has expired. Please pick a time again.', 'expiry explained', { timeout: 3000 });
    await el.updateComplete;
    $$<HTMLButtonElement>(el, '.notice button').find((b) => b.textContent === 'Pick a time')!.click();
    await untilStep(el, 'time');
  });
});
