import { expect, waitUntil } from '@open-wc/testing';
import { $, apiFixture, fillDetails, free, freeDays, mount, requests, resetWorld, shownMonth, toDetails, untilStep } from './helpers.ts';
import { addMonths } from '../../src/widget/dates.ts';
import { LOCALES } from '../../src/contract/locales.ts';
import { loadMessages } from '../../src/widget/i18n/index.ts';

describe('<booking-widget> accessibility', () => {
  beforeEach(resetWorld);

  for (const theme of ['light', 'dark']) {
    for (const locale of LOCALES) {
      it(`should pass axe in every step (${theme}, ${locale})`, async () => {
        const f = await apiFixture();
        const el = await mount(f, { theme, locale });
        await untilStep(el, 'services');
        const messages = await loadMessages(locale);
        await waitUntil(() => el.msg.chooseService === messages.chooseService, 'messages loaded');
        await el.updateComplete;
        await expect(el).to.be.accessible();
        $<HTMLButtonElement>(el, 'button.service')!.click();
        await untilStep(el, 'date');
        await waitUntil(() => free(el).size > 0);
        await expect(el).to.be.accessible();
        await toDetails(el);
        await expect(el).to.be.accessible();
        $<HTMLButtonElement>(el, 'button[type=submit]')!.click(); // empty form: errors shown
        await el.updateComplete;
        await expect(el).to.be.accessible();
        await fillDetails(el);
        $<HTMLButtonElement>(el, 'button[type=submit]')!.click();
        await untilStep(el, 'done');
        await expect(el).to.be.accessible();
        expect($(el, '.root')!.getAttribute('dir')).to.equal(messages.dir);
      });
    }
  }

  it('should let the page style the calendar through its documented parts', async () => {
    const style = document.createElement('style');
    style.textContent = 'booking-widget::part(day-free) { outline: 3px solid rgb(1, 2, 3); } booking-widget::part(month-next) { color: rgb(4, 5, 6); }';
    document.head.append(style);
    try {
      const f = await apiFixture();
      const el = await mount(f, { service: f.serviceId });
      await untilStep(el, 'date');
      const [day] = await freeDays(el);
      expect(getComputedStyle(day).outlineColor).to.equal('rgb(1, 2, 3)');
      const next = $(el, 'bw-calendar')!.shadowRoot!.querySelector('[part~="month-next"]')!;
      expect(getComputedStyle(next).color).to.equal('rgb(4, 5, 6)');
    } finally {
      style.remove();
    }
  });

  it('should keep the main button readable on a merchant accent in dark mode, and label the booking summary', async () => {
    const f = await apiFixture();
    const el = await mount(f, { theme: 'dark' });
    el.setAttribute('accent', '#8a4b2d'); // a dark brown on the dark theme
    await toDetails(el);
    const submit = $<HTMLButtonElement>(el, 'button[type=submit]')!;
    const luminance = (css: string) => {
      const [r, g, b] = css.match(/[\d.]+/g)!.map(Number).map((c) => (c / 255 <= 0.04045 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [fg, bg] = [luminance(getComputedStyle(submit).color), luminance(getComputedStyle(submit).backgroundColor)];
    const contrast = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    expect(contrast, `contrast ${contrast.toFixed(2)}`).to.be.at.least(4.5);
    await fillDetails(el);
    submit.click();
    await untilStep(el, 'done');
    expect([...el.shadowRoot!.querySelectorAll('dt')].map((dt) => dt.textContent)).to.deep.equal(['Service', 'With', 'Time', 'Duration', 'Price', 'At', 'Name']);
  });

  it('should give every button a touch target of at least 44 px', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0);
    const cal = $(el, 'bw-calendar')!.shadowRoot!;
    for (const b of [...el.shadowRoot!.querySelectorAll('button'), ...cal.querySelectorAll('button')]) {
      const r = b.getBoundingClientRect();
      expect(r.height, b.outerHTML.slice(0, 80)).to.be.at.least(44);
    }
  });

  it('should announce a placed hold in the live region', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await toDetails(el);
    expect($(el, '[role=status][aria-live=polite]')!.textContent).to.match(/^Held .* for you for 10 minutes\.$/);
  });
});

