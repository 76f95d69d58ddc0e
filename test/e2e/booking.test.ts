// Booking on a merchant's page served from another origin than the API, in real Chromium.
import assert from 'node:assert/strict';
import {
  deepActive, e2e, ensureFreeDays, fillDetails, heading, mouseToDetails, recordRequests, slots, step, tabTo, until, useWorld, visible,
} from './helpers.ts';

const world = useWorld();

e2e('books a slot with the mouse on a page of another origin; the merchant finds it and the guest sees it after a reload', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const url = world.pages.add({ pk: biz.pk });
  assert.notEqual(new URL(url).origin, new URL(world.api).origin, 'the shop page and the API are different origins');

  const servicesAnswer = page.waitForResponse((r) => /\/api\/v1\/services$/.test(r.url()) && r.request().method() === 'GET');
  await page.goto(url);
  await heading(page, 'Choose a service').waitFor();
  // CORS for real: the API answers the page's origin by name and exposes the guest-token header.
  const cors = (await servicesAnswer).headers();
  assert.equal(cors['access-control-allow-origin'], new URL(url).origin);
  assert.match(cors['access-control-expose-headers'] ?? '', /X-Guest-Token/i);
  const { start } = await mouseToDetails(page, biz.serviceName);
  await visible(page.locator('booking-widget [part~="hold"]'));
  await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
  await page.locator('booking-widget button[type=submit]').click();
  await heading(page, 'You are booked').waitFor();
  await visible(page.locator('booking-widget [part~="summary"]', { hasText: 'Ada Lovelace' }));

  // The merchant's server sees it with the secret key.
  const { data } = await biz.admin<{ data: { id: string; start: string; status: string; customer: { email: string } }[] }>('GET', '/bookings');
  const mine = data.filter((b) => b.customer.email === 'ada@example.com');
  assert.equal(mine.length, 1, 'exactly one booking for the customer');
  assert.equal(mine[0].status, 'confirmed');
  assert.equal(Date.parse(mine[0].start), Date.parse(start), 'booked at the time that was clicked');

  // After a reload, the guest's upcoming bookings list it.
  await page.reload();
  await heading(page, 'Choose a service').waitFor();
  await visible(page.locator('booking-widget').getByRole('heading', { name: 'Your upcoming bookings' }));
  const rows = page.locator('booking-widget li.row');
  await until(() => rows.count(), (n) => n === 1, 'one upcoming booking listed');
  assert.match(await rows.first().innerText(), new RegExp(biz.serviceName.replace(/[&]/g, '\\&')));
  await rows.first().getByRole('button', { name: 'Manage booking' }).click();
  await heading(page, 'Manage booking').waitFor();
  await visible(page.locator('booking-widget [part~="summary"]', { hasText: 'Ada Lovelace' }));
  assert.deepEqual(errors, []);
});

e2e('books a slot with the keyboard alone (Tab, Enter, Space, arrows)', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const page = await context.newPage();
  await page.goto(world.pages.add({ pk: biz.pk }));
  await heading(page, 'Choose a service').waitFor();

  await tabTo(page, (a) => a.part.includes('service'));
  await page.keyboard.press('Enter');
  await heading(page, 'Choose a date').waitFor();
  await ensureFreeDays(page, true);
  // The calendar's roving tabindex: one day is tabbable, arrows move it.
  const day = await tabTo(page, (a) => a.date !== '');
  await page.keyboard.press('ArrowDown');
  const moved = await deepActive(page);
  assert.notEqual(moved?.date, day.date, 'ArrowDown moves the focus a week on');
  await page.keyboard.press('ArrowUp');
  assert.equal((await deepActive(page))?.date, day.date, 'ArrowUp brings it back');
  await page.keyboard.press('Space');
  await heading(page, 'Choose a time').waitFor();
  await slots(page).first().waitFor();
  // Focus moved to the new step's heading; Tab on to the second time (the first when it is the
  // only one: see mouseToDetails) and pick it with Space.
  let slot = await tabTo(page, (a) => a.part.includes('slot'));
  if ((await slots(page).count()) > 1) slot = await tabTo(page, (a) => a.part.includes('slot'));
  await page.keyboard.press('Space');
  await heading(page, 'Your details').waitFor();
  await tabTo(page, (a) => a.id === 'bw-name');
  await page.keyboard.type('Grace Hopper');
  await tabTo(page, (a) => a.id === 'bw-email');
  await page.keyboard.type('grace@example.com');
  await tabTo(page, (a) => a.type === 'submit');
  await page.keyboard.press('Enter');
  await heading(page, 'You are booked').waitFor();
  const focused = await until(() => deepActive(page), (a) => a?.tag === 'H2', 'focus moves to the confirmation heading');
  assert.equal(focused?.text, 'You are booked');

  const { data } = await biz.admin<{ data: { customer: { name: string; email: string }; start: string }[] }>('GET', '/bookings');
  assert.equal(data.length, 1);
  assert.equal(data[0].customer.name, 'Grace Hopper');
  assert.equal(data[0].customer.email, 'grace@example.com');
  const berlinDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(data[0].start));
  assert.equal(berlinDate, day.date, 'booked on the day picked in the calendar');
  assert.ok(slot.text.length > 0, 'the focused time button has a label');
});

