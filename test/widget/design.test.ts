import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import { $, $$, apiFixture, bookedNow, fillDetails, freeDays, mount, requests, resetWorld, toDetails, untilStep } from './helpers.ts';

// The design pieces of issue 15: the step indicator, checked by mouse and keyboard and with axe in
// light, dark and right to left, in a phone-sized and a desktop-sized container.

const steps = (el: BookingWidget) => $$(el, '[part~="steps"] [part~="step"]');
const current = (el: BookingWidget) => $(el, '[part~="steps"] [aria-current="step"]')?.textContent;

/** The widget in a container of this width (the page's own column, as a merchant's sidebar or main column would be). */
function sized(el: BookingWidget, width: number) {
  el.style.maxWidth = 'none';
  el.parentElement!.style.width = `${width}px`;
}

describe('<booking-widget> step indicator', () => {
  beforeEach(resetWorld);

  it('should show where the customer is: Service · Date & time · Details · Done', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    expect(steps(el).map((s) => s.textContent.trim())).to.deep.equal(['Service', 'Date & time', 'Details', 'Done']);
    expect(current(el)).to.equal('Date & time');
    await toDetails(el);
    expect(current(el)).to.equal('Details');
    await fillDetails(el);
    $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
    await untilStep(el, 'done');
    expect(current(el)).to.equal('Done');
    expect($$(el, '[part~="step-back"]'), 'no way back once booked').to.deep.equal([]);
  });

  it('should go back to the calendar by mouse from the details, releasing the hold', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    const held = el.flow.state.step === 'details' ? el.flow.state.hold : undefined;
    $$<HTMLButtonElement>(el, '[part~="step-back"]').find((b) => b.textContent === 'Date & time')!.click();
    await untilStep(el, 'date');
    await waitUntil(() => requests(new RegExp(`/holds/${held!.id}$`), 'DELETE').length === 1, 'the hold released');
  });

  it('should go back to the services by keyboard', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    (await freeDays(el))[0].click();
    await untilStep(el, 'time');
    $$<HTMLButtonElement>(el, '[part~="step-back"]').find((b) => b.textContent === 'Service')!.focus();
    await sendKeys({ press: 'Enter' });
    await untilStep(el, 'services');
    expect(bookedNow(el)).to.equal(undefined);
  });

  for (const [theme, locale] of [['light', 'en'], ['dark', 'en'], ['light', 'ar']] as const) {
    for (const width of [375, 1024]) {
      it(`should pass axe with the indicator (${theme}, ${locale}, ${width} px container)`, async () => {
        const f = await apiFixture();
        const el = await mount(f, { theme, locale });
        sized(el, width);
        await waitUntil(() => el.msg.dir === (locale === 'ar' ? 'rtl' : 'ltr'), 'messages');
        await toDetails(el);
        expect(steps(el)).to.have.length(4);
        await expect(el).to.be.accessible();
        const box = $(el, '[part~="steps"]')!.getBoundingClientRect();
        expect(box.width, 'the indicator fits its container').to.be.at.most(width);
      });
    }
  }
});

describe('<booking-widget> in a wide container', () => {
  beforeEach(resetWorld);

  async function toTimes(el: BookingWidget) {
    await untilStep(el, 'date');
    (await freeDays(el))[0].click();
    await untilStep(el, 'time');
    await waitUntil(() => $$(el, '.times button').length > 0, 'times');
  }

  it('should put the month and the day’s times side by side from 640 px, by its container’s width', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    sized(el, 1024);
    await toTimes(el);
    const cal = $(el, 'bw-calendar')!.getBoundingClientRect();
    const times = $(el, '.times')!.getBoundingClientRect();
    expect(cal.width, 'the month is shown').to.be.greaterThan(200);
    expect(cal.right, 'the month on the left').to.be.at.most(times.left);
    expect(Math.abs(cal.top - times.top), 'on one row').to.be.lessThan(80);
    await expect(el).to.be.accessible();
  });

  it('should keep one column below 640 px, whatever the viewport', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    sized(el, 375);
    await toTimes(el);
    expect($(el, 'bw-calendar')!.getBoundingClientRect().width, 'no month beside the times').to.equal(0);
    expect($(el, '.times')!.getBoundingClientRect().width).to.be.greaterThan(300);
  });

  it('should open another day from the month beside the times, by keyboard, and mirror in RTL', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId, locale: 'ar' });
    sized(el, 1024);
    await waitUntil(() => el.msg.dir === 'rtl', 'Arabic');
    await toTimes(el);
    const cal = $(el, 'bw-calendar')!;
    expect(cal.getBoundingClientRect().left, 'the month on the right in RTL').to.be.at.least($(el, '.times')!.getBoundingClientRect().right);
    const first = el.flow.state.step === 'time' ? el.flow.state.date : '';
    const days = [...cal.shadowRoot!.querySelectorAll<HTMLButtonElement>('button.free')];
    const other = days.find((d) => d.dataset.date !== first);
    if (!other) return; // the month's last free day: nothing else to open
    other.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.flow.state.step === 'time' && el.flow.state.date === other.dataset.date, 'the other day’s times');
    await expect(el).to.be.accessible();
  });
});
