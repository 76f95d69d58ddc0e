// The popup and floating modes (a native modal <dialog>), deep links and attribution, on a
// merchant's page of another origin than the API, in real Chromium: by mouse and by keyboard alone.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import {
  ROOT, deepActive, e2e, ensureFreeDays, fillDetails, heading, mouseToDetails, recordRequests, slots, step, tabTo, until, useWorld, visible,
} from './helpers.ts';

const world = useWorld();

/** A header "Book now" button of the page's own, and a page tall enough to scroll. */
const HEADER = '<nav><a href="/about">About us</a> <button type="button" id="book" data-booking-widget-open>Book an appointment</button></nav>';
const TALL = '<section><p>More about us.</p><a href="/more" id="behind">A link behind the dialog</a><div style="height:3000px"></div></section>';

const dialogOpen = (page: Page, selector = 'booking-widget') =>
  page.locator(selector).evaluate((el) => el.shadowRoot!.querySelector('dialog')!.open);
/** Where the page's focus is: inside the widget (its shadow root), or which element of the page. */
const focusOwner = (page: Page) => page.evaluate(() => document.activeElement?.closest('booking-widget') ? 'widget' : document.activeElement?.id || document.activeElement?.localName || '');
/** Records the widget's bw-open / bw-close events in the page. */
const recordEvents = (page: Page) => page.evaluate(() => {
  const w = window as unknown as { seen: string[] };
  w.seen = [];
  for (const type of ['bw-open', 'bw-close']) document.addEventListener(type, (e) => w.seen.push(`${type}:${(e as CustomEvent<{ step: string }>).detail.step}:${(e.target as Element).id}`));
});
const events = (page: Page) => page.evaluate(() => (window as unknown as { seen: string[] }).seen);

