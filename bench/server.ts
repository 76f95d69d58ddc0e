// A real `booking-api serve` process on a temporary database, for the benchmarks: the same
// binary a merchant runs, rate limits off (the benchmarks measure the stack, not the limiter).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';

const BIN = fileURLToPath(new URL('../bin/booking-api.mjs', import.meta.url));
const NO_LIMITS = { RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_ADMIN_PER_MINUTE: '0', RATE_LIMIT_PUBLIC_PER_MINUTE: '0', RATE_LIMIT_CATALOG_PER_MINUTE: '0', HOLDS_PER_SESSION: '0', HOLDS_PER_CLIENT_PER_BUSINESS: '0', HOLDS_PER_CLIENT: '0' };

export interface BenchServer {
  url: string;
  child: ChildProcess;
  sk: string;
  admin<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** Waits until the outbox holds nothing due (the emails and webhooks of the seeding went out). */
  outboxDrained(): Promise<void>;
  /** Resident set size of the server process, in MB. */
  rssMb(): number;
  stop(): Promise<void>;
}

export async function startBenchServer(timezone = 'Europe/Berlin', nodeArgs: string[] = []): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'booking-bench-'));
  const db = join(dir, 'bench.db');
  const init = spawn(process.execPath, [BIN, 'init', '--db', db, '--name', 'Bench Salon', '--timezone', timezone], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  init.stdout.on('data', (d) => (out += d));
  const [code] = await once(init, 'exit');
  if (code !== 0) throw new Error('booking-api init failed');
  const sk = (JSON.parse(out) as { secret_key: string }).secret_key;

  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...NO_LIMITS } });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { msg?: string; url?: string };
        if (msg.msg === 'listening' && msg.url) resolve(msg.url);
      } catch { /* a request log line or text */ }
    });
  });
  child.stdout.resume();

  return {
    url, child, sk,
    async admin(method, path, body) {
      const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? undefined : res.json();
    },
    async outboxDrained() {
      const file = new SQLite(db, { readonly: true });
      try {
        const due = file.prepare("select count(*) as n from outbox where status = 'pending' and next_attempt_ms <= ?");
        while ((due.get(Date.now()) as { n: number }).n > 0) await new Promise((r) => setTimeout(r, 100));
      } finally {
        file.close();
      }
    },
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const DAY = 86_400_000;
const hours = [['08:00', '20:00']];
export const OPEN_DAILY = { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours };
