import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { canonicalZone } from '../server/scheduling/index.ts';
import { mailDirFor, startServer, storeFromConfig } from '../server/index.ts';
import { configFromEnv } from '../server/config.ts';
import { describeUrl } from '../server/store/db.ts';
import { BusinessPatch, EMAIL_PATTERN } from '../contract/index.ts';
import { OperatorError, createOperator, listOperators, removeOperator } from '../server/dashboard/operators.ts';
import { passwordProblem } from '../server/dashboard/passwords.ts';
import { businessOut } from '../server/domain/business.ts';
import { createBusiness } from '../server/setup.ts';
import { createHub, hubExists } from '../server/domain/hubs.ts';
import { demoStatic } from '../server/index.ts';
import { seedDemo, type DemoKeys } from './demo.ts';

const USAGE = `Usage:
  booking-api init --db <path> --name <business name> --timezone <IANA zone> [--mode test|live] [--hub <hub id>]
                   [--booking-page-url <url of the page that hosts the widget: emails' manage links>]
                   [--operator-email <email> [--password-stdin]]
    also creates the business's first dashboard operator (asked for on a terminal when not given)
  booking-api hub create --db <path> --name <hub name> [--mode test|live]
    a hub for many businesses, and its first hub key (printed once)
  booking-api serve [--db <path>] [--port 8787] [--host 127.0.0.1]
    serves the API and /widget.js with its chunks (the demo pages: npm start only)
  booking-api settings [--db <path>] [--business <id>] [--booking-page-url <url>]
                       [--notification-email <email>] [--reply-to <email>]
    prints the business's settings, after changing those given ("" clears one)
  booking-api operator create --email <email> [--business <id>]... [--password-stdin] [--db <path>]
    a person who signs in to the dashboard at /dashboard (the password is asked for, or read from stdin);
    again for an existing email, adds the business and sets the new password
  booking-api operator list [--db <path>]
  booking-api operator remove --email <email> [--db <path>]   (their sessions end at once)

Environment: RATE_LIMIT_SESSION_PER_MINUTE (20), RATE_LIMIT_WIDGET_PER_MINUTE (60),
RATE_LIMIT_WIDGET_PER_HOUR (1000), RATE_LIMIT_ADMIN_PER_MINUTE (100), RATE_LIMIT_CATALOG_PER_MINUTE (120),
RATE_LIMIT_PUBLIC_PER_MINUTE (300), dashboard sign-ins RATE_LIMIT_SIGNIN_PER_MINUTE (10 per IP) and
RATE_LIMIT_SIGNIN_PER_ACCOUNT (10 per email per 15 minutes), 0 turns a limit off;
TRUST_PROXY (0 hops), HOLD_MINUTES (10), PORT, HOST; open holds per browser session, per client
network at one business and per client network in all: HOLDS_PER_SESSION (2),
HOLDS_PER_CLIENT_PER_BUSINESS (5), HOLDS_PER_CLIENT (20), 0 turns a cap off.
Notifications: SMTP_URL=smtp://user:pass@host:587 sends email (otherwise .eml files in MAIL_DIR,
default mail/ beside the database), MAIL_FROM, REMINDER_MINUTES (1440, 0 for none),
WEBHOOK_TIMEOUT_MS (10000), NOTIFY_POLL_MS (1000), NOTIFY_RETRY_BASE_MS (10000);
WEBHOOK_ALLOW_LOOPBACK=1 lets test-mode webhooks reach this machine (the demo sets it; never on a shared server).
SERVICE_KEY (at least 32 random characters; unset by default) is a server-to-server credential with
admin rights on the business its X-Business-Id names, in the X-Mode mode (live by default).
DATABASE_URL=postgres://… selects PostgreSQL instead of the --db file (for several instances;
DATABASE_POOL_MAX (10), DATABASE_STATEMENT_TIMEOUT_MS (10000)); REDIS_URL=redis://… keeps rate-limit
counters in Redis (REDIS_KEY_PREFIX, booking-api), otherwise they are in PostgreSQL when it is the store.`;