/** axe-core on the open dialog (or, closed, on the whole widget: its trigger); answers the violations. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const { axe } = window as unknown as { axe: { run(ctx: Element, o: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } };
    const host = document.querySelector('booking-widget')!;
    const dialog = host.shadowRoot!.querySelector('dialog')!;
    const { violations } = await axe.run((dialog.open ? { include: [[['booking-widget', 'dialog']]] } : host) as Element, { resultTypes: ['violations'] });
    return violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

e2e('popup by mouse: a header button opens the flow in a modal dialog, the page behind is inert and still, it books, and closing returns focus', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(world.pages.add({ pk: biz.pk, attrs: { mode: 'popup', id: 'salon' }, header: HEADER, after: TALL }));
  await recordEvents(page);
  // Closed: the element is its button; the flow is in a dialog that is not open.
  const trigger = page.locator('booking-widget [part~="trigger"]');
  await visible(trigger);
  assert.equal(await trigger.innerText(), 'Book now');
  assert.equal(await dialogOpen(page), false);

  await page.locator('#book').click();
  await until(() => dialogOpen(page), (v) => v, 'the dialog opens');
  await heading(page, 'Choose a service').waitFor();
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).overflow), 'hidden', 'the page behind does not scroll');
  await page.mouse.move(20, 600);
  await page.mouse.wheel(0, 800);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => scrollY), 0, 'a wheel over the backdrop scrolls nothing');
  // The page behind is inert: a click on its link does nothing; the dialog stays.
  await page.locator('#behind').click({ force: true, timeout: 2000 }).catch(() => {});
  assert.equal(new URL(page.url()).pathname.startsWith('/shop/'), true, 'no navigation from behind the dialog');
  assert.equal(await dialogOpen(page), true);

  await mouseToDetails(page, biz.serviceName);
  await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
  await page.locator('booking-widget button[type=submit]').click();
  await heading(page, 'You are booked').waitFor();
  assert.equal((await biz.admin('GET', '/bookings')).data.length, 1);

  await page.locator('booking-widget [part~="close"]').click();
  await until(() => dialogOpen(page), (v) => !v, 'the close button closes it');
  assert.equal(await focusOwner(page), 'book', 'focus returns to the button that opened it');
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.documentElement).overflow), 'hidden', 'the page scrolls again');
  assert.match((await events(page)).join(), /^bw-open:(loading|services):salon,bw-close:done:salon$/);
  assert.deepEqual(errors, []);
});

e2e('popup by keyboard alone: open, focus trapped, Escape closes mid-flow and returns focus, reopening resumes the step and the hold, then books', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const requests = recordRequests(context);
  const page = await context.newPage();
  await page.goto(world.pages.add({ pk: biz.pk, attrs: { mode: 'popup' }, header: HEADER, after: TALL }));
  await visible(page.locator('booking-widget [part~="trigger"]'));

  await tabTo(page, (a) => a.part.includes('trigger'));
  await page.keyboard.press('Enter');
  await until(() => dialogOpen(page), (v) => v, 'Enter on the trigger opens the dialog');
  await heading(page, 'Choose a service').waitFor();
  await until(() => deepActive(page), (a) => a?.tag === 'H2', 'focus moves into the dialog, to the step heading');
  // Tab goes round inside the dialog: nothing of the page behind is ever reached.
  const owners = new Set<string>();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    owners.add(await focusOwner(page));
  }
  assert.deepEqual([...owners], ['widget'], 'focus stays in the dialog');
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Shift+Tab');
    owners.add(await focusOwner(page));
  }
  assert.deepEqual([...owners], ['widget'], 'also backwards');

  await tabTo(page, (a) => a.part.includes('service'));
  await page.keyboard.press('Enter');
  await heading(page, 'Choose a date').waitFor();
  await ensureFreeDays(page, true);
  await tabTo(page, (a) => a.date !== '');
  await page.keyboard.press('Enter');
  await heading(page, 'Choose a time').waitFor();
  await slots(page).first().waitFor();
  await tabTo(page, (a) => a.part.includes('slot'));
  if ((await slots(page).count()) > 1) await tabTo(page, (a) => a.part.includes('slot'));
  await page.keyboard.press('Enter');
  await heading(page, 'Your details').waitFor();
  const summary = await page.locator('booking-widget [part~="summary"]').innerText();

  // Escape in the middle: the dialog closes, focus is back on the trigger, the flow waits.
  await tabTo(page, (a) => a.id === 'bw-name');
  await page.keyboard.type('Grace Hopper');
  await page.keyboard.press('Escape');
  await until(() => dialogOpen(page), (v) => !v, 'Escape closes the dialog');
  assert.equal((await deepActive(page))?.part.includes('trigger'), true, 'focus returns to the trigger');
  assert.equal(await step(page), 'details');

  // Opening again: the same step, the same time, the same hold, what was typed.
  await page.keyboard.press('Enter');
  await until(() => dialogOpen(page), (v) => v, 'the trigger opens it again');
  await heading(page, 'Your details').waitFor();
  assert.equal(await page.locator('booking-widget [part~="summary"]').innerText(), summary);
  await visible(page.locator('booking-widget [part~="hold"]', { hasText: /holding this time/ }));
  assert.equal(await page.locator('booking-widget #bw-name').inputValue(), 'Grace Hopper');
  assert.equal(requests.count('POST', /\/api\/v1\/holds$/), 1, 'no second hold');
  assert.equal(requests.count('DELETE', /\/api\/v1\/holds\//), 0, 'the hold was not released');

  await tabTo(page, (a) => a.id === 'bw-email');
  await page.keyboard.type('grace@example.com');
  await tabTo(page, (a) => a.type === 'submit');
  await page.keyboard.press('Enter');
  await heading(page, 'You are booked').waitFor();
  const { data } = await biz.admin('GET', '/bookings');
  assert.equal(data.length, 1);
  assert.equal(data[0].customer.name, 'Grace Hopper');
  await page.keyboard.press('Escape');
  await until(() => dialogOpen(page), (v) => !v, 'Escape closes it after booking');
  assert.equal((await deepActive(page))?.part.includes('trigger'), true);
});

e2e('floating: a corner button that covers nothing else on a 375 px screen, opens a full-screen dialog there, by mouse and keyboard; axe finds nothing, light and dark, phone and desktop', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto(world.pages.add({ pk: biz.pk, attrs: { mode: 'floating', label: 'Book a cut' }, after: TALL }));
  const trigger = page.locator('booking-widget [part~="trigger"]');
  await visible(trigger);
  assert.equal(await trigger.innerText(), 'Book a cut');
  const boxes = await page.locator('booking-widget').evaluate((el) => {
    const host = el.getBoundingClientRect();
    const button = el.shadowRoot!.querySelector('[part~="trigger"]')!.getBoundingClientRect();
    return { host: [host.left, host.top, host.right, host.bottom], button: [button.left, button.top, button.right, button.bottom] };
  });
  assert.deepEqual(boxes.host.map(Math.round), boxes.button.map(Math.round), 'the element is as big as its button, no bigger');
  assert.equal(Math.round(boxes.button[2]), 375 - 16, 'at the right edge');
  assert.equal(Math.round(boxes.button[3]), 667 - 16, 'at the bottom');
  assert.ok(boxes.button[0] > 375 / 2, 'in the right half');
  // The page's content beside and above the button is the page's own.
  const under = await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.closest('booking-widget') ? 'widget' : 'page', [boxes.button[0] - 10, boxes.button[3] - 5]);
  assert.equal(under, 'page');
  assert.deepEqual(await axe(page), [], 'axe on the closed widget (its button), light');
  await page.locator('booking-widget').evaluate((el) => el.setAttribute('theme', 'dark'));
  assert.deepEqual(await axe(page), [], 'axe on the closed widget (its button), dark');
  await page.locator('booking-widget').evaluate((el) => el.setAttribute('theme', 'light'));
  await page.evaluate(() => scrollTo(0, 1500));
  assert.deepEqual(await trigger.evaluate((b) => Math.round(b.getBoundingClientRect().bottom)), 667 - 16, 'it stays in its corner as the page scrolls');

  // Keyboard: Tab reaches it, Enter opens the dialog, which fills the phone's screen.
  await tabTo(page, (a) => a.part.includes('trigger'));
  await page.keyboard.press('Enter');
  await until(() => dialogOpen(page), (v) => v, 'Enter opens it');
  await heading(page, 'Choose a service').waitFor();
  const dialog = await page.locator('booking-widget').evaluate((el) => {
    const r = el.shadowRoot!.querySelector('dialog')!.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height].map(Math.round);
  });
  assert.deepEqual(dialog, [0, 0, 375, 667], 'full screen under 480 px');
  assert.deepEqual(await axe(page), [], 'axe, light, 375 px');
  await page.locator('booking-widget').evaluate((el) => el.setAttribute('theme', 'dark'));
  assert.deepEqual(await axe(page), [], 'axe, dark, 375 px');
  await page.locator('booking-widget button.service', { hasText: biz.serviceName }).click();
  await heading(page, 'Choose a date').waitFor();
  await ensureFreeDays(page);
  assert.deepEqual(await axe(page), [], 'axe, dark, 375 px, calendar');

  await page.keyboard.press('Escape');
  await until(() => dialogOpen(page), (v) => !v, 'Escape closes it');
  await page.setViewportSize({ width: 1280, height: 900 });
  // Mouse: a click on the corner button opens it again, at the calendar, as a centred dialog.
  await trigger.click();
  await until(() => dialogOpen(page), (v) => v, 'a click opens it');
  await heading(page, 'Choose a date').waitFor();
  const wide = await page.locator('booking-widget').evaluate((el) => el.shadowRoot!.querySelector('dialog')!.getBoundingClientRect().width);
  assert.ok(wide <= 480 && wide > 300, `a dialog of the widget's width on a desktop (${wide})`);
  assert.deepEqual(await axe(page), [], 'axe, dark, desktop');
  await page.locator('booking-widget').evaluate((el) => el.setAttribute('theme', 'light'));
  assert.deepEqual(await axe(page), [], 'axe, light, desktop');
  await page.locator('booking-widget [part~="close"]').click();
  await until(() => dialogOpen(page), (v) => !v, 'the close button closes it');
});

e2e('floating at bottom-left, and open() / close() from the page', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  await page.setViewportSize({ width: 375, height: 667 });
  await page.goto(world.pages.add({ pk: biz.pk, attrs: { mode: 'floating', position: 'bottom-left' } }));
  const trigger = page.locator('booking-widget [part~="trigger"]');
  await visible(trigger);
  assert.equal(await trigger.evaluate((b) => Math.round(b.getBoundingClientRect().left)), 16);
  await recordEvents(page);
  await page.locator('booking-widget').evaluate((el) => (el as unknown as { open(): Promise<void> }).open());
  await until(() => dialogOpen(page), (v) => v, 'open() opens it');
  await heading(page, 'Choose a service').waitFor();
  await page.locator('booking-widget').evaluate((el) => (el as unknown as { close(): void }).close());
  await until(() => dialogOpen(page), (v) => !v, 'close() closes it');
  assert.equal((await events(page)).length, 2);
});

e2e('data-booking-widget-open with two widgets on the page opens the one its selector names', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  const header = '<nav><button type="button" id="open-a" data-booking-widget-open="#first">Book A</button> <button type="button" id="open-b" data-booking-widget-open="#second">Book B</button></nav>';
  const second = `<section><booking-widget id="second" mode="popup" label="Second" publishable-key="${biz.pk}"></booking-widget></section>`;
  await page.goto(world.pages.add({ pk: biz.pk, attrs: { mode: 'popup', id: 'first', label: 'First' }, header, after: second }));
  await recordEvents(page);
  await visible(page.locator('#second [part~="trigger"]'));
  await page.locator('#open-b').hover();
  await page.locator('#open-b').click();
  await until(() => dialogOpen(page, '#second'), (v) => v, 'the second opens');
  assert.equal(await dialogOpen(page, '#first'), false, 'the first stays closed');
  await page.keyboard.press('Escape');
  await until(() => dialogOpen(page, '#second'), (v) => !v, 'Escape closes it');
  assert.equal(await focusOwner(page), 'open-b');
  await page.locator('#open-a').click();
  await until(() => dialogOpen(page, '#first'), (v) => v, 'the first opens');
  assert.equal(await dialogOpen(page, '#second'), false);
  assert.deepEqual((await events(page)).map((e) => e.replace(/:\w+:/, ':')), ['bw-open:second', 'bw-close:second', 'bw-open:first']);
});

e2e('utm_* of the page URL and forward-params reach the booking metadata, the merchant email and the webhook; an over-limit value is refused with a field error', async (_t, track) => {
  const biz = await world.business();
  const got: string[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push(body);
      res.end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await new Promise((r) => receiver.once('listening', r));
  try {
    await biz.admin('POST', '/webhooks', { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/in` });
    await biz.admin('PATCH', '/business', { notification_email: 'owner@studio-lumen.example' });
    const context = track(await world.newContext());
    const page = await context.newPage();
    const url = world.pages.add({ pk: biz.pk, attrs: { 'forward-params': 'ref gclid' } });
    await page.goto(`${url}?utm_source=newsletter&utm_Campaign=spring&ref=partner-7&other=ignored&utm_content=${'x'.repeat(600)}`);
    await heading(page, 'Choose a service').waitFor();
    await mouseToDetails(page, biz.serviceName);
    await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
    await page.locator('booking-widget button[type=submit]').click();
    await heading(page, 'You are booked').waitFor();
    const expected = { utm_source: 'newsletter', utm_campaign: 'spring', ref: 'partner-7', utm_content: 'x'.repeat(500) };
    const { data } = await biz.admin('GET', '/bookings');
    assert.deepEqual(data[0].metadata, expected, 'the admin answer');
    const mail = await world.email('owner@studio-lumen.example', /^New booking/);
    assert.match(mail.text, /^utm_source: newsletter$/m, "the merchant's email");
    assert.doesNotMatch((await world.email('ada@example.com', /^Booked/)).text, /newsletter/, "not the customer's");
    await until(() => got.length, (n) => n > 0, 'the webhook is delivered');
    assert.deepEqual(JSON.parse(got[0]).data.booking.metadata, expected, 'the webhook');
    // What the widget was answered carries none of it.
    assert.equal(await page.locator('booking-widget').evaluate((el) => 'metadata' in (el as unknown as { flow: { state: { booking: object } } }).flow.state.booking), false);

    // Sent by hand past the widget: a value over 500 characters is refused, with the field named.
    const origin = new URL(url).origin;
    const session = await (await fetch(`${world.api}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${biz.pk}`, origin } })).json();
    const res = await fetch(`${world.api}/api/v1/bookings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.session_token}`, origin, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ service_id: biz.serviceId, start: data[0].start, timezone: 'Europe/Berlin', customer: { name: 'Eve', email: 'eve@example.com' }, metadata: { utm_source: 'x'.repeat(501) } }),
    });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.code, 'invalid_request');
    assert.deepEqual(body.error.fields.map((f: { property: string }) => f.property), ['metadata.utm_source']);
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
});

e2e("deep links: bw_service and bw_date in the page's URL open that day's times (and leave the address bar); the date attribute does the same", async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const url = world.pages.add({ pk: biz.pk });
  await page.goto(`${url}?bw_service=${biz.serviceId}&bw_date=${day}&utm_source=ad`);
  await heading(page, 'Choose a time').waitFor();
  await slots(page).first().waitFor();
  assert.equal(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date((await slots(page).first().locator('time').getAttribute('datetime'))!)), day);
  assert.equal(new URL(page.url()).search, '?utm_source=ad', 'the link leaves the address bar; attribution stays');

  const attr = world.pages.add({ pk: biz.pk, attrs: { service: biz.serviceId, date: day } });
  await page.goto(attr);
  await heading(page, 'Choose a time').waitFor();
  assert.equal(await step(page), 'time');

  // A popup opens itself for a link from an email or an ad.
  const popup = world.pages.add({ pk: biz.pk, attrs: { mode: 'popup' } });
  await page.goto(`${popup}?bw_service=${biz.serviceId}&bw_date=${day}`);
  await until(() => dialogOpen(page), (v) => v, 'the popup opens for the link');
  await heading(page, 'Choose a time').waitFor();
});
