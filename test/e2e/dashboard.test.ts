// The merchant dashboard in real Chromium, served by `booking-api serve` at /dashboard: keys and the
// snippet end to end on a shop page of another origin, the week editor, a merchant's cancellation,
// axe on every page in light and dark, and keyboard-only creation.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT, e2e, ensureFreeDays, fillDetails, freeDays, heading, mouseToDetails, slots, until, useWorld, visible, type Business } from './helpers.ts';

const world = useWorld();
const PASSWORD = 'correct horse battery';
let operators = 0;

/** A dashboard operator for the business, made with the command line as a merchant would. */
async function operatorFor(biz: Business): Promise<string> {
  const { id } = await biz.admin<{ id: string }>('GET', '/business');
  const email = `owner${++operators}@salon.example`;
  const child = spawn(process.execPath, [join(ROOT, 'bin/booking-api.mjs'), 'operator', 'create', '--db', world.db, '--email', email, '--business', id, '--password-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  child.stdin.end(PASSWORD);
  const [code] = await once(child, 'exit');
  assert.equal(code, 0, err);
  return email;
}

async function dashboardContext(track: (c: BrowserContext) => BrowserContext, opts: { bypassCSP?: boolean; width?: number; dark?: boolean } = {}) {
  const context = track(await world.browser.newContext({
    locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport: { width: opts.width ?? 1200, height: 900 },
    colorScheme: opts.dark ? 'dark' : 'light', ...(opts.bypassCSP ? { bypassCSP: true } : {}),
  }));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.api });
  return context;
}

async function signIn(page: Page, email: string) {
  const res = await page.goto(`${world.api}/dashboard`);
  assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'; style-src 'self'.*require-trusted-types-for 'script'/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
}

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

