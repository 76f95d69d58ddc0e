// Browser tests: real Chromium (test/setup/chrome.mjs finds it: CHROME_PATH, Debian's or Google's
// usual paths, or Playwright's; without one the run stops at once with the line to run), TypeScript through esbuild, and a real API server
// (`booking-api serve` on a temporary database) that tests reach through fixture commands.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, chromeOrExit } from './test/setup/chrome.mjs';

const CHROME = await chromeOrExit();
const BIN = new URL('./bin/booking-api.mjs', import.meta.url).pathname;
const ALL_DAY = [['00:00', '24:00']];

/** The dates from today to the end of this month, in Berlin, as YYYY-MM-DD. */
function restOfMonthInBerlin() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
  const dates = [];
  for (let d = new Date(`${today}T00:00:00Z`); d.toISOString().slice(0, 7) === today.slice(0, 7); d.setUTCDate(d.getUTCDate() + 1)) dates.push(d.toISOString().slice(0, 10));
  return dates;
}

function apiPlugin() {
  let server, dir, db, sk, base, counter = 0;
  const run = (args) => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`booking-api ${args[0]} exited ${code}`))));
  });
  const admin = async (method, path, body, key = sk) => {
    const res = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? null : res.json();
  };
  return {
    name: 'booking-api',
    async serverStart() {
      dir = mkdtempSync(join(tmpdir(), 'bw-wtr-'));
      db = join(dir, 'api.db');
      sk = JSON.parse(await run(['init', '--db', db, '--name', 'Widget Test Salon', '--timezone', 'Europe/Berlin'])).secret_key;
      server = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_ADMIN_PER_MINUTE: '0', RATE_LIMIT_PUBLIC_PER_MINUTE: '0', RATE_LIMIT_CATALOG_PER_MINUTE: '0', HOLDS_PER_SESSION: '0', HOLDS_PER_CLIENT_PER_BUSINESS: '0', HOLDS_PER_CLIENT: '0', NOTIFY_POLL_MS: '100', RATE_LIMIT_SIGN_IN_PER_MINUTE: '0', RATE_LIMIT_SIGN_IN_PER_ACCOUNT_PER_HOUR: '0' },
      });
      base = await new Promise((resolve, reject) => {
        server.once('exit', (code) => reject(new Error(`API server exited ${code}`)));
        createInterface({ input: server.stdout }).on('line', (line) => {
          try { const m = JSON.parse(line); if (m.msg === 'listening') resolve(m.url); } catch { /* request logs */ }
        });
      });
    },
    async serverStop() {
      server?.kill('SIGTERM');
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    /** Commands the tests call with executeServerCommand: fixtures made with the secret key, in Node. */
    async executeCommand({ command, payload }) {
      if (command === 'api-fixture') {
        // A business of its own per fixture, so tests never see each other's services or bookings.
        const n = ++counter;
        const own = JSON.parse(await run(['init', '--db', db, '--name', 'Widget Test Salon', '--timezone', 'Europe/Berlin'])).secret_key;
        // staffNames: several staff members for the service (the first is `staffId`), each free all day.
        const names = payload?.staffNames ?? [`Stylist ${n}`];
        const staff = [];
        for (const name of names) staff.push(await admin('POST', '/staff', { name }, own));
        // closedThisMonth: days off from today to the month's end (Berlin), as late on a month's last day.
        // closedDates: days off (YYYY-MM-DD).
        const exceptions = [...(payload?.closedThisMonth ? restOfMonthInBerlin() : []), ...(payload?.closedDates ?? [])].map((date) => ({ date, intervals: [] }));
        for (const s of staff) await admin('PUT', `/staff/${s.id}/schedule`, { weekly: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY }, exceptions }, own);
        const service = await admin('POST', '/services', { name: payload?.serviceName ?? `Haircut ${n}`, description: payload?.description ?? 'Wash, cut and style.', duration_minutes: 60, slot_interval_minutes: 60, price: { amount_minor: 4500, currency: 'EUR' }, staff_ids: staff.map((s) => s.id), min_notice_minutes: 0 }, own);
        // allowedOrigins: the key works only from these origins (the test page's is not among them unless listed).
        const key = await admin('POST', '/api-keys', { name: `widget test ${n}`, type: 'publishable', ...(payload?.allowedOrigins ? { allowed_origins: payload.allowedOrigins } : {}) }, own);
        // Customer accounts (decision 012), for the accounts tests.
        if (payload?.accounts) await admin('PATCH', '/business', { accounts: 'optional', ...(payload.code ? { sign_in_code: 'required' } : {}) }, own);
        sk = own;
        return { apiBase: base, pk: key.key, keyId: key.id, serviceId: service.id, staffId: staff[0].id, staffIds: staff.map((s) => s.id), businessName: 'Widget Test Salon' };
      }
      // These act on the business of the latest fixture.
      if (command === 'api-revoke') return admin('DELETE', `/api-keys/${payload.keyId}`);
      if (command === 'api-bookings') return admin('GET', '/bookings');
      // The mails the server has sent so far (to the mail directory beside the database), oldest first.
      if (command === 'api-mails') {
        const mail = join(dir, 'mail');
        let names = [];
        try { names = readdirSync(mail).filter((f) => f.endsWith('.json')); } catch { /* none yet */ }
        return names.map((f) => JSON.parse(readFileSync(join(mail, f), 'utf8'))).sort((a, b) => a.sent_at.localeCompare(b.sent_at));
      }
      return undefined;
    },
  };
}

export default {
  files: ['test/widget/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 240_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [esbuildPlugin({ ts: true, target: 'es2022' }), apiPlugin()],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: CHROME,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
};
