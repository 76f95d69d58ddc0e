// First useful paint, side by side with Astrocal's built widget (../shared/anchors/astrocal-widget,
// measured, never copied): from navigation start to the calendar with its free days on screen, in
// one headless Chromium, ours and theirs interleaved run by run, cold (a fresh context each run),
// with every answer from memory (page, scripts and API), at 0 ms and again with every request
// answered 100 ms late (a simulated round trip). Our API's answers are recorded once from the real
// server (the demo business) and replayed, keyed by method, path and query; Astrocal's two
// endpoints are faked as its README describes (it asks only the first before its calendar shows:
// it marks no free days, see PROBES). Then ours alone: the service list, and a stored
// session (warm); where our time goes (resource timings and long tasks of the page); and the
// page's JS heap after a full booking against the real server. Run: npm run bench:paint
// (BENCH_RUNS, default 20; BENCH_VERBOSE=1 prints each run, 2 the pages' consoles too;
// BENCH_CPU_PROF=dir profiles one more run of each).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page, type Request, type Route } from 'playwright-core';
import { chromeOrExit } from '../test/setup/chrome.mjs';
import { median, percentile, table } from './stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const VERBOSE = !!process.env.BENCH_VERBOSE;
const DELAYS = [0, 100];
// CHROMIUM_PATH (this bench's older name) or CHROME_PATH, else the usual paths (test/setup/chrome.mjs).
const CHROMIUM = process.env.CHROMIUM_PATH || await chromeOrExit();
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-precise-memory-info'];
const ASTROCAL = new URL('../../shared/anchors/astrocal-widget/widget.global.min.js', import.meta.url);
const DIST = new URL('../dist/widget/', import.meta.url);

// ---------------------------------------------------------------- what is measured

const git = (...args: string[]) => { try { return execFileSync('git', args, { encoding: 'utf8' }).trim(); } catch { return ''; } };
const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
const loadStart = loadavg()[0].toFixed(1);
const dirty = git('status', '--porcelain', '--', 'src/widget', 'src/contract') !== '';

// Scripts from memory, read once right after the build (a later rebuild in the tree cannot change a run).
if (!existsSync(new URL('widget.js', DIST))) throw new Error('dist/widget/widget.js is missing: run `npm run build` (npm run bench:paint does)');
const scripts = new Map<string, Buffer>([['/widget.js', readFileSync(new URL('widget.js', DIST))]]);
for (const f of readdirSync(new URL('chunks/', DIST))) scripts.set(`/chunks/${f}`, readFileSync(new URL(`chunks/${f}`, DIST)));
scripts.set('/astrocal/widget.global.min.js', readFileSync(ASTROCAL));

// ---------------------------------------------------------------- the real server (recording, heap)

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

// The demo business (seeded by `booking-api demo`), served with its pages, as `npm start` does.
const dir = mkdtempSync(join(tmpdir(), 'booking-paint-'));
const port = await freePort();
// Rate limits off: the recording and the heap run are several session exchanges from one IP.
const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'demo', '--db', join(dir, 'demo.db'), '--port', String(port)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_PUBLIC_PER_MINUTE: '0', RATE_LIMIT_CATALOG_PER_MINUTE: '0' },
});
let serverUp = true;
server.once('exit', () => (serverUp = false));
// However this run ends, the server and the temporary directory go with it.
process.on('exit', () => {
  if (serverUp) server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));
await new Promise<void>((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`demo server exited (${code})`)));
  createInterface({ input: server.stdout }).on('line', (line) => line.includes('Publishable key') && resolve());
});
server.stdout.resume();
async function stopServer() {
  if (!serverUp) return;
  server.kill('SIGTERM');
  await once(server, 'exit');
}
// Measured, the page, its scripts and the API share one origin, the server's (so neither widget
// pays a CORS preflight; Playwright would answer those itself, undelayed). Recorded, the page is a
// merchant's on another origin, as in production: a same-origin GET carries no Origin header, and
// the key's catalog reads need one. Once recorded, the server stops: nothing but memory can answer.
const origin = `http://127.0.0.1:${port}`;
const shop = `http://localhost:${port}`;
const keys = JSON.parse(readFileSync(join(dir, 'demo-keys.json'), 'utf8')) as { publishable_key: string; services: Record<string, string> };