e2e('creates a publishable key for a shop origin, shows it once, copies the snippet, books with it on that origin, and a revoke makes the widget fall back to its link', async (_t, track) => {
  const biz = await world.business();
  const email = await operatorFor(biz);
  const context = await dashboardContext(track);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await signIn(page, email);
  // From here on (the 401 of the first "who am I?" before signing in is expected), no console error.
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  const test = page.locator('section.keys-test');
  await test.getByRole('button', { name: 'New Test key' }).click();
  const create = page.getByRole('dialog', { name: 'New Test key' });
  await create.getByLabel('Name').fill('Shop page');
  // A path is not an origin: refused at the field, before anything is made.
  await create.getByLabel('Allowed origins').fill(`${world.pages.origin}/shop`);
  await create.getByRole('button', { name: 'Create' }).click();
  await visible(create.locator('.field-error', { hasText: 'Must be an origin' }));
  await create.getByLabel('Allowed origins').fill(world.pages.origin);
  await create.getByRole('button', { name: 'Create' }).click();

  const shown = page.getByRole('dialog', { name: /Your new key/ });
  await visible(shown.getByText('It will not be shown again'));
  const pk = (await shown.getByTestId('new-key').innerText()).trim();
  assert.match(pk, /^pk_test_[\w-]{32}$/);
  await shown.getByRole('button', { name: 'Copy', exact: true }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), pk);
  await shown.getByRole('button', { name: 'Use in snippet' }).click();

  await page.getByRole('heading', { level: 1, name: 'Add the widget to your page' }).waitFor();
  await page.getByLabel('Service').selectOption({ label: biz.serviceName });
  await page.getByLabel('Language of the widget').selectOption('de');
  await page.getByRole('button', { name: 'Copy snippet' }).click();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(snippet.includes(`<script type="module" src="${world.api}/widget.js"></script>`), snippet);
  assert.ok(snippet.includes(`publishable-key="${pk}"`) && snippet.includes(`service="${biz.serviceId}"`) && snippet.includes('locale="de"'), snippet);
  // The key does not allow the dashboard's own origin: the preview says so and offers to add it.
  await visible(page.getByText(`This key does not allow ${world.api}`));
  // One click allows it, and the real widget runs in the preview under the dashboard's strict CSP
  // (its own lit-html Trusted Types policy beside the dashboard's).
  await page.getByRole('button', { name: 'Allow this dashboard for the key' }).click();
  await visible(page.locator('.preview-frame booking-widget bw-calendar button.free').first());

  // The full key is nowhere in the keys page once its dialog is gone.
  await nav(page, 'API keys');
  await visible(test.getByRole('rowheader', { name: /^Shop page/ }));
  assert.ok(!(await page.content()).includes(pk), 'the full key is shown once only');

  // The snippet's key books on the shop's own origin.
  const shopPage = await (await world.newContext().then(track)).newPage();
  const attrs = Object.fromEntries([...snippet.matchAll(/ ([a-z-]+)="([^"]*)"/g)].filter(([, k]) => k !== 'publishable-key' && k !== 'src' && k !== 'type' && k !== 'href').map(([, k, v]) => [k, v]));
  // The snippet's attributes as copied (its service preselected), in English for the helpers' texts.
  await shopPage.goto(world.pages.add({ pk, attrs: { ...attrs, locale: 'en' } }));
  await heading(shopPage, 'Choose a date').waitFor();
  await ensureFreeDays(shopPage);
  await freeDays(shopPage).first().click();
  await slots(shopPage).first().waitFor();
  await slots(shopPage).nth((await slots(shopPage).count()) > 1 ? 1 : 0).click();
  await heading(shopPage, 'Your details').waitFor();
  await fillDetails(shopPage, 'Ada Lovelace', 'ada.dash@example.com');
  await shopPage.locator('booking-widget button[type=submit]').click();
  await heading(shopPage, 'You are booked').waitFor();

  // Revoke in the dashboard, with its warning.
  const row = test.getByRole('row', { name: /Shop page/ });
  await row.getByRole('button', { name: 'Revoke: Shop page' }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke this key?' });
  await visible(confirm.getByText('immediate and cannot be undone'));
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await visible(row.getByText('Revoked'));

  await shopPage.reload();
  await visible(shopPage.getByRole('link', { name: 'Call us to book: 030 1234 5678' }));
  await visible(shopPage.locator('booking-widget').getByText('Online booking is not available here right now.'));
  assert.deepEqual(errors, []);
});

e2e("changes the hours in the week editor and the widget's availability follows", async (_t, track) => {
  const biz = await world.business();
  const email = await operatorFor(biz);
  const page = await (await dashboardContext(track)).newPage();
  await signIn(page, email);
  await nav(page, 'Staff & hours');
  await page.getByRole('heading', { name: /Weekly hours: Mara Weber/ }).waitFor();

  // Monday: from all day to 10:00-12:00, then copied to every day; Sunday then closed.
  const monday = page.locator('fieldset.day[data-day=mon]');
  await monday.getByLabel('Monday From 1').fill('10:00');
  await monday.getByLabel('Monday To 1').fill('12:00');
  await monday.getByLabel('Monday To 1').press('Tab');
  await monday.getByLabel('Copy to').selectOption('all');
  const sunday = page.locator('fieldset.day[data-day=sun]');
  await visible(sunday.getByLabel('Sunday From 1'));
  await sunday.getByRole('button', { name: /Remove these hours: Sunday/ }).click();
  await visible(sunday.getByText('Closed'));
  await page.getByRole('button', { name: 'Save hours' }).click();
  await visible(page.getByText('Hours saved'));
  const saved = await biz.admin<{ schedule: { weekly: Record<string, string[][]> } }>('GET', `/staff/${biz.staffId}`);
  assert.deepEqual(saved.schedule.weekly.tue, [['10:00', '12:00']]);
  assert.deepEqual(saved.schedule.weekly.sun, []);

  const shopPage = await (await world.newContext().then(track)).newPage();
  await shopPage.goto(world.pages.add({ pk: biz.pk, attrs: { service: biz.serviceId } }));
  await heading(shopPage, 'Choose a date').waitFor();
  await until(() => freeDays(shopPage).count(), (n) => n > 0, 'free days in the calendar');
  // Sundays are closed now.
  const dates = await freeDays(shopPage).evaluateAll((els) => els.map((e) => e.getAttribute('data-date')!));
  assert.ok(dates.length > 0 && dates.every((d) => new Date(`${d}T12:00:00Z`).getUTCDay() !== 0), dates.join());
  await freeDays(shopPage).last().click();
  await slots(shopPage).first().waitFor();
  assert.deepEqual(await slots(shopPage).allInnerTexts(), ['10:00', '11:00']);
});

e2e("moves and then cancels a booking in the dashboard on the customer's behalf, and the customer's emails go out", async (_t, track) => {
  const biz = await world.business();
  const email = await operatorFor(biz);
  const shopPage = await (await world.newContext().then(track)).newPage();
  await shopPage.goto(world.pages.add({ pk: biz.pk }));
  await mouseToDetails(shopPage, biz.serviceName);
  await fillDetails(shopPage, 'Grace Hopper', 'grace.dash@example.com');
  await shopPage.locator('booking-widget button[type=submit]').click();
  await heading(shopPage, 'You are booked').waitFor();

  const page = await (await dashboardContext(track)).newPage();
  await signIn(page, email);
  await nav(page, 'Bookings');
  await page.getByLabel('Search customer').fill('grace');
  await page.getByRole('button', { name: 'Open: Grace Hopper' }).click();
  const dialog = page.getByRole('dialog', { name: 'Booking: Grace Hopper' });
  await visible(dialog.getByText('grace.dash@example.com'));
  // First moved, a week on at 12:00 Berlin time: the customer is told by the usual email.
  const weekOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + 7 * 86_400_000));
  await dialog.getByLabel('Date').fill(weekOn);
  await dialog.getByLabel('New time (HH:MM)').fill('12:00');
  await dialog.getByRole('button', { name: 'Move booking' }).click();
  const movedMail = await world.email('grace.dash@example.com', /^Moved:/);
  assert.match(movedMail.subject, /Moved/);
  const { data: after } = await biz.admin<{ data: { start: string; customer: { email: string } }[] }>('GET', '/bookings');
  const moved = after.find((b) => b.customer.email === 'grace.dash@example.com')!;
  assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(new Date(moved.start)),
    new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'short', timeStyle: 'short' }).format(new Date(`${weekOn}T12:00:00Z`)), 'moved to 12:00 in Berlin');
  await dialog.getByLabel('Reason (optional, for your records)').fill('Stylist ill');
  await dialog.getByRole('button', { name: 'Cancel booking' }).click();
  await visible(dialog.locator('.status-cancelled'));
  const mail = await world.email('grace.dash@example.com', /cancel/i);
  assert.match(mail.subject, /cancel/i);
  const { data } = await biz.admin<{ data: { status: string; customer: { email: string } }[] }>('GET', '/bookings');
  assert.equal(data.find((b) => b.customer.email === 'grace.dash@example.com')?.status, 'cancelled');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await nav(page, 'Activity');
  await visible(page.getByRole('cell', { name: /booking\.cancelled/ }));
});

