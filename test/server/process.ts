import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const BIN = fileURLToPath(new URL('../../bin/booking-api.mjs', import.meta.url));

/** `--db <file>`, or nothing when the environment names a PostgreSQL DATABASE_URL instead. */
const dbArgs = (db: string) => (db ? ['--db', db] : []);

/**
 * The test's environment for a child, minus the store selectors a developer's shell may export:
 * a process gets DATABASE_URL or REDIS_URL only when the test passes them, so the SQLite suite
 * never runs against PostgreSQL by accident.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...rest } = process.env;
  return { ...rest, WEBHOOK_ALLOW_LOOPBACK: '1', ...extra };
}

/** Runs `booking-api init` and returns what it printed. */
export async function initDb(db: string, name = 'Concurrency Co', timezone = 'UTC', env: Record<string, string> = {}): Promise<{ business: { id: string }; secret_key: string }> {
  const child = spawn(process.execPath, [BIN, 'init', ...dbArgs(db), '--name', name, '--timezone', timezone], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`init failed (${code}): ${err}`);
  return JSON.parse(out);
}

/** `logged`: every line the server wrote on stdout, parsed (its JSON log). */
export interface ServerProcess { url: string; child: ChildProcess; logged: Record<string, unknown>[]; stop(): Promise<void> }

/** Starts `booking-api serve` on a free port as a real process and waits for its "listening" line. */
export async function startServerProcess(db: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...dbArgs(db), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(env),
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const logged: Record<string, unknown>[] = [];
  lines.on('line', (line) => {
    try {
      logged.push(JSON.parse(line));
    } catch { /* not a log line */ }
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
    lines.on('line', (line) => {
      try {
        const msg = JSON.parse(line);
        if (msg.msg === 'listening') {
          clearTimeout(timer);
          resolve(msg.url);
        }
      } catch { /* not a log line */ }
    });
  });
  return {
    url,
    child,
    logged,
    async stop() {
      // A process killed by a signal has a signalCode and no exitCode.
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
