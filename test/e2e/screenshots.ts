// `npm run screenshots`: the real API server on a temporary database seeded with the demo salon
// (src/cli/demo.ts), the shop page on its own origin, and Chromium walking every widget step in
// light, dark, on a 375 px phone (light and dark) and in a 900 px container (light and dark). Writes docs/screenshots/*.png (element shots, kept small)
// and docs/screenshots/shop.png, the hero image of the README.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedDemo } from '../../src/cli/demo.ts';
import { openSqlite } from '../../src/server/index.ts';
import { ensureFreeDays, fillDetails, freeDays, heading, launchChromium, PageServer, ROOT, slots, startApi, type ApiServer } from './helpers.ts';

const OUT = join(ROOT, 'docs/screenshots');

const VARIANTS = [
  { name: 'light', theme: 'light', viewport: { width: 1100, height: 900 } },
  { name: 'dark', theme: 'dark', viewport: { width: 1100, height: 900 } },
  { name: 'phone', theme: 'light', viewport: { width: 375, height: 812 } },
  { name: 'phone-dark', theme: 'dark', viewport: { width: 375, height: 812 } },
  // A 900 px container (a page's main column): the month and the day's times side by side.
  { name: 'wide', theme: 'light', viewport: { width: 1100, height: 900 }, container: 900 },
  { name: 'wide-dark', theme: 'dark', viewport: { width: 1100, height: 900 }, container: 900 },
] as const;

const containerStyle = (px: number) => `\n  <style>booking-widget { width: ${px}px; max-width: none; }</style>`;

const DARK_PAGE = '\n  <style>:root { background: #0f1115; color: #e8e6e3; }</style>';

async function shot(page: Page, file: string) {
  // Let the step settle (fonts, the month's free days), then capture the widget alone.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  await page.locator('booking-widget').screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
  console.log(`  docs/screenshots/${file}`);
}

/** Moves to the month's most interesting free day: a later one, so the times list is full. */
async function pickDay(page: Page) {
  await ensureFreeDays(page);
  const n = await freeDays(page).count();
  await freeDays(page).nth(Math.min(n - 1, 2)).click();
}

async function walk(browser: Browser, pages: PageServer, pk: string, variant: (typeof VARIANTS)[number]) {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport: variant.viewport, deviceScaleFactor: 1, colorScheme: variant.theme === 'dark' ? 'dark' : 'light' });
  context.setDefaultTimeout(30_000);
  try {
    const page = await context.newPage();
    const head = (variant.theme === 'dark' ? DARK_PAGE : '') + ('container' in variant ? containerStyle(variant.container) : '');
    await page.goto(pages.add({ pk, attrs: { theme: variant.theme }, ...(head ? { head } : {}) }));
    const p = variant.name;
    await heading(page, 'Choose a service').waitFor();
    await shot(page, `${p}-1-services.png`);
    await page.locator('booking-widget button.service', { hasText: 'Haircut & style' }).click();
    await heading(page, 'Choose a date').waitFor();
    await ensureFreeDays(page);
    await shot(page, `${p}-2-calendar.png`);
    await pickDay(page);
    await heading(page, 'Choose a time').waitFor();
    await slots(page).first().waitFor();
    await shot(page, `${p}-3-times.png`);
    await slots(page).nth(1).click();
    await heading(page, 'Your details').waitFor();
    await fillDetails(page, 'Clara Schumann', 'clara@example.com');
    await page.locator('booking-widget #bw-phone').fill('+49 30 1234567');
    // No focus ring in the picture: park focus on the step heading (tabindex=-1, no outline).
    await page.locator('booking-widget h2').focus();
    await shot(page, `${p}-4-details.png`);
    await page.locator('booking-widget button[type=submit]').click();
    await heading(page, 'You are booked').waitFor();
    await shot(page, `${p}-5-confirmation.png`);
    await page.locator('booking-widget').getByRole('button', { name: 'Manage booking' }).click();
    await heading(page, 'Manage booking').waitFor();
    await shot(page, `${p}-6-manage.png`);
  } finally {
    await context.close();
  }
}

