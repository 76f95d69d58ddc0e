// Customer accounts across real tabs and browsers (decision 012): two tabs refreshing at the same
// moment stay signed in; a refresh token copied into another browser is refused there, and the
// owner's browser stays signed in.
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { e2e, fillDetails, mouseToDetails, recordRequests, until, useWorld, visible } from './helpers.ts';

const world = useWorld();
const REFRESH = /\/api\/v1\/auth\/refresh$/;

/** A shop page with accounts on, and a customer signed up in `context` on it. */
async function signedUp(context: BrowserContext) {
  const biz = await world.business();
  await biz.admin('PATCH', '/business', { accounts: 'optional' });
  const url = world.pages.add({ pk: biz.pk, attrs: { accounts: 'optional' } });
  const page = await context.newPage();
  await page.goto(url);
  await mouseToDetails(page, biz.serviceName);
  await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
  await page.locator('booking-widget section.account button', { hasText: 'Create an account' }).click();
  await page.locator('booking-widget #bw-account-password').fill('correct horse battery staple');
  await page.locator('booking-widget section.account button[type=submit]').click();
  await visible(page.locator('booking-widget section.account', { hasText: 'Signed in as Ada Lovelace' }));
  return { page, url, key: `bw:account:${new URL(world.api).origin}:${biz.pk}` };
}

/** Makes the stored access token due, so the next call refreshes. */
const expire = (page: Page, key: string) =>
  page.evaluate((k) => localStorage.setItem(k, JSON.stringify({ ...JSON.parse(localStorage.getItem(k)!), exp: 0 })), key);
const access = (page: Page) =>
  page.evaluate(() => (document.querySelector('booking-widget') as unknown as { account: { access(): Promise<string | undefined> } }).account.access());

e2e('two tabs of one browser refreshing at the same moment both stay signed in', async (_t, track) => {
  const context = track(await world.newContext());
  const requests = recordRequests(context);
  const { page: a, url, key } = await signedUp(context);
  const b = await context.newPage();
  await b.goto(url);
  await until(() => b.evaluate((k) => localStorage.getItem(k), key), (v) => v !== null, 'the second tab sees the account');
  for (let round = 0; round < 3; round++) {
    await expire(a, key);
    const [x, y] = await Promise.all([access(a), access(b)]);
    assert.ok(x && y, `both tabs have an access token (round ${round})`);
    assert.equal(x, y, 'both tabs hold the same pair');
  }
  // Whichever tab refreshed (the Web Lock lets one at a time; a tab that read the old token is answered the same pair), nobody was signed out.
  assert.ok(requests.count('POST', REFRESH) >= 3);
  for (const p of [a, b]) assert.ok(await access(p));
  assert.equal(await a.locator('booking-widget section.account', { hasText: 'signed out' }).count(), 0);
});

e2e('a refresh token copied into another browser is refused there, and the owner stays signed in', async (_t, track) => {
  const owner = track(await world.newContext());
  const { page, url, key } = await signedUp(owner);
  const copied = await page.evaluate((k) => localStorage.getItem(k)!, key);
  // The thief's browser: the same stored tokens (as a script on the page could copy them), its own key.
  const thief = track(await world.newContext());
  const seen = recordRequests(thief);
  await thief.addInitScript(([k, v]) => localStorage.setItem(k, JSON.stringify({ ...JSON.parse(v), exp: 0 })), [key, copied] as const);
  const other = await thief.newPage();
  await other.goto(url);
  await until(() => other.evaluate(() => !!(document.querySelector('booking-widget') as unknown as { account?: unknown }).account), Boolean, 'the accounts chunk');
  await until(() => access(other).catch(() => undefined), (v) => v === undefined, 'the refresh is refused');
  assert.equal(seen.count('POST', REFRESH), 1);
  assert.equal(await other.evaluate((k) => localStorage.getItem(k), key), null, 'the copied tokens are forgotten');
  // The family was not ended by the refusal: the owner refreshes as usual.
  await expire(page, key);
  assert.ok(await access(page));
});
