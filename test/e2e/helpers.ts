// End-to-end helpers: the real `booking-api` server (init + serve processes on a temporary
// database), a merchant's shop page on a DIFFERENT origin (a tiny node:http server), and Chromium
// (found by test/setup/chrome.mjs) driven by playwright-core. Nothing here talks to anything but 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, findChrome } from '../setup/chrome.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/booking-api.mjs');
const RESULTS = join(ROOT, 'test-results');

/** Generous but bounded: CI is a 2-core machine shared with other jobs. */
export const WAIT = 20_000;
export const TEST_TIMEOUT = 180_000;

export { CHROMIUM_ARGS };

/** Chromium from CHROME_PATH, the usual paths or Playwright's; without one, the error says what to run. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await findChrome(), args: CHROMIUM_ARGS, timeout: 60_000 });
}

// ------------------------------------------------------------------ the API server

async function run(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`booking-api ${args[0]} exited ${code}: ${err}`);
  return out;
}

export interface ApiServer { url: string; child: ChildProcess; db: string; stop(): Promise<void> }

/** `booking-api serve --port 0` as a real process; resolves with its URL from the "listening" line. */
export async function startApi(db: string, env: Record<string, string> = {}): Promise<ApiServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0', '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WEBHOOK_ALLOW_LOOPBACK: '1', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`API server did not start: ${stderr}`)), 60_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`API server exited (${code}): ${stderr}`)); });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.msg === 'listening') { clearTimeout(timer); resolve(msg.url); }
      } catch { /* not a log line */ }
    });
  });
  return {
    url, child, db,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A call with a secret key, from "the merchant's server" (Node: no Origin header). */
export async function admin<T = any>(api: string, sk: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${api}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? null : await res.json()) as T;
}

const ALL_DAY = [['00:00', '24:00']];