const AXE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
async function axe(page: Page, where: string) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const r = await (window as unknown as { axe: { run(o: unknown, c: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] });
    return r.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
  assert.deepEqual(violations, [], where);
}

for (const theme of ['light', 'dark'] as const) {
  e2e(`passes axe on every dashboard page in ${theme} (${theme === 'dark' ? 'a 375 px phone, and in German' : 'a desktop'})`, async (_t, track) => {
    const biz = await world.business();
    const email = await operatorFor(biz);
    // axe is injected as a script; the pages' CSP (tested above) would refuse it.
    const page = await (await dashboardContext(track, { bypassCSP: true, dark: theme === 'dark', width: theme === 'dark' ? 375 : 1200 })).newPage();
    await page.goto(`${world.api}/dashboard`);
    await page.getByLabel('Email').waitFor();
    await axe(page, 'sign-in');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.locator('section.keys-test td').first().waitFor();
    await axe(page, 'API keys');
    for (const [link, h1] of [['Snippet', 'Add the widget to your page'], ['Settings', 'Settings'], ['Services', 'Services'], ['Staff & hours', 'Staff & hours'], ['Bookings', 'Bookings'], ['Webhooks', 'Webhooks'], ['Activity', 'Activity']] as const) {
      await nav(page, link);
      await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
      await until(() => page.getByText('Loading…').count(), (n) => n === 0, `${link} loaded`);
      await axe(page, link);
    }
    // A dialog too: the new key's form.
    await nav(page, 'API keys');
    await page.locator('section.keys-test').getByRole('button', { name: 'New Test key' }).click();
    await page.getByRole('dialog', { name: 'New Test key' }).getByLabel('Name').waitFor();
    await axe(page, 'the new key dialog');
    await page.keyboard.press('Escape');
    if (theme === 'dark') {
      // German, chosen in the page: every text of the open page follows at once, and axe still passes.
      await page.getByLabel('Language').selectOption('de');
      await page.getByRole('heading', { level: 1, name: 'API-Schlüssel' }).waitFor();
      await visible(page.getByRole('button', { name: 'Neuer Test-Schlüssel' }));
      await axe(page, 'API keys in German');
      await page.getByLabel('Sprache').selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    }
    for (const link of ['API keys', 'Bookings', 'Staff & hours', 'Snippet']) {
      await nav(page, link);
      await until(() => page.getByText('Loading…').count(), (n) => n === 0, `${link} loaded`);
      const wide = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const over = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > w + 1 && !e.closest('.table-wrap, nav'));
        return { scroll: document.documentElement.scrollWidth - w, over: over.slice(0, 5).map((e) => `${e.tagName}.${e.className}`) };
      });
      if (theme === 'dark') assert.ok(wide.scroll <= 0, `${link}: no sideways scrolling of the page at 375 px (${wide.scroll} px: ${wide.over.join(', ')})`);
    }
  });
}