e2e('a reload in the middle of the details step brings back the same hold and step', async (_t, track) => {
  const biz = await world.business();
  const context = track(await world.newContext());
  const requests = recordRequests(context);
  const page = await context.newPage();
  await page.goto(world.pages.add({ pk: biz.pk }));
  await heading(page, 'Choose a service').waitFor();
  const held = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/holds$/.test(r.url()));
  const { start } = await mouseToDetails(page, biz.serviceName);
  const hold = (await (await held).json()).hold as { id: string; start: string };
  assert.equal(Date.parse(hold.start), Date.parse(start));
  const summary = await page.locator('booking-widget [part~="summary"]').innerText();

  await page.reload();
  await heading(page, 'Your details').waitFor();
  assert.equal(await step(page), 'details');
  assert.equal(await page.locator('booking-widget [part~="summary"]').innerText(), summary, 'the same time is shown');
  await visible(page.locator('booking-widget [part~="hold"]', { hasText: /holding this time/ }));
  assert.equal(requests.count('POST', /\/api\/v1\/holds$/), 1, 'no second hold was placed');

  // Booking now uses the hold from before the reload.
  await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
  await page.locator('booking-widget button[type=submit]').click();
  await heading(page, 'You are booked').waitFor();
  const post = requests.seen.find((r) => r.method === 'POST' && /\/api\/v1\/bookings$/.test(r.url));
  assert.equal(JSON.parse(post!.body!).hold_id, hold.id, 'the booking consumed the original hold');
});

e2e('cancels and reschedules through the manage link of the confirmation email, on the merchant page', async (_t, track) => {
  const biz = await world.business();
  const url = world.pages.add({ pk: biz.pk });
  const origin = new URL(url).origin;
  // The merchant names the page that hosts the widget; manage links in emails point there.
  await biz.admin('PATCH', '/business', { booking_page_url: url });
  // A booking made earlier (as the widget would, from the shop page's origin).
  const session = await (await fetch(`${world.api}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${biz.pk}`, origin } })).json();
  const auth = { authorization: `Bearer ${session.session_token}`, origin, 'content-type': 'application/json' };
  const from = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
  const avail = await (await fetch(`${world.api}/api/v1/availability?service_id=${biz.serviceId}&from=${from}&to=${from}&timezone=Europe/Berlin`, { headers: auth })).json();
  const slot = avail.days[0].slots[10];
  const created = await fetch(`${world.api}/api/v1/bookings`, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ service_id: biz.serviceId, start: slot.start, timezone: 'Europe/Berlin', customer: { name: 'Linus Pauling', email: 'linus@example.com' } }),
  });
  assert.equal(created.status, 201);
  const { booking, manage_token } = await created.json();

  // The customer follows the link in their confirmation.
  const confirmation = await world.email('linus@example.com', /^Booked: /);
  const link = /https?:\/\/\S+/.exec(confirmation.text.split('\n').find((l) => l.includes('booking='))!)![0];
  // The link carries a manage token of its own, made when the email was sent (none is stored).
  assert.match(link, new RegExp(`^${url.replace(/[.?]/g, '\\$&')}\\?booking=${booking.id}&token=mt_[\\w-]+$`));
  assert.ok(!link.includes(manage_token), 'not the token the booking answer carried');
  const context = track(await world.newContext());
  const page = await context.newPage();
  await page.goto(link);
  await heading(page, 'Manage booking').waitFor();
  await visible(page.locator('booking-widget [part~="summary"]', { hasText: 'Linus Pauling' }));

  // Reschedule to another day.
  await page.locator('booking-widget').getByRole('button', { name: 'Reschedule' }).click();
  await heading(page, 'Choose a date').waitFor();
  await ensureFreeDays(page);
  const other = page.locator(`booking-widget bw-calendar button.free:not([data-date="${from}"])`).first();
  const target = (await other.getAttribute('data-date'))!;
  await other.click();
  await heading(page, 'Choose a time').waitFor();
  const last = slots(page).last();
  const newStart = (await last.locator('time').getAttribute('datetime'))!;
  await last.click();
  // Asked once, with the day, the time and the person.
  await visible(page.locator('booking-widget [role=alertdialog]', { hasText: 'Move to' }));
  await page.locator('booking-widget').getByRole('button', { name: 'Move booking' }).click();
  await heading(page, 'Manage booking').waitFor();
  await visible(page.locator('booking-widget .notice', { hasText: 'Your booking has been moved.' }));
  let seen = await biz.admin('GET', '/bookings');
  assert.equal(seen.data.length, 1);
  assert.equal(seen.data[0].id, booking.id, 'the same booking moved');
  assert.equal(Date.parse(seen.data[0].start), Date.parse(newStart));
  assert.notEqual(target, from);

  // Cancel, after confirming.
  await page.locator('booking-widget').getByRole('button', { name: 'Cancel booking' }).click();
  await visible(page.locator('booking-widget [role=alertdialog]', { hasText: 'Cancel this booking?' }));
  assert.equal((await biz.admin('GET', '/bookings')).data[0].status, 'confirmed', 'nothing is cancelled before the customer confirms');
  await page.locator('booking-widget').getByRole('button', { name: 'Yes, cancel' }).click();
  await visible(page.locator('booking-widget .notice', { hasText: 'This booking is cancelled.' }));
  seen = await biz.admin('GET', '/bookings');
  assert.equal(seen.data[0].status, 'cancelled');
  await world.email('linus@example.com', /^Moved: /);
  await world.email('linus@example.com', /^Cancelled: /);
});