const DEFAULT_DB = 'data/booking.db';

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'init') return init(rest);
  if (command === 'serve') return serveCommand(rest);
  if (command === 'demo') return demoCommand(rest);
  if (command === 'settings') return settingsCommand(rest);
  if (command === 'hub') return hubCommand(rest);
  if (command === 'operator') return operatorCommand(rest);
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  throw new UsageError(`unknown command "${command}"`);
}

async function init(args: string[]) {
  const { values } = parseArgs({ args, options: {
    db: { type: 'string', default: DEFAULT_DB }, name: { type: 'string' }, timezone: { type: 'string' }, mode: { type: 'string', default: 'test' },
    hub: { type: 'string' }, 'booking-page-url': { type: 'string' }, 'operator-email': { type: 'string' }, 'password-stdin': { type: 'boolean' },
  } });
  if (!values.name?.trim()) throw new UsageError('--name is required');
  const timezone = values.timezone ? canonicalZone(values.timezone) : null;
  if (!timezone) throw new UsageError(`--timezone must be an IANA time zone such as Europe/Berlin${values.timezone ? ` (got "${values.timezone}")` : ''}`);
  if (values.mode !== 'test' && values.mode !== 'live') throw new UsageError('--mode must be test or live');
  // Checked before anything is written, by the schema PATCH /business uses.
  const page = values['booking-page-url']?.trim();
  const patch = page ? BusinessPatch.safeParse({ booking_page_url: page }) : undefined;
  if (patch && !patch.success) throw new UsageError(`--booking-page-url: ${patch.error.issues[0]?.message}`);
  // The first dashboard operator: named with --operator-email, or offered on a terminal. Asked
  // before anything is written; stdout stays the one JSON object, the rest goes to stderr.
  let email = values['operator-email']?.trim();
  if (email === undefined && !values['password-stdin'] && process.stdin.isTTY) email = (await ask('Dashboard operator email (leave empty to skip): ')).trim() || undefined;
  const password = email ? await newPassword(values['password-stdin'] ?? false) : undefined;
  const store = await storeFromConfig(configFromEnv(), values.db);
  try {
    if (values.hub !== undefined && !(await hubExists(store.db, values.hub))) throw new UsageError(`no hub ${values.hub} in this database (booking-api hub create makes one)`);
    const out = await createBusiness(store, { name: values.name.trim(), timezone, mode: values.mode, hubId: values.hub });
    if (page) await store.db.updateTable('businesses').set({ booking_page_url: page }).where('id', '=', out.business.id).execute();
    if (email && password) {
      await createOperator(store, { email, password, businessIds: [out.business.id] });
      process.stderr.write(`booking-api: operator ${email} can sign in at /dashboard\n`);
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await store.close();
  }
}

/** `booking-api hub create`: prints `{ hub: { id, name }, hub_key }` once, as `init` prints its secret key. */
async function hubCommand(args: string[]) {
  const [sub, ...rest] = args;
  if (sub !== 'create') throw new UsageError(`unknown hub command "${sub ?? ''}" (hub create)`);
  const { values } = parseArgs({ args: rest, options: { db: { type: 'string', default: DEFAULT_DB }, name: { type: 'string' }, mode: { type: 'string', default: 'test' } } });
  if (!values.name?.trim()) throw new UsageError('--name is required');
  if (values.mode !== 'test' && values.mode !== 'live') throw new UsageError('--mode must be test or live');
  const store = await storeFromConfig(configFromEnv(), values.db);
  try {
    process.stdout.write(JSON.stringify(await createHub(store, { name: values.name.trim(), mode: values.mode })) + '\n');
  } finally {
    await store.close();
  }
}

/** The same settings as `PATCH /api/v1/business`, checked by the same schema, for operators without a secret key at hand. */
async function settingsCommand(args: string[]) {
  const { values } = parseArgs({ args, options: {
    db: { type: 'string', default: DEFAULT_DB }, business: { type: 'string' },
    'booking-page-url': { type: 'string' }, 'notification-email': { type: 'string' }, 'reply-to': { type: 'string' },
  } });
  const patch: Record<string, string | null> = {};
  for (const [flag, field] of [['booking-page-url', 'booking_page_url'], ['notification-email', 'notification_email'], ['reply-to', 'reply_to']] as const) {
    const v = values[flag];
    if (v !== undefined) patch[field] = v.trim() === '' ? null : v.trim();
  }
  const parsed = BusinessPatch.safeParse(patch);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${String(i.path[0]).replace(/_/g, '-')}: ${i.message}`).join('; '));
  const store = await storeFromConfig(configFromEnv(), values.db);
  try {
    const all = await store.db.selectFrom('businesses').select('id').execute();
    const id = values.business ?? (all.length === 1 ? all[0].id : undefined);
    if (!id) throw new UsageError(all.length ? `--business is required: this database holds ${all.length} businesses (${all.map((b) => b.id).join(', ')})` : 'this database holds no business yet: run booking-api init first');
    if (!all.some((b) => b.id === id)) throw new UsageError(`no business ${id} in this database`);
    if (Object.keys(patch).length) await store.db.updateTable('businesses').set(patch).where('id', '=', id).execute();
    const row = await store.db.selectFrom('businesses').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    process.stdout.write(JSON.stringify(businessOut(row)) + '\n');
  } finally {
    await store.close();
  }
}

/** Reads all of stdin (a password piped in), without its final line break. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A question on stderr, the answer from a terminal; `hidden` echoes nothing (a password). */
function ask(question: string, hidden = false): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      out._writeToOutput = (s: string) => { if (s.includes(question)) process.stderr.write(question); };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** A new operator password: from stdin with --password-stdin, else asked twice on a terminal. */
async function newPassword(fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin) password = await readStdin();
  else {
    if (!process.stdin.isTTY) throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
    password = await ask('Password: ', true);
    if ((await ask('Password again: ', true)) !== password) throw new UsageError('the two passwords differ');
  }
  const problem = passwordProblem(password);
  if (problem) throw new UsageError(`password: ${problem}`);
  return password;
}

/** `booking-api operator create|list|remove`: the people who sign in to the dashboard. */
async function operatorCommand(args: string[]) {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: {
    db: { type: 'string', default: DEFAULT_DB }, email: { type: 'string' }, business: { type: 'string', multiple: true }, 'password-stdin': { type: 'boolean' },
  } });
  if (sub !== 'create' && sub !== 'list' && sub !== 'remove') throw new UsageError('operator takes create, list or remove');
  if (sub !== 'list' && !values.email?.trim()) throw new UsageError('--email is required');
  if (sub === 'create' && !EMAIL_PATTERN.test(values.email!.trim())) throw new UsageError(`--email must be an email address (got "${values.email}")`);
  const password = sub === 'create' ? await newPassword(values['password-stdin'] ?? false) : undefined;
  const store = await storeFromConfig(configFromEnv(), values.db);
  try {
    if (sub === 'list') {
      for (const op of await listOperators(store.db)) process.stdout.write(JSON.stringify(op) + '\n');
      return;
    }
    if (sub === 'remove') {
      if (!(await removeOperator(store, values.email!))) throw new UsageError(`no operator ${values.email}`);
      process.stdout.write(JSON.stringify({ removed: values.email!.trim().toLowerCase() }) + '\n');
      return;
    }
    let businesses = values.business ?? [];
    if (!businesses.length) {
      const all = await store.db.selectFrom('businesses').select('id').execute();
      if (all.length !== 1) throw new UsageError(all.length ? `--business is required: this database holds ${all.length} businesses (${all.map((b) => b.id).join(', ')})` : 'this database holds no business yet: run booking-api init first');
      businesses = [all[0].id];
    }
    try {
      const op = await createOperator(store, { email: values.email!, password: password!, businessIds: businesses });
      process.stdout.write(JSON.stringify({ id: op.id, email: op.email, businesses: op.businesses.map((b) => b.id) }) + '\n');
    } catch (err) {
      if (err instanceof OperatorError) throw new UsageError(err.message);
      throw err;
    }
  } finally {
    await store.close();
  }
}

async function serveCommand(args: string[]) {
  const { values } = parseArgs({ args, options: {
    db: { type: 'string', default: DEFAULT_DB },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
  } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535 (got "${values.port}")`);
  // Businesses without a booking page get confirmation emails with no manage link: said at start.
  let unlinked: string[] = [];
  const running = await startServer({ db: values.db, host: values.host, port, onStore: async (store) => {
    unlinked = (await store.db.selectFrom('businesses').select('id').where('booking_page_url', 'is', null).execute()).map((b) => b.id);
  } });
  const databaseUrl = process.env.DATABASE_URL;
  const db = databaseUrl ? `postgres ${describeUrl(databaseUrl)}` : values.db;
  const line = (msg: string, extra: Record<string, unknown> = {}, level = 'info') =>
    process.stdout.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...extra }) + '\n');
  line('listening', { url: running.url, db });
  if (unlinked.length) {
    line('booking_page_url is not set: confirmation emails carry no manage link', {
      businesses: unlinked, fix: `booking-api settings${databaseUrl ? '' : ` --db ${values.db}`} --business ${unlinked[0]} --booking-page-url https://your-site.example/book`,
    }, 'warn');
  }
  shutdownOn(running, (signal) => line('shutting down', { signal }));
}

