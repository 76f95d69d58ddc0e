// First useful paint in a real browser against the real server on loopback: from navigation to
// the service list being interactive, and with `service` set to the calendar showing free days;
// the API round trips before it; cold (no stored session) and warm (session stored). Median and
// p95 of RUNS runs each. Then the page's JS heap after a full booking. Run: npm run bench:paint
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromeOrExit } from '../test/setup/chrome.mjs';
import { median, percentile, table } from './stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
// CHROMIUM_PATH (this bench's older name) or CHROME_PATH, else the usual paths (test/setup/chrome.mjs).
const CHROMIUM = process.env.CHROMIUM_PATH || await chromeOrExit();
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'];

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

// The demo business (seeded by `booking-api demo`), served with its pages, as `npm start` does.
const dir = mkdtempSync(join(tmpdir(), 'booking-paint-'));
const port = await freePort();
// Rate limits off: 20 cold runs are 20 session exchanges from one IP within a minute.
const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--db', join(dir, 'demo.db'), '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_PUBLIC_PER_MINUTE: '0', RATE_LIMIT_CATALOG_PER_MINUTE: '0' },
});
await new Promise<void>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`demo server exited (${code})`)));
  createInterface({ input: server.stdout }).on('line', (line) => line.includes('Publishable key') && resolve());
});
server.stdout.resume();
// However this run ends, the server goes with it.
process.on('exit', () => server.kill('SIGTERM'));
const origin = `http://127.0.0.1:${port}`;
const keys = JSON.parse(readFileSync(join(dir, 'demo-keys.json'), 'utf8')) as { publishable_key: string; services: Record<string, string> };

const page = (attrs: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<script type="module" src="/widget.js"></script></head><body><h1>Bench</h1>
<booking-widget publishable-key="${keys.publishable_key}" timezone="Europe/Berlin" ${attrs}><a href="tel:+49301234">Call us</a></booking-widget></body></html>`;

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

interface Run { ms: number; roundTrips: number; calls: number }

/** Navigates and waits for the state; counts the API calls and how many sequential round trips they took. */
async function measure(ctx: BrowserContext, attrs: string, ready: string): Promise<Run> {
  const p = await ctx.newPage();
  await p.route(`${origin}/bench.html`, (r) => r.fulfill({ contentType: 'text/html', body: page(attrs) }));
  const calls: { start: number; end: number }[] = [];
  p.on('requestfinished', (req) => {
    if (!req.url().includes('/api/v1/')) return;
    const t = req.timing();
    // Issued when the page asked for it (startTime), answered at responseEnd: a request the page
    // issued before another's answer came is in the same round trip, whatever its connection setup.
    calls.push({ start: t.startTime, end: t.startTime + t.responseEnd });
  });
  await p.goto(`${origin}/bench.html`);
  const ms = await p.waitForFunction(ready, undefined, { polling: 'raf', timeout: 30_000 }).then((h) => h.jsonValue() as Promise<number>);
  await p.close();
  // Depth of the chain of calls: a call that starts after another has answered is one trip later.
  const sorted = calls.sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((c, i) => (depth[i] = 1 + Math.max(0, ...sorted.slice(0, i).map((d, j) => (d.end <= c.start ? depth[j] : 0)))));
  return { ms, roundTrips: Math.max(0, ...depth), calls: calls.length };
}

// Resolved with performance.now() (ms since navigation started) once the state is on screen.
const LIST_READY = `(() => { const r = document.querySelector('booking-widget')?.shadowRoot; return r?.querySelector('button.service') ? performance.now() : false; })()`;
const CALENDAR_READY = `(() => { const c = document.querySelector('booking-widget')?.shadowRoot?.querySelector('bw-calendar')?.shadowRoot; return c?.querySelector('button.free') ? performance.now() : false; })()`;

const rows: string[][] = [];
for (const [label, attrs, ready] of [
  ['service list', '', LIST_READY],
  ['calendar (service set)', `service="${keys.services.cut}"`, CALENDAR_READY],
] as const) {
  for (const warm of [false, true]) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (process.env.BENCH_VERBOSE) console.error(label, warm ? 'stored' : 'none', i);
      const ctx = await browser.newContext();
      if (warm) await measure(ctx, attrs, ready); // stores the session (and warms the HTTP cache)
      runs.push(await measure(ctx, attrs, ready));
      await ctx.close();
    }
    const ms = runs.map((r) => r.ms);
    rows.push([label, warm ? 'stored' : 'none', median(ms).toFixed(0), percentile(ms, 95).toFixed(0), String(Math.max(...runs.map((r) => r.roundTrips))), String(Math.max(...runs.map((r) => r.calls)))]);
  }
}

console.log(`first useful paint, Chromium headless on loopback, ${RUNS} runs each (ms from navigation start)`);
table(['until', 'session', 'median ms', 'p95 ms', 'round trips', 'API calls'], rows);
console.log('budget: at most 2 round trips, 1 with a stored session');

// The widget's heap after a full booking (mouse), garbage collected first.
async function heapAfterBooking(): Promise<{ before: number; after: number }> {
  const ctx = await browser.newContext();
  const p: Page = await ctx.newPage();
  await p.route(`${origin}/bench.html`, (r) => r.fulfill({ contentType: 'text/html', body: page('') }));
  const cdp = await ctx.newCDPSession(p);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
  };
  await p.goto(`${origin}/bench.html`);
  await p.waitForFunction(LIST_READY);
  const before = await heap();
  const w = p.locator('booking-widget');
  await w.locator('button.service').first().click();
  await w.locator('button.free').first().click();
  await w.locator('button[part~="slot"]').first().click();
  await w.locator('#bw-name').fill('Ada Lovelace');
  await w.locator('#bw-email').fill('ada@example.com');
  await w.locator('button[type=submit]').click();
  await p.waitForFunction(`document.querySelector('booking-widget').step === 'done'`);
  const after = await heap();
  await ctx.close();
  return { before, after };
}
const h = await heapAfterBooking();
console.log(`\nJS heap: ${h.before.toFixed(2)} MB with the service list shown, ${h.after.toFixed(2)} MB after a full booking (whole page, after GC)`);

await browser.close();
server.kill('SIGTERM');
await once(server, 'exit');
rmSync(dir, { recursive: true, force: true });