describe('<booking-widget> attributes at run time', () => {
  beforeEach(resetWorld);

  it('should re-render on theme, accent, locale and service changes', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    await untilStep(el, 'services');
    const bg = () => getComputedStyle($(el, '.root')!).backgroundColor;
    const light = bg();
    el.setAttribute('theme', 'dark');
    await el.updateComplete;
    expect(bg()).to.not.equal(light);
    el.setAttribute('accent', 'rgb(200, 0, 100)');
    await el.updateComplete;
    expect(getComputedStyle($(el, 'button.service')!).getPropertyValue('--_accent').trim()).to.equal('rgb(200, 0, 100)');
    el.setAttribute('locale', 'de');
    await waitUntil(() => $(el, 'h2')?.textContent === 'Leistung wählen', 'German heading');
    el.setAttribute('service', f.serviceId);
    await untilStep(el, 'date');
    expect($(el, 'h2')!.textContent).to.equal('Datum wählen');
  });

  it('should format prices with Intl for the locale', async () => {
    const f = await apiFixture();
    const el = await mount(f, { locale: 'de' });
    await untilStep(el, 'services');
    await waitUntil(() => $(el, '[part~="service-price"]')?.textContent?.replace(/\s/g, ' ') === '45,00 €', 'German price');
  });

  it('should prefill the details form from attributes', async () => {
    const f = await apiFixture();
    const el = await mount(f);
    el.setAttribute('name', 'Kim Park');
    el.setAttribute('email', 'kim@example.com');
    await toDetails(el);
    expect($<HTMLInputElement>(el, '#bw-name')!.value).to.equal('Kim Park');
    expect($<HTMLInputElement>(el, '#bw-email')!.value).to.equal('kim@example.com');
  });
});

describe('<booking-widget> time display', () => {
  beforeEach(resetWorld);

  it('should switch times between the 12- and 24-hour clock', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    el.setAttribute('hour-cycle', 'h12');
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0);
    el.shadowRoot!.querySelector('bw-calendar')!.shadowRoot!.querySelector<HTMLButtonElement>('button.free')!.click();
    await untilStep(el, 'time');
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.times time').length > 0);
    const texts = () => [...el.shadowRoot!.querySelectorAll('.times time')].map((t) => t.textContent);
    expect(texts().some((t) => /AM|PM/.test(t))).to.equal(true);
    const toggle = $<HTMLInputElement>(el, 'input[type=checkbox]')!;
    toggle.click();
    await el.updateComplete;
    expect(texts().every((t) => /^\d{2}:\d{2}$/.test(t))).to.equal(true, texts().join(' '));
  });

  it('should show times in the zone the customer picks', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId, timezone: 'UTC' });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0);
    const select = $<HTMLSelectElement>(el, 'select')!;
    select.value = 'Asia/Tokyo';
    select.dispatchEvent(new Event('change'));
    // The month is asked for again in Tokyo (the old month's answer stays until the new one is here).
    await waitUntil(() => requests(/\/availability/).at(-1)!.url.includes('timezone=Asia%2FTokyo') && free(el).size > 0, 'free days in Tokyo');
    expect(el.flow.zone).to.equal('Asia/Tokyo');
  });

  it('should show this month when the zone picked has left the shown month behind', async () => {
    // As on a month's last afternoon in UTC, when it is already the 1st in Tokyo; here the shown
    // month is set back by hand, since the test cannot choose the date.
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId, timezone: 'UTC' });
    await untilStep(el, 'date');
    await waitUntil(() => free(el).size > 0);
    const thisMonth = shownMonth(el);
    const s = el.flow.state;
    if (s.step === 'date') el.flow.go({ ...s, month: addMonths(thisMonth, -1) });
    const select = $<HTMLSelectElement>(el, 'select')!;
    select.value = 'Asia/Tokyo';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => free(el).size > 0, 'free days in Tokyo');
    expect(shownMonth(el) >= thisMonth).to.equal(true, shownMonth(el));
    expect(new URL(requests(/\/availability/).at(-1)!.url).searchParams.get('from')!.slice(0, 7)).to.equal(shownMonth(el));
  });

  it('should start the week on the day the week-start attribute names', async () => {
    const f = await apiFixture();
    const el = await mount(f, { service: f.serviceId });
    el.setAttribute('week-start', '7');
    await untilStep(el, 'date');
    await el.updateComplete;
    const cal = $(el, 'bw-calendar')!;
    await (cal as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(cal.shadowRoot!.querySelector('th')!.getAttribute('abbr')).to.equal('Sunday');
    el.setAttribute('week-start', '1');
    await el.updateComplete;
    await (cal as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(cal.shadowRoot!.querySelector('th')!.getAttribute('abbr')).to.equal('Monday');
  });
});