e2e('creates a key and a service with the keyboard alone', async (_t, track) => {
  const biz = await world.business();
  const email = await operatorFor(biz);
  const page = await (await dashboardContext(track)).newPage();
  await signIn(page, email);
  const focused = () => page.evaluate(() => { const a = document.activeElement as HTMLElement | null; return `${a?.tagName ?? ''} ${a?.textContent?.trim() ?? ''} ${a?.getAttribute('aria-label') ?? ''}`; });
  const tabUntil = async (re: RegExp, max = 60) => {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (re.test(await focused())) return;
    }
    throw new Error(`never reached ${re}: ${await focused()}`);
  };

  await tabUntil(/New Live key/);
  await page.keyboard.press('Enter');
  await page.keyboard.type('Live shop');   // the dialog focuses its first field
  await tabUntil(/INPUT/);                  // the type: publishable, checked
  await tabUntil(/TEXTAREA/);
  await page.keyboard.type('https://salon.example');
  await tabUntil(/Create/);
  await page.keyboard.press('Enter');
  const shown = page.getByRole('dialog', { name: /Your new key: Live shop/ });
  assert.match(await shown.getByTestId('new-key').innerText(), /^pk_live_/);
  await page.keyboard.press('Escape');
  await visible(page.locator('section.keys-live').getByRole('rowheader', { name: /^Live shop/ }));

  await tabUntil(/Services/);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Services' }).waitFor();
  await tabUntil(/New service/);
  await page.keyboard.press('Enter');
  await page.keyboard.type('Beard trim');
  await tabUntil(/TEXTAREA/);
  await page.keyboard.type('Shape and tidy.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('20');
  await tabUntil(/Save/);
  await page.keyboard.press('Enter');
  await visible(page.getByRole('heading', { level: 2, name: 'Beard trim' }));
  const { data } = await biz.admin<{ data: { name: string; duration_minutes: number; staff_ids: string[] }[] }>('GET', '/services');
  const made = data.find((s) => s.name === 'Beard trim');
  assert.equal(made?.duration_minutes, 20);
  assert.deepEqual(made?.staff_ids, [biz.staffId]);
});