export interface Business {
  sk: string; pk: string; keyId: string; serviceId: string; serviceName: string; staffId: string;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

// ------------------------------------------------------------------ the merchant's page server

export interface ShopPage {
  pk: string; attrs?: Record<string, string>; csp?: string; title?: string; /** Extra markup for <head> (pages without a CSP). */ head?: string;
  /** Extra markup in the page's <header> (a "Book now" button), and after the widget's section (more widgets). */ header?: string; after?: string;
  /** The page's whole <main> instead of the shop's text and widget (a framework app's mount point). */ main?: string;
}

/** A merchant's site on its own origin: /shop/<id> pages that load the widget from the API origin. */
export class PageServer {
  private pages = new Map<string, ShopPage>();
  private server: Server;
  origin = '';
  /** `apiUrl` may be set after start, before the first page is served. */
  constructor(public apiUrl: string) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204);
        return res.end();
      }
      if (url.pathname === '/shop.css') {
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
        return res.end(readFileSync(join(ROOT, 'demo/shop.css')));
      }
      const m = /^\/shop\/([\w-]+)$/.exec(url.pathname);
      const page = m ? this.pages.get(m[1]) : undefined;
      if (!page) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
      if (page.csp) headers['content-security-policy'] = page.csp;
      res.writeHead(200, headers);
      res.end(this.html(page));
    });
  }

  async start() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Registers a page and returns its URL. */
  add(page: ShopPage): string {
    const id = Math.random().toString(36).slice(2, 10);
    this.pages.set(id, page);
    return `${this.origin}/shop/${id}`;
  }

  private html(p: ShopPage): string {
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const attrs = Object.entries({ 'publishable-key': p.pk, ...p.attrs }).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
    return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${esc(p.title ?? 'Studio Lumen · Hair salon in Berlin-Mitte')}</title>
  <link rel="stylesheet" href="/shop.css">
  <script type="module" src="${this.apiUrl}/widget.js"></script>${p.head ?? ''}
</head>
<body>
  <header>
    <h1>Studio Lumen</h1>
    <p>Hair salon · Torstraße 112, Berlin-Mitte</p>${p.header ?? ''}
  </header>
  <main>${p.main ?? `
    <section>
      <h2>Cuts, colour and care since 2014</h2>
      <p>We are a small team of three stylists who take our time. Every appointment starts with a short talk about what you would like.</p>
      <h2>Opening hours</h2>
      <table class="hours">
        <tr><td>Monday</td><td>9:00 – 20:00</td></tr>
        <tr><td>Tuesday – Friday</td><td>9:00 – 19:00</td></tr>
        <tr><td>Saturday</td><td>9:00 – 15:00</td></tr>
        <tr><td>Sunday</td><td>closed</td></tr>
      </table>
    </section>
    <section aria-label="Book an appointment">
      <booking-widget${attrs}>
        <a href="tel:+493012345678">Call us to book: 030 1234 5678</a>
      </booking-widget>
    </section>${p.after ?? ''}`}
  </main>
</body>
</html>`;
  }
}

// ------------------------------------------------------------------ one world per test file

export interface World {
  api: string;
  /** The API's SQLite file (for `booking-api operator create --db …`). */
  db: string;
  pages: PageServer;
  browser: Browser;
  /** A fresh business (own staff, service, publishable key for the shop page's origin). */
  business(opts?: { serviceName?: string; origins?: string[] }): Promise<Business>;
  /** A browser context as a customer's browser: English, Berlin time, a desktop viewport. */
  newContext(): Promise<BrowserContext>;
  /** Waits for the email to `to` whose subject matches, as the server wrote it (no SMTP set: .eml files). */
  email(to: string, subject: RegExp): Promise<{ to: string; subject: string; text: string }>;
}

/**
 * Starts the API server, the page server and Chromium once for the file, and stops them (and
 * removes the temporary database) after it.
 */
export function useWorld(): World {
  const world = {} as World;
  let dir = '';
  let apiServer: ApiServer | undefined;
  let browser: Browser | undefined;
  let pages: PageServer | undefined;
  let counter = 0;

  before(async () => {
    if (!existsSync(join(ROOT, 'dist/widget/widget.js'))) throw new Error('dist/widget/widget.js is missing: run `npm run build` first (npm run test:e2e does)');
    dir = mkdtempSync(join(tmpdir(), 'bw-e2e-'));
    const db = join(dir, 'api.db');
    await run(['init', '--db', db, '--name', 'Bootstrap', '--timezone', 'Europe/Berlin']);
    apiServer = await startApi(db, {
      // Many sessions from one IP across the suite: the limits are tested elsewhere.
      RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0',
      RATE_LIMIT_ADMIN_PER_MINUTE: '0', RATE_LIMIT_PUBLIC_PER_MINUTE: '0', RATE_LIMIT_CATALOG_PER_MINUTE: '0', HOLDS_PER_SESSION: '0', HOLDS_PER_CLIENT_PER_BUSINESS: '0', HOLDS_PER_CLIENT: '0',
      RATE_LIMIT_SIGNIN_PER_MINUTE: '0', RATE_LIMIT_SIGNIN_PER_ACCOUNT: '0',
      NOTIFY_POLL_MS: '100',
    });
    const mailDir = join(dir, 'mail');
    pages = new PageServer(apiServer.url);
    await pages.start();
    browser = await launchChromium();
    Object.assign(world, {
      api: apiServer.url,
      db,
      pages,
      browser,
      async business(opts: { serviceName?: string; origins?: string[] } = {}) {
        const n = ++counter;
        const { secret_key: sk } = JSON.parse(await run(['init', '--db', db, '--name', `Studio Lumen ${n}`, '--timezone', 'Europe/Berlin']));
        const call = <T = any>(method: string, path: string, body?: unknown) => admin<T>(apiServer!.url, sk, method, path, body);
        const staff = await call('POST', '/staff', { name: 'Mara Weber' });
        await call('PUT', `/staff/${staff.id}/schedule`, { weekly: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY } });
        const serviceName = opts.serviceName ?? 'Haircut & style';
        const service = await call('POST', '/services', { name: serviceName, description: 'Wash, cut and blow-dry.', duration_minutes: 60, slot_interval_minutes: 60, price: { amount_minor: 5800, currency: 'EUR' }, staff_ids: [staff.id], min_notice_minutes: 0 });
        const key = await call('POST', '/api-keys', { name: `shop ${n}`, type: 'publishable', allowed_origins: opts.origins ?? [pages!.origin] });
        return { sk, pk: key.key, keyId: key.id, serviceId: service.id, serviceName, staffId: staff.id, admin: call };
      },
      newContext() {
        return browser!.newContext({ locale: 'en-GB', timezoneId: 'Europe/Berlin', viewport: { width: 1100, height: 900 } });
      },
      email(to: string, subject: RegExp) {
        const find = () => (existsSync(mailDir) ? readdirSync(mailDir) : []).filter((f) => f.endsWith('.json'))
          .map((f) => JSON.parse(readFileSync(join(mailDir, f), 'utf8')) as { to: string; subject: string; text: string })
          .find((m) => m.to.includes(to) && subject.test(m.subject));
        return until(find, (m) => m !== undefined, `an email to ${to} matching ${subject}`).then((m) => m!);
      },
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await pages?.stop().catch(() => {});
    await apiServer?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return world;
}

/**
 * A named end-to-end test. Contexts opened through `track` are closed afterwards; when the test
 * fails, every open page is first written to test-results/<test name>-<n>.png.
 */
type Body = (t: TestContext, track: (c: BrowserContext) => BrowserContext) => Promise<void>;
export function e2e(name: string, optsOrFn: { todo?: string } | Body, body?: Body) {
  const fn = typeof optsOrFn === 'function' ? optsOrFn : body!;
  const opts = typeof optsOrFn === 'function' ? {} : optsOrFn;
  test(name, { timeout: TEST_TIMEOUT, ...opts }, async (t) => {
    const contexts: BrowserContext[] = [];
    const track = (c: BrowserContext) => {
      c.setDefaultTimeout(WAIT);
      contexts.push(c);
      return c;
    };
    try {
      await fn(t, track);
    } catch (err) {
      mkdirSync(RESULTS, { recursive: true });
      const slug = name.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
      let n = 0;
      for (const page of contexts.flatMap((c) => c.pages())) {
        const path = join(RESULTS, `${slug}-${++n}.png`);
        await page.screenshot({ path, fullPage: true, timeout: 10_000 }).then(() => t.diagnostic(`screenshot: ${path}`), () => {});
      }
      throw err;
    } finally {
      for (const c of contexts) await c.close().catch(() => {});
    }
  });
}

// ------------------------------------------------------------------ reading the widget

/** The widget's current step (its `step` property). */
export const step = (page: Page, selector = 'booking-widget') =>
  page.locator(selector).evaluate((el) => (el as unknown as { step: string }).step);

/** The widget's step heading (an h2 in its shadow root; playwright's locators pierce it). */
export const heading = (page: Page, name: string | RegExp) => page.locator('booking-widget').getByRole('heading', { level: 2, name });

/** Free days of the calendar, inside the widget's and the calendar's shadow roots. */
export const freeDays = (page: Page) => page.locator('booking-widget bw-calendar button.free');
export const slots = (page: Page) => page.locator('booking-widget .times button');

/** The element focused inside nested shadow roots. */
export function deepActive(page: Page) {
  return page.evaluate(() => {
    let a: Element | null = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a ? { tag: a.tagName, id: a.id, part: a.getAttribute('part') ?? '', type: a.getAttribute('type') ?? '', date: a.getAttribute('data-date') ?? '', text: (a.textContent ?? '').trim().slice(0, 80) } : null;
  });
}

/** Presses Tab until the focused element matches; fails with what had focus. */
export async function tabTo(page: Page, match: (a: NonNullable<Awaited<ReturnType<typeof deepActive>>>) => boolean, max = 40) {
  let last: Awaited<ReturnType<typeof deepActive>> = null;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    last = await deepActive(page);
    if (last && match(last)) return last;
  }
  throw new Error(`Tab never reached the element; focus ended on ${JSON.stringify(last)}`);
}

/** Waits until `fn` holds, polling; throws `message` with the last value. */
export async function until<T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, message: string, timeout = WAIT): Promise<T> {
  const deadline = Date.now() + timeout;
  let v: T = await fn();
  while (!ok(v)) {
    if (Date.now() > deadline) throw new Error(`${message} (last: ${JSON.stringify(v)})`);
    await new Promise((r) => setTimeout(r, 150));
    v = await fn();
  }
  return v;
}

/**
 * Waits for the calendar's month to load; when it has no free day (late on a month's last day),
 * moves to the next month with the mouse, or with the keyboard when `keyboard` is set.
 */
export async function ensureFreeDays(page: Page, keyboard = false) {
  const grid = page.locator('booking-widget bw-calendar table[role=grid]');
  for (let i = 0; i < 2; i++) {
    await until(() => grid.getAttribute('aria-busy'), (v) => v === 'false', 'the month loads');
    if ((await freeDays(page).count()) > 0) return;
    const next = page.locator('booking-widget bw-calendar [part~="month-next"]');
    if (keyboard) {
      await tabTo(page, (a) => a.part.includes('month-next'));
      await page.keyboard.press('Enter');
    } else {
      await next.click();
    }
    await freeDays(page).first().waitFor();
  }
}

/**
 * Mouse: the named service, the first free day, and its second time (the first when it is the
 * only one); resolves on the details step. The first time is the earliest the notice allows, and
 * a booking sent once that moment has passed is refused, so the tests leave it alone.
 */
export async function mouseToDetails(page: Page, serviceName: string): Promise<{ start: string }> {
  await page.locator('booking-widget button.service', { hasText: serviceName }).click();
  await heading(page, 'Choose a date').waitFor();
  await ensureFreeDays(page);
  await freeDays(page).first().click();
  await heading(page, 'Choose a time').waitFor();
  await slots(page).first().waitFor();
  const pick = slots(page).nth((await slots(page).count()) > 1 ? 1 : 0);
  const start = (await pick.locator('time').getAttribute('datetime'))!;
  await pick.click();
  await heading(page, 'Your details').waitFor();
  return { start };
}

export async function fillDetails(page: Page, name: string, email: string) {
  await page.locator('booking-widget #bw-name').fill(name);
  await page.locator('booking-widget #bw-email').fill(email);
}

export const visible = (l: Locator, timeout = WAIT) => l.waitFor({ state: 'visible', timeout });

/** Requests of a whole browser context (every tab), as Chromium sends them. */
export function recordRequests(context: BrowserContext) {
  const seen: { method: string; url: string; body: string | null }[] = [];
  context.on('request', (r) => seen.push({ method: r.method(), url: r.url(), body: r.postData() }));
  return {
    seen,
    count: (method: string, pattern: RegExp) => seen.filter((r) => r.method === method && pattern.test(r.url)).length,
  };
}