// ---------------------------------------------------------------- the pages

// Both scripts load the same way: deferred, in the head (a module script is deferred).
const ours = (attrs: string, base = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<script type="module" src="${base}/widget.js"></script></head><body><h1>Bench</h1>
<booking-widget publishable-key="${keys.publishable_key}" timezone="Europe/Berlin" ${attrs}><a href="tel:+49301234">Call us</a></booking-widget></body></html>`;
const theirs = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<script defer src="/astrocal/widget.global.min.js"></script></head><body><h1>Bench</h1>
<div data-astrocal-event-type-id="e1" data-astrocal-mode="inline" data-astrocal-api-url="${origin}/astrocal"></div></body></html>`;
const PAGES: Record<string, string> = {
  '/ours-calendar.html': ours(`service="${keys.services.cut}"`),
  '/ours-list.html': ours(''),
  '/theirs.html': theirs,
};
// The recording's and the heap run's pages, on the merchant's origin: the widget from the API's.
const SHOP_PAGES: Record<string, string> = {
  '/ours-calendar.html': ours(`service="${keys.services.cut}"`, origin),
  '/ours-list.html': ours('', origin),
};

// What "on screen" means on each page: a chain of selectors, each after the first looked up in the
// shadow root of the element before. Ours: a day marked free in bw-calendar's month grid. Theirs:
// an enabled day button of its role="grid" (Astrocal marks no free days: every day from today on
// is an enabled button once its event type has answered; it asks for availability only when a day
// is picked). The service list: a service's button.
const PROBES: Record<string, string[]> = {
  '/ours-calendar.html': ['booking-widget', 'bw-calendar', 'button.free'],
  '/ours-list.html': ['booking-widget', 'button.service'],
  '/theirs.html': ['[data-astrocal-event-type-id]', '[role="grid"] button[role="gridcell"]:not([disabled])'],
};

/**
 * Runs in every page before its own scripts: checks the probe on every animation frame (so the
 * moment found is the frame it is painted in) and keeps the page's long tasks. A string, not a
 * function: tsx would name the inner functions with a helper the page does not have.
 */
const PROBE = `(() => {
  const chain = (${JSON.stringify(PROBES)})[location.pathname];
  if (!chain) return;
  const bench = window.__bench = { paint: 0, longTasks: [] };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* no long task timing */ }
  const found = () => {
    let root = document;
    for (const sel of chain) {
      const el = root && root.querySelector(sel);
      if (!el) return false;
      root = el.shadowRoot;
    }
    return true;
  };
  const tick = () => (found() ? (bench.paint = performance.now()) : requestAnimationFrame(tick));
  requestAnimationFrame(tick);
})();`;

// ---------------------------------------------------------------- answers from memory

interface Answer { status: number; headers: Record<string, string>; body: Buffer }
const recorded = new Map<string, Answer>();
const keyOf = (req: Request) => {
  const u = new URL(req.url());
  return `${req.method()} ${u.pathname}${u.search}`;
};
const HOP = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

const json = (value: unknown): Answer => ({ status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(value)) });
// Astrocal's two answers, shaped as its README says: the event type, and a month of free times
// (every day but Sunday from today, 09:00 to 17:00 hourly; it asks only once a day is picked).
const astrocalEventType = json({ id: 'e1', title: 'Haircut', description: 'Wash, cut and style.', duration_minutes: 45, timezone: 'Europe/Berlin', active: true, slug: 'haircut', location: null });
function astrocalAvailability(u: URL): Answer {
  const start = u.searchParams.get('start') ?? '';
  const end = u.searchParams.get('end') ?? '';
  const today = new Date().toISOString().slice(0, 10);
  const slots: { start_time: string; end_time: string }[] = [];
  for (let d = new Date(`${start > today ? start : today}T00:00:00Z`); d.toISOString().slice(0, 10) <= end; d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() === 0) continue;
    const day = d.toISOString().slice(0, 10);
    for (let h = 9; h < 17; h++) slots.push({ start_time: `${day}T${String(h).padStart(2, '0')}:00:00+01:00`, end_time: `${day}T${String(h).padStart(2, '0')}:45:00+01:00` });
  }
  return json({ event_type_id: u.searchParams.get('event_type_id'), timezone: u.searchParams.get('timezone'), start, end, slots });
}

/** Pages, scripts, Astrocal's fakes and (unless live) our recorded answers; `undefined`: not in memory. */
function fromMemory(req: Request, live: boolean): Answer | undefined {
  const u = new URL(req.url());
  const page = u.origin === origin ? PAGES[u.pathname] : u.origin === shop ? SHOP_PAGES[u.pathname] : undefined;
  if (page) return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: Buffer.from(page) };
  if (u.origin !== origin) return undefined;
  const js = scripts.get(u.pathname);
  // As the server sends them: module scripts are fetched in CORS mode.
  if (js) return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8', 'access-control-allow-origin': '*' }, body: js };
  if (req.method() === 'GET' && u.pathname === '/astrocal/v1/event-types/e1') return astrocalEventType;
  if (req.method() === 'GET' && u.pathname === '/astrocal/v1/availability') return astrocalAvailability(u);
  return live ? undefined : recorded.get(keyOf(req));
}

/**
 * Every request of the context is answered here, `delay` ms late. Replaying, our API's answers
 * come from memory; recording, the real server's first answer to each request is kept; live (the
 * heap run), the real server answers every API request.
 */
type Mode = 'replay' | 'record' | 'live';
async function serve(ctx: BrowserContext, delay: number, misses: string[], mode: Mode) {
  await ctx.route('**/*', async (route: Route) => {
    const req = route.request();
    let answer = fromMemory(req, mode === 'live');
    if (!answer && mode !== 'replay' && new URL(req.url()).pathname.startsWith('/api/v1/')) {
      const res = await route.fetch();
      answer = { status: res.status(), headers: Object.fromEntries(Object.entries(res.headers()).filter(([k]) => !HOP.has(k))), body: await res.body() };
      if (mode === 'record' && res.status() >= 400) console.error(`recording: ${keyOf(req)} answered ${res.status()}`);
      if (mode === 'record' && !recorded.has(keyOf(req))) recorded.set(keyOf(req), answer);
    }
    if (delay) await sleep(delay);
    if (answer) return route.fulfill(answer).catch(() => {});
    const u = new URL(req.url());
    // The favicon and the like: a plain 404. Anything the widgets ask for that is not in memory: a miss.
    if ((u.origin === origin || u.origin === shop) && !u.pathname.startsWith('/api/') && !u.pathname.startsWith('/astrocal/')) return route.fulfill({ status: 404, body: '' }).catch(() => {});
    misses.push(keyOf(req));
    return route.abort().catch(() => {});
  });
}

// ---------------------------------------------------------------- one page load

interface Timing { name: string; start: number; end: number }
interface Shot {
  ms: number;
  /** API requests issued before the paint, and how many sequential round trips they took. */
  calls: number;
  roundTrips: number;
  resources: Timing[];
  doc: number;
  longTasks: { start: number; duration: number }[];
}

const isApi = (name: string) => /\/(api\/v1|astrocal\/v1)\//.test(new URL(name).pathname);

