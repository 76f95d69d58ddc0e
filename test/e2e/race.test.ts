// Two customers, two browsers, one slot.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { e2e, ensureFreeDays, fillDetails, freeDays, heading, slots, step, until, useWorld, visible } from './helpers.ts';

const world = useWorld();

async function toTimes(page: Page, url: string, serviceName: string, date?: string) {
  await page.goto(url);
  await page.locator('booking-widget button.service', { hasText: serviceName }).click();
  await heading(page, 'Choose a date').waitFor();
  await ensureFreeDays(page);
  if (date && (await freeDays(page).last().getAttribute('data-date')) !== date) {
    await page.locator('booking-widget bw-calendar [part~="month-next"]').click();
  }
  if (!date && (await freeDays(page).count()) < 2) {
    // Today may have a single time left: take a whole day of next month instead.
    await page.locator('booking-widget bw-calendar [part~="month-next"]').click();
    await freeDays(page).nth(1).waitFor();
  }
  // Not today (whose times run out): the month's last free day has a full day of times.
  const day = date ? page.locator(`booking-widget bw-calendar button.free[data-date="${date}"]`) : freeDays(page).last();
  const picked = (await day.getAttribute('data-date'))!;
  await day.click();
  await heading(page, 'Choose a time').waitFor();
  await slots(page).first().waitFor();
  return picked;
}

e2e('two customers pick the same slot: one gets it, the other is told kindly and offered fresh slots', async (_t, track) => {
  const biz = await world.business();
  const url = world.pages.add({ pk: biz.pk });
  // Two customers: separate browser contexts (own storage, own session, own guest token).
  const pages = [await track(await world.newContext()).newPage(), await track(await world.newContext()).newPage()] as const;
  const date = await toTimes(pages[0], url, biz.serviceName);
  await toTimes(pages[1], url, biz.serviceName, date);
  const start = (await slots(pages[0]).nth(1).locator('time').getAttribute('datetime'))!;
  const same = (p: Page) => p.locator(`booking-widget .times button:has(time[datetime="${start}"])`);
  await same(pages[1]).waitFor();

  // Both click the same time at once.
  await Promise.all(pages.map((p) => same(p).click()));
  const steps = await until(() => Promise.all(pages.map((p) => step(p))), (s) => s.includes('details') && s.includes('time') && !pages.some((p) => p.isClosed()), 'one customer holds the time, the other stays on the times');
  const winner = pages[steps.indexOf('details')];
  const loser = pages[steps.indexOf('time')];

  // The loser is told kindly, and the list is fresh: the taken time is gone, others remain.
  await visible(loser.locator('booking-widget .notice', { hasText: 'Sorry, someone else just took that time. Here are the times still free.' }));
  await until(() => same(loser).count(), (n) => n === 0, 'the taken time leaves the loser’s list');
  assert.ok((await slots(loser).count()) > 0, 'other times are offered');
  assert.equal(await loser.locator('booking-widget [role=alert]').count(), 1, 'the message is announced');

  // Both can finish: the winner at the contested time, the loser at a fresh one.
  await fillDetails(winner, 'Winnie Winner', 'winnie@example.com');
  await winner.locator('booking-widget button[type=submit]').click();
  await heading(winner, 'You are booked').waitFor();
  const fresh = (await slots(loser).first().locator('time').getAttribute('datetime'))!;
  await slots(loser).first().click();
  await heading(loser, 'Your details').waitFor();
  await fillDetails(loser, 'Lou Later', 'lou@example.com');
  await loser.locator('booking-widget button[type=submit]').click();
  await heading(loser, 'You are booked').waitFor();

  const { data } = await biz.admin<{ data: { start: string; customer: { email: string } }[] }>('GET', '/bookings');
  assert.equal(data.length, 2);
  const at = (email: string) => Date.parse(data.find((b) => b.customer.email === email)!.start);
  assert.equal(at('winnie@example.com'), Date.parse(start), 'the winner has the contested time');
  assert.equal(at('lou@example.com'), Date.parse(fresh), 'the other customer has a fresh time');
  assert.notEqual(Date.parse(fresh), Date.parse(start));
});