/** The README's hero: the shop page with the widget at its calendar. */
async function hero(browser: Browser, pages: PageServer, pk: string) {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport: { width: 1040, height: 720 }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(30_000);
  try {
    const page = await context.newPage();
    await page.goto(pages.add({ pk }));
    await page.locator('booking-widget button.service', { hasText: 'Haircut & style' }).click();
    await heading(page, 'Choose a date').waitFor();
    await ensureFreeDays(page);
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(OUT, 'shop.png'), animations: 'disabled' });
    console.log('  docs/screenshots/shop.png');
  } finally {
    await context.close();
  }
}

/** The merchant dashboard (issue 17): keys, the week editor and bookings on a desktop, keys on a phone in dark. */
async function dashboard(browser: Browser, api: string, operator: { email: string; password: string }) {
  for (const v of [{ name: 'desktop', width: 1200, height: 820, dark: false }, { name: 'phone', width: 375, height: 812, dark: true }] as const) {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport: { width: v.width, height: v.height }, deviceScaleFactor: 1, colorScheme: v.dark ? 'dark' : 'light' });
    context.setDefaultTimeout(30_000);
    try {
      const page = await context.newPage();
      await page.goto(`${api}/dashboard`);
      await page.getByLabel('Email').fill(operator.email);
      await page.getByLabel('Password').fill(operator.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
      await page.locator('section.keys-test td').first().waitFor();
      const snap = async (file: string) => {
        await page.evaluate(() => document.fonts.ready);
        await page.waitForTimeout(300);
        await page.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
        console.log(`  docs/screenshots/${file}`);
      };
      await snap(`dashboard-${v.name}-keys.png`);
      if (v.name === 'phone') continue;
      for (const [link, file] of [['Staff & hours', 'hours'], ['Bookings', 'bookings'], ['Snippet', 'snippet']] as const) {
        await page.getByRole('navigation').getByRole('link', { name: link, exact: true }).click();
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.getByText('Loading…').waitFor({ state: 'detached' });
        await snap(`dashboard-${v.name}-${file}.png`);
      }
    } finally {
      await context.close();
    }
  }
}

/** The popup mode, opened from a header button at the calendar: on a 375 px phone (full screen) and a desktop. */
async function popup(browser: Browser, pages: PageServer, pk: string) {
  const header = '<p><button type="button" class="book-now" data-booking-widget-open>Book now</button></p>';
  for (const [name, viewport] of [['popup-phone', { width: 375, height: 740 }], ['popup-desktop', { width: 1100, height: 800 }]] as const) {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport, deviceScaleFactor: 1 });
    context.setDefaultTimeout(30_000);
    try {
      const page = await context.newPage();
      await page.goto(pages.add({ pk, attrs: { mode: 'popup' }, header }));
      await page.locator('header .book-now').click();
      await page.locator('booking-widget button.service', { hasText: 'Haircut & style' }).click();
      await heading(page, 'Choose a date').waitFor();
      await ensureFreeDays(page);
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(OUT, `${name}.png`), animations: 'disabled' });
      console.log(`  docs/screenshots/${name}.png`);
    } finally {
      await context.close();
    }
  }
}

async function main() {
  // `npm run screenshots -- --dashboard`: the dashboard's pictures only.
  const only = process.argv.includes('--dashboard') ? 'dashboard' : undefined;
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'bw-shots-'));
  const db = join(dir, 'demo.db');
  const pages = new PageServer('');
  let api: ApiServer | undefined;
  let browser: Browser | undefined;
  try {
    await pages.start();
    // The demo salon, with a publishable key for the shop page's origin only.
    const store = await openSqlite(db);
    const keys = await seedDemo(store, db, [pages.origin]);
    await store.close();
    api = await startApi(db);
    pages.apiUrl = api.url;
    browser = await launchChromium();
    console.log(`Screenshots of Studio Lumen (API ${api.url}, shop ${pages.origin}):`);
    if (!only) {
      await popup(browser, pages, keys.publishable_key);
      // SHOTS=popup takes the popup's alone.
      if (process.env.SHOTS === 'popup') return;
      await hero(browser, pages, keys.publishable_key);
      // Each variant books once; the demo's horizon has room for many.
      for (const variant of VARIANTS) await walk(browser, pages, keys.publishable_key, variant);
    }
    if (keys.operator) await dashboard(browser, api.url, keys.operator);
  } finally {
    await browser?.close().catch(() => {});
    await pages.stop().catch(() => {});
    await api?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
