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
  /** Resident memory of the server by kind, in MB: anonymous (heaps) and file-backed (code). */
  memoryMb(): { rss: number; anon: number; file: number };
  /** CPU time (user + system) the server process has used so far, in ms. */
  cpuMs(): number;
  /** Whether request log lines are read (for durationOf); off under load, where parsing them would cost. */
  watchDurations(on: boolean): void;
  /** The request log's `duration_ms` of a request (by its X-Request-Id) made while watching, once its line is out. */
  durationOf(requestId: string): Promise<number>;
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
  // Request log lines asked for by id: the line may come before or after the question.
  const durations = new Map<string, number>();
  let watching = false;
  const waiting = new Map<string, (ms: number) => void>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`server exited (${c})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      // Under load the lines are not parsed, only while durations are watched.
      if (!line.includes('"listening"') && !(watching && line.includes('"request_id"'))) return;
      try {
        const msg = JSON.parse(line) as { msg?: string; url?: string; request_id?: string; duration_ms?: number };
        if (msg.msg === 'listening' && msg.url) resolve(msg.url);
        if (msg.request_id && msg.duration_ms !== undefined) {
          const wake = waiting.get(msg.request_id);
          if (wake) wake(msg.duration_ms);
          else if (durations.size < 1000) durations.set(msg.request_id, msg.duration_ms);
        }
      } catch { /* text */ }
    });
  });
  child.stdout.resume();
  const status = () => readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (text: string, field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)![1]) / 1024;

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
    rssMb: () => kb(status(), 'VmRSS'),
    memoryMb() {
      const text = status();
      return { rss: kb(text, 'VmRSS'), anon: kb(text, 'RssAnon'), file: kb(text, 'RssFile') };
    },
    cpuMs() {
      // utime and stime, the 14th and 15th fields, in clock ticks (100 a second on Linux).
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    watchDurations(on) {
      watching = on;
      if (!on) durations.clear();
    },
    durationOf(requestId) {
      const known = durations.get(requestId);
      if (known !== undefined) {
        durations.delete(requestId);
        return Promise.resolve(known);
      }
      return new Promise((resolve) => waiting.set(requestId, (ms) => {
        waiting.delete(requestId);
        resolve(ms);
      }));
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