/** Depth of the chain of calls: a call issued after another has answered is one trip later. */
function roundTrips(calls: Timing[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((c, i) => (depth[i] = 1 + Math.max(0, ...sorted.slice(0, i).map((d, j) => (d.end <= c.start ? depth[j] : 0)))));
  return Math.max(0, ...depth);
}

/** Navigates a page of `ctx` to `path` and waits for its probe; the timings come from the page itself. */
async function load(ctx: BrowserContext, path: string, misses: string[], at = origin, profile?: string): Promise<Shot> {
  const p = await ctx.newPage();
  const cdp = profile ? await ctx.newCDPSession(p) : undefined;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  let inflight = 0;
  p.on('request', () => inflight++);
  p.on('requestfinished', () => inflight--);
  p.on('requestfailed', () => inflight--);
  if (process.env.BENCH_VERBOSE === '2') p.on('console', (m) => console.error(`${path} console: ${m.text()}`));
  try {
    await p.goto(`${at}${path}`, { waitUntil: 'commit' });
    await p.waitForFunction(() => (window as unknown as { __bench?: { paint: number } }).__bench?.paint, undefined, { polling: 25, timeout: 30_000 });
  } catch (err) {
    const step = await p.evaluate(() => (document.querySelector('booking-widget') as { step?: string } | null)?.step).catch(() => undefined);
    throw new Error(`${path}: no paint${step ? ` (our widget's step: ${step})` : ''}${misses.length ? ` (not in memory: ${misses.join(', ')})` : ''}: ${String(err)}`, { cause: err });
  }
  if (cdp && profile) writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
  // Requests issued before the paint but answered after it are counted too: wait for them.
  for (let i = 0; i < 200 && inflight > 0; i++) await sleep(10);
  const seen = await p.evaluate(() => {
    const b = (window as unknown as { __bench: { paint: number; longTasks: { start: number; duration: number }[] } }).__bench;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd }));
    return { paint: b.paint, longTasks: b.longTasks, doc: nav.responseEnd, resources };
  });
  await p.close();
  const api = seen.resources.filter((r) => isApi(r.name) && r.start < seen.paint);
  return { ms: seen.paint, calls: api.length, roundTrips: roundTrips(api), resources: seen.resources, doc: seen.doc, longTasks: seen.longTasks };
}

/** A fresh context (cold: no storage, no cache), every request served from memory `delay` ms late. */
async function context(browser: Browser, delay: number, misses: string[], mode: Mode = 'replay') {
  const ctx = await browser.newContext({ timezoneId: 'Europe/Berlin', locale: 'en-US' });
  await ctx.addInitScript(PROBE);
  await serve(ctx, delay, misses, mode);
  return ctx;
}

async function cold(browser: Browser, path: string, delay: number): Promise<Shot> {
  const misses: string[] = [];
  const ctx = await context(browser, delay, misses);
  try {
    const shot = await load(ctx, path, misses);
    if (misses.length) throw new Error(`${path}: not in memory: ${misses.join(', ')}`);
    return shot;
  } finally {
    await ctx.close();
  }
}

/** The same page loaded twice in one context: the second load has the session the first stored. */
async function warm(browser: Browser, path: string, delay: number): Promise<Shot> {
  const misses: string[] = [];
  const ctx = await context(browser, delay, misses);
  try {
    await load(ctx, path, misses);
    const shot = await load(ctx, path, misses);
    if (misses.length) throw new Error(`${path} (stored session): not in memory: ${misses.join(', ')}`);
    return shot;
  } finally {
    await ctx.close();
  }
}

// ---------------------------------------------------------------- run

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });

// 1. Our API's real answers, once, cold and with a stored session, for both of our pages.
for (const path of ['/ours-calendar.html', '/ours-list.html']) {
  const misses: string[] = [];
  const ctx = await context(browser, 0, misses, 'record');
  await load(ctx, path, misses, shop);
  await load(ctx, path, misses, shop);
  await ctx.close();
}
if (VERBOSE) console.error(`recorded: ${[...recorded.keys()].join(', ')}`);

// 2. The page's JS heap after a full booking (mouse), garbage collected first: against the real server.
async function heapAfterBooking(): Promise<{ before: number; after: number }> {
  const ctx = await context(browser, 0, [], 'live');
  const p: Page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(p);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1024 / 1024;
  };
  if (process.env.BENCH_VERBOSE === '2') p.on('console', (m) => console.error(`heap console: ${m.text()}`));
  await p.goto(`${shop}/ours-list.html`);
  await p.locator('booking-widget button.service').first().waitFor();
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
const heap = await heapAfterBooking();
await stopServer();

// 3. Side by side, interleaved run by run (ours, theirs, ours, theirs…), then ours alone.
type Case = 'ours' | 'theirs' | 'ours warm' | 'list' | 'list warm';
const shots = new Map<string, Shot[]>();
const add = (delay: number, c: Case, s: Shot) => {
  const k = `${delay}|${c}`;
  shots.set(k, [...(shots.get(k) ?? []), s]);
  if (VERBOSE) console.error(`${delay} ms ${c}: ${s.ms.toFixed(0)} ms, ${s.calls} calls in ${s.roundTrips} round trips; long tasks ${s.longTasks.map((t) => `${t.start.toFixed(0)}+${t.duration.toFixed(0)}`).join(' ')}; ${s.resources.map((r) => `${new URL(r.name).pathname.split('/').pop()} ${r.start.toFixed(0)}–${r.end.toFixed(0)}`).join(', ')}`);
};
const get = (delay: number, c: Case) => shots.get(`${delay}|${c}`) ?? [];
for (const delay of DELAYS) {
  for (let i = 0; i < RUNS; i++) {
    add(delay, 'ours', await cold(browser, '/ours-calendar.html', delay));
    add(delay, 'theirs', await cold(browser, '/theirs.html', delay));
  }
  for (let i = 0; i < RUNS; i++) {
    add(delay, 'ours warm', await warm(browser, '/ours-calendar.html', delay));
    add(delay, 'list', await cold(browser, '/ours-list.html', delay));
    add(delay, 'list warm', await warm(browser, '/ours-list.html', delay));
  }
}
// BENCH_CPU_PROF=dir: one more cold run of each at 0 ms under the CPU profiler, from navigation to
// the paint (then: tsx bench/profile.ts dir/ours-paint.cpuprofile). Never part of the figures.
const PROF = process.env.BENCH_CPU_PROF;
if (PROF) {
  mkdirSync(PROF, { recursive: true });
  for (const [path, name] of [['/ours-calendar.html', 'ours'], ['/theirs.html', 'theirs']]) {
    const ctx = await context(browser, 0, []);
    await load(ctx, path, [], origin, join(PROF, `${name}-paint.cpuprofile`));
    await ctx.close();
  }
}
await browser.close();

// ---------------------------------------------------------------- report

const ms = (s: Shot[]) => s.map((x) => x.ms);
const med = (v: number[]) => median(v).toFixed(0);
const p95 = (v: number[]) => percentile(v, 95).toFixed(0);
const range = (v: number[]) => (Math.min(...v) === Math.max(...v) ? String(v[0]) : `${Math.min(...v)}–${Math.max(...v)}`);
const calls = (s: Shot[]) => `${range(s.map((x) => x.calls))} in ${range(s.map((x) => x.roundTrips))}`;

console.log(`First useful paint, side by side: ours (${commit}${dirty ? ' + uncommitted changes in src/widget or src/contract' : ''}) and Astrocal's built widget (widget.global.min.js)`);
console.log(`headless Chromium, page, scripts and API answers from memory, cold (a fresh context each run), ${RUNS} runs each, interleaved; load average ${loadStart} at the start, ${loadavg()[0].toFixed(1)} at the end (${cpus().length} cores)`);
console.log('ms from navigation start to the calendar with its free days on screen; API requests before it, in how many sequential round trips\n');
const side: string[][] = [];
for (const delay of DELAYS) {
  const o = get(delay, 'ours');
  const t = get(delay, 'theirs');
  side.push([`${delay} ms`, 'ours', med(ms(o)), p95(ms(o)), calls(o)]);
  side.push([`${delay} ms`, 'Astrocal', med(ms(t)), p95(ms(t)), calls(t)]);
  side.push([`${delay} ms`, 'ours / Astrocal', (median(ms(o)) / median(ms(t))).toFixed(2), (percentile(ms(o), 95) / percentile(ms(t), 95)).toFixed(2), '']);
}
table(['round trip', 'widget', 'median ms', 'p95 ms', 'API requests in round trips'], side);
console.log('budget: ours ≤ 1.0 × Astrocal (median), aiming at 0.8, at 0 ms and at 100 ms; one API round trip before it\n');

