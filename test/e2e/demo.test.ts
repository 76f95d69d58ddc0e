// `npm start`'s demo as a newcomer meets it: `booking-api demo` (what npm start runs after the
// build) on a fresh data directory, then its own pages in real Chromium: the shop page, the
// theming playground, the strict-CSP page as served, the two-widgets page, and the mailbox.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { ROOT, e2e, fillDetails, heading, launchChromium, mouseToDetails, recordRequests, until, visible } from './helpers.ts';

const BIN = join(ROOT, 'bin/booking-api.mjs');

interface Demo { child: ChildProcess; out: string; url: string; pk: string; sk: string; stop(): Promise<void> }

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

/** Starts the demo and waits for the block it prints (URLs, keys). */
async function startDemo(db: string, port: number): Promise<Demo> {
  const child = spawn(process.execPath, [BIN, 'demo', '--db', db, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NOTIFY_POLL_MS: '100' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  await until(() => out, (o) => /Secret key\s+sk_test_\S+/.test(o) || child.exitCode !== null, `the demo starts (${err})`, 60_000);
  assert.equal(child.exitCode, null, `the demo exited: ${err}`);
  return {
    child, out,
    url: /Shop page\s+(\S+)/.exec(out)![1].replace(/\/$/, ''),
    pk: /Publishable key\s+(pk_test_\S+)/.exec(out)![1],
    sk: /Secret key\s+(sk_test_\S+)/.exec(out)![1],
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

let dir = '';
let db = '';
let demo: Demo;
let browser: Browser;
const admin = async (path: string) => (await fetch(`${demo.url}/api/v1${path}`, { headers: { authorization: `Bearer ${demo.sk}` } })).json();

before(async () => {
  if (!existsSync(join(ROOT, 'dist/widget/widget.js'))) throw new Error('dist/widget/widget.js is missing: run `npm run build` first (npm run test:e2e does)');
  dir = mkdtempSync(join(tmpdir(), 'bw-demo-'));
  db = join(dir, 'data', 'demo.db');
  demo = await startDemo(db, await freePort());
  browser = await launchChromium();
});
after(async () => {
  await browser?.close().catch(() => {});
  await demo?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

e2e('the demo seeds a believable salon once, prints its pages and keys, and a second start reuses it', async () => {
  for (const page of ['/demo/playground.html', '/demo/strict-csp.html', '/demo/two-widgets.html', '/demo/mailbox', '/api/v1/openapi.json']) {
    assert.ok(demo.out.includes(`${demo.url}${page}`), `prints ${page}`);
  }
  const services = (await admin('/services')).data;
  assert.deepEqual(services.map((s: any) => s.name).sort(), ['Colour', 'Free consultation', 'Haircut & style', 'Quick trim']);
  assert.equal((await admin('/staff')).data.length, 3);
  const bookings = (await admin('/bookings')).data.length;
  assert.ok(bookings >= 3, `a few bookings in the coming days (${bookings})`);
  assert.equal((await admin('/business')).booking_page_url, `${demo.url}/`);

  // Again, on another port: the same business and keys, nothing seeded twice.
  await demo.stop();
  demo = await startDemo(db, await freePort());
  assert.match(demo.out, new RegExp(`Publishable key\\s+${demo.pk}`));
  assert.equal((await admin('/bookings')).data.length, bookings);
  assert.equal((await admin('/business')).booking_page_url, `${demo.url}/`, 'manage links follow the new port');
});

e2e('the shop page books through the widget, and the confirmation lands in the demo mailbox', async (_t, track) => {
  const context = track(await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport: { width: 375, height: 812 } }));
  const page = await context.newPage();
  await page.goto(`${demo.url}/`);
  await heading(page, 'Choose a service').waitFor();
  await mouseToDetails(page, 'Quick trim');
  await fillDetails(page, 'Rosalind Franklin', 'rosalind@example.com');
  await page.locator('booking-widget button[type=submit]').click();
  await heading(page, 'You are booked').waitFor();
  await visible(page.locator('booking-widget .sent', { hasText: 'rosalind@example.com' }));

  await page.goto(`${demo.url}/demo/mailbox`);
  const mail = page.getByRole('link', { name: /^Booked: Quick trim/ });
  await until(async () => { await page.reload(); return mail.count(); }, (n) => n > 0, 'the confirmation in the mailbox');
  await mail.first().click();
  const text = (await page.locator('pre.mail').textContent())!;
  assert.match(text, /Hello Rosalind Franklin, your booking at Studio Lumen is confirmed\./);
  const link = /https?:\/\/\S+/.exec(text.split('\n').find((l) => l.includes('booking='))!)![0];
  assert.ok(link.startsWith(`${demo.url}/?booking=`), link);
  await page.goto(link);
  await heading(page, 'Manage booking').waitFor();
  await visible(page.locator('booking-widget [part~="summary"]', { hasText: 'Rosalind Franklin' }));
});

e2e('the theming playground changes the widget at once and shows the snippet to paste', async (_t, track) => {
  const context = track(await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' }));
  const page = await context.newPage();
  await page.goto(`${demo.url}/demo/playground.html`);
  await heading(page, 'Choose a service').waitFor();
  const widget = page.locator('booking-widget');
  const snippet = page.locator('#snippet');
  assert.match((await snippet.textContent())!, new RegExp(`publishable-key="${demo.pk}"`));
  assert.doesNotMatch((await snippet.textContent())!, /locale=|theme=|accent=|--bw-/, 'untouched controls stay out of the snippet');

  await page.locator('select[name=theme]').selectOption('dark');
  assert.equal(await widget.getAttribute('theme'), 'dark');
  const background = () => widget.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.root')!).backgroundColor);
  await until(background, (b) => b === 'rgb(21, 24, 33)', 'the dark background');
  await page.locator('input[name=accent]').fill('#ff0000');
  assert.match((await snippet.textContent())!, /accent="#ff0000"/);
  const primary = () => widget.evaluate((el) => getComputedStyle(el.shadowRoot!.querySelector('.root')!).getPropertyValue('--_accent').trim());
  await until(primary, (v) => v === '#ff0000', 'the accent');
  await page.locator('select[name=locale]').selectOption('de');
  await heading(page, 'Leistung wählen').waitFor();
  await page.locator('select[name="--bw-font"]').selectOption('Georgia, serif');
  assert.match((await snippet.textContent())!, /--bw-font: Georgia, serif;/);
});

e2e('the strict-CSP demo page, as served, books with no policy violation and no console error', async (_t, track) => {
  const context = track(await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' }));
  const page = await context.newPage();
  const problems: string[] = [];
  await page.exposeBinding('__cspViolation', (_src, v: string) => problems.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  const res = await page.goto(`${demo.url}/demo/strict-csp.html`);
  assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'.*require-trusted-types-for 'script'/);
  await heading(page, 'Choose a service').waitFor();
  await mouseToDetails(page, 'Haircut & style');
  await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
  await page.locator('booking-widget button[type=submit]').click();
  await heading(page, 'You are booked').waitFor();
  assert.deepEqual(problems, []);
});

e2e('the two-widgets page shows two services side by side from one session', async (_t, track) => {
  const context = track(await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' }));
  const requests = recordRequests(context);
  const page = await context.newPage();
  await page.goto(`${demo.url}/demo/two-widgets.html`);
  for (const id of ['trim', 'consult']) {
    await page.locator(`booking-widget#${id}`).getByRole('heading', { level: 2, name: 'Choose a date' }).waitFor();
  }
  assert.match((await page.locator('booking-widget#trim p.muted').first().textContent())!, /^Quick trim · 30 min/);
  assert.match((await page.locator('booking-widget#consult p.muted').first().textContent())!, /^Free consultation · 15 min/);
  assert.equal(requests.count('POST', /\/api\/v1\/session$/), 1);
});

e2e('the demo prints the dashboard with a demo operator whose email and password sign in (issue 17)', async () => {
  const m = /Dashboard\s+(\S+)\s+\(sign in as (\S+), password (\S+)\)/.exec(demo.out);
  assert.ok(m, demo.out);
  assert.equal(m[1], `${demo.url}/dashboard`);
  const page = await fetch(m[1]);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const signIn = await fetch(`${demo.url}/dashboard/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: m[2], password: m[3] }) });
  assert.equal(signIn.status, 200, await signIn.clone().text());
  assert.deepEqual((await signIn.json()).businesses.map((b: any) => b.name), ['Studio Lumen']);
});

e2e('the shop page links a page per embed mode, and each works: inline at a service, popup from the header button, floating', async (_t, track) => {
  const context = track(await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin' }));
  const page = await context.newPage();
  await page.goto(`${demo.url}/`);
  const hrefs = await page.locator('nav.modes a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(hrefs, ['/demo/inline.html', '/demo/popup.html', '/demo/floating.html']);

  await page.locator('nav.modes a', { hasText: 'inline' }).click();
  await heading(page, 'Choose a date').waitFor();

  await page.goto(`${demo.url}/demo/popup.html`);
  const dialogOpen = () => page.locator('booking-widget').evaluate((el) => el.shadowRoot!.querySelector('dialog')!.open);
  await page.locator('header [data-booking-widget-open]').click();
  await until(dialogOpen, (v) => v, 'the header button opens the popup');
  await heading(page, 'Choose a service').waitFor();
  await page.keyboard.press('Escape');
  await until(dialogOpen, (v) => !v, 'Escape closes it');

  await page.goto(`${demo.url}/demo/floating.html`);
  await page.locator('booking-widget [part~="trigger"]').click();
  await until(dialogOpen, (v) => v, 'the corner button opens it');
  // Its flow is this browser's saved one for the key (the inline page's calendar), or the service list.
  await heading(page, /^Choose a (service|date)$/).waitFor();
});