/**
 * SIGTERM or SIGINT: stop accepting, let in-flight requests finish, close the pool, exit 0.
 * A second signal while draining exits at once.
 */
function shutdownOn(running: { close(): Promise<void> }, announce: (signal: string) => void = () => {}) {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    announce(signal);
    running.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** `npm start`: the demo business on data/demo.db (seeded once), the API, the widget and the demo pages. */
async function demoCommand(args: string[]) {
  const { values } = parseArgs({ args, options: {
    db: { type: 'string', default: 'data/demo.db' },
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
  } });
  const port = Number(values.port);
  // The demo's developer runs their webhook receiver on this machine, in test mode.
  process.env.WEBHOOK_ALLOW_LOOPBACK ??= '1';
  const origins = [`http://${values.host}:${port}`, `http://localhost:${port}`, `http://127.0.0.1:${port}`].filter((o, i, a) => a.indexOf(o) === i);
  let keys: DemoKeys | undefined;
  const statics = demoStatic();
  const running = await startServer({
    db: values.db, host: values.host, port,
    onStore: async (store) => {
      keys = await seedDemo(store, values.db, origins);
      statics.vars = { PUBLISHABLE_KEY: keys.publishable_key, SERVICE_CUT: keys.services.cut ?? '', SERVICE_TRIM: keys.services.trim ?? '', SERVICE_CONSULT: keys.services.consult ?? '' };
    },
    static: statics,
    mailbox: true,
  });
  const u = running.url;
  console.log(`
  Booking widget demo: Studio Lumen (test mode)

    Shop page            ${u}/
    Theming playground   ${u}/demo/playground.html
    Strict CSP page      ${u}/demo/strict-csp.html
    Two widgets          ${u}/demo/two-widgets.html
    Dashboard            ${u}/dashboard   (sign in as ${keys!.operator?.email ?? '(none)'}, password ${keys!.operator?.password ?? '(none)'})
    Embed modes          ${u}/demo/inline.html  ${u}/demo/popup.html  ${u}/demo/floating.html
    Mailbox              ${u}/demo/mailbox   (the emails the demo sent, as .eml files in ${mailDirFor(configFromEnv(), values.db)})
    OpenAPI              ${u}/api/v1/openapi.json

    Publishable key      ${keys!.publishable_key}
    Secret key           ${keys!.secret_key}   (local demo only; never put a secret key in a page)
    Database             ${values.db}
`);
  shutdownOn(running);
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`booking-api: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(`booking-api: ${(err as Error).message}`);
  process.exit(1);
});