console.log('Ours alone (same serving): until, with or without a stored session (routing turns the HTTP cache off: "stored" is the session only)\n');
const alone: string[][] = [];
for (const delay of DELAYS) {
  for (const [c, until, session] of [['ours', 'calendar (service set)', 'none'], ['ours warm', 'calendar (service set)', 'stored'], ['list', 'service list', 'none'], ['list warm', 'service list', 'stored']] as const) {
    const s = get(delay, c);
    alone.push([`${delay} ms`, until, session, med(ms(s)), p95(ms(s)), calls(s)]);
  }
}
table(['round trip', 'until', 'session', 'median ms', 'p95 ms', 'API requests in round trips'], alone);
console.log('budget: one API round trip before the first paint, cold or warm\n');

// Where the time goes: the median moment each resource was asked for and arrived, against the paint.
const label = (name: string) => {
  const u = new URL(name);
  return u.pathname.replace(/-[\w-]{8}\.js$/, '-*.js') + (u.search ? '?…' : '');
};
console.log('Where the time goes, cold (medians, ms from navigation start)\n');
const where: string[][] = [];
for (const delay of DELAYS) {
  for (const c of ['ours', 'theirs'] as const) {
    const s = get(delay, c);
    const who = c === 'ours' ? 'ours' : 'Astrocal';
    where.push([`${delay} ms`, who, 'document', '0', med(s.map((x) => x.doc))]);
    const before = (x: Shot) => x.resources.filter((r) => r.start < x.ms && !r.name.endsWith('/favicon.ico'));
    const names = [...new Set(s.flatMap((x) => before(x).map((r) => label(r.name))))];
    const rows = names.map((n) => {
      const hits = s.flatMap((x) => before(x).filter((r) => label(r.name) === n));
      return { n, start: median(hits.map((r) => r.start)), end: median(hits.map((r) => r.end)), count: hits.length };
    }).sort((a, b) => a.start - b.start);
    for (const r of rows) where.push([`${delay} ms`, who, r.n + (r.count < s.length ? ` (${r.count}/${s.length} runs)` : ''), r.start.toFixed(0), r.end.toFixed(0)]);
    const tasks = s.map((x) => x.longTasks.filter((t) => t.start < x.ms));
    where.push([`${delay} ms`, who, `long tasks before the paint: ${med(tasks.map((l) => l.length))}, ${med(tasks.map((l) => l.reduce((a, t) => a + t.duration, 0)))} ms in all`, '', '']);
    // The page's own work: from its script's arrival to its first API request, from its last API answer to the paint.
    const script = (x: Shot) => before(x).find((r) => /\/(widget\.js|widget\.global\.min\.js)$/.test(r.name))?.end ?? NaN;
    const api = (x: Shot) => before(x).filter((r) => isApi(r.name));
    where.push([`${delay} ms`, who, 'script arrived → first API request', '', med(s.map((x) => Math.min(...api(x).map((r) => r.start)) - script(x)))]);
    where.push([`${delay} ms`, who, 'last API answer → on screen', '', med(s.map((x) => x.ms - Math.max(...api(x).map((r) => r.end))))]);
    where.push([`${delay} ms`, who, 'calendar with free days on screen', '', med(ms(s))]);
  }
}
table(['round trip', 'widget', 'what', 'asked', 'arrived'], where);

console.log(`\nJS heap: ${heap.before.toFixed(2)} MB with the service list shown, ${heap.after.toFixed(2)} MB after a full booking (whole page, after GC, real server)`);
console.log('budget: ≤ 3 MB after a full booking');
