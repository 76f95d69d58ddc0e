import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { API_BASE_PATH, MAX_BODY_BYTES, MerchantCancel, RescheduleRequest, SignIn, type DashboardMe } from '../../contract/index.ts';
import type { AppEnv, Deps, SecretPrincipal } from '../context.ts';
import { ipBucket, limit } from '../auth/authenticate.ts';
import { ApiError } from '../http/errors.ts';
import { answerRoute } from '../http/mount.ts';
import type { Route } from '../http/route.ts';
import { readBody } from '../http/validate.ts';
import { bookingOut } from '../domain/bookings.ts';
import { cancelForCustomer, rescheduleForCustomer } from '../domain/manage.ts';
import { instant } from '../http/inputs.ts';
import type { OperatorSessionRow } from '../store/schema.ts';
import { findOperator, normalEmail, operatorBusinesses } from './operators.ts';
import { dummyHash, verifyPassword } from './passwords.ts';
import { csrfMatches, endSession, readSession, startSession, ABSOLUTE_MS } from './sessions.ts';

export const DASHBOARD_API = '/dashboard/api';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The dashboard's pages: only this origin's scripts and styles, no inline code, lit-html's Trusted
 * Types policy (twice: the dashboard's own lit and the previewed widget's), never framed.
 */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types lit-html 'allow-duplicates'";

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/**
 * On loopback (a developer's machine, served over http) the cookie cannot be `Secure` nor so
 * carry the `__Host-` prefix; anywhere else it is both, so it never travels in clear text and
 * no subdomain can set or shadow it.
 */
export function cookieName(c: Context): { name: string; secure: boolean } {
  const loopback = LOOPBACK.has(new URL(c.req.url).hostname);
  return loopback ? { name: 'bw_dashboard', secure: false } : { name: '__Host-bw_dashboard', secure: true };
}

function readCookie(c: Context, name: string): string | undefined {
  for (const part of (c.req.header('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function setCookie(c: Context, value: string, maxAgeSeconds: number) {
  const { name, secure } = cookieName(c);
  c.header('Set-Cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`, { append: true });
}

/** Nothing the dashboard answers is cached, framed or sniffed. */
const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'same-origin');
};

interface Signed { session: OperatorSessionRow }

/**
 * The operator's session from the cookie; for a change (any method but GET), also the session's
 * CSRF token in `X-CSRF-Token` and a same-origin request (`Origin`, `Sec-Fetch-Site` when sent).
 */
async function signedIn(c: Context<AppEnv>, deps: Deps): Promise<Signed> {
  const session = await readSession(deps, readCookie(c, cookieName(c).name));
  if (!session) {
    await limit(c, deps, [ipBucket(c, deps, 'public')]);
    throw new ApiError('unauthorized', 'Sign in to the dashboard');
  }
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') sameOriginChange(c, session);
  await limit(c, deps, [{ bucket: 'admin', key: `operator:${session.operator_id}` }]);
  return { session };
}

function sameOriginChange(c: Context, session: OperatorSessionRow | undefined) {
  const origin = c.req.header('origin');
  const site = c.req.header('sec-fetch-site');
  let host: string | undefined;
  try {
    host = origin === undefined ? undefined : new URL(origin).host;
  } catch {
    host = '(unparseable)';
  }
  if ((origin !== undefined && host !== c.req.header('host') && host !== new URL(c.req.url).host) || (site !== undefined && site !== 'same-origin')) {
    throw new ApiError('forbidden', 'Dashboard changes must come from the dashboard itself');
  }
  if (session && !csrfMatches(session, c.req.header(CSRF_HEADER))) throw new ApiError('forbidden', 'Missing or wrong CSRF token: reload the dashboard');
}

async function me(deps: Deps, operatorId: string, csrf: string): Promise<DashboardMe> {
  const op = await deps.store.db.selectFrom('operators').select(['id', 'email']).where('id', '=', operatorId).executeTakeFirstOrThrow();
  return { operator: op, csrf_token: csrf, businesses: await operatorBusinesses(deps.store.db, operatorId) };
}

/** `/api/v1/holds/{id}` → `/holds/:id`. */
const honoPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * The dashboard's API: sign-in, sign-out, who is signed in, and every admin route of the table
 * under `/dashboard/api/b/{business}/{mode}/…`, answered by the same handlers with the operator's
 * rights over that business and mode (a business they are not linked to is a 404). No key is
 * involved, so none ever reaches the browser; a dashboard cookie opens only these routes.
 */
export function dashboardRoutes(app: Hono<AppEnv>, deps: Deps, routes: readonly Route[], opts: { dir?: string } = {}) {
  app.use(`${DASHBOARD_API}/*`, noStore);
  app.use(`${DASHBOARD_API}/*`, bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new ApiError('payload_too_large', 'Request body is larger than 64 KiB'); } }));

  app.post(`${DASHBOARD_API}/sign-in`, async (c) => {
    sameOriginChange(c, undefined);
    await limit(c, deps, [ipBucket(c, deps, 'signin')]);
    const body = await readBody(c, SignIn);
    // Every attempt at one account counts, whoever makes it and whether or not the account exists.
    await limit(c, deps, [{ bucket: 'signinAccount', key: normalEmail(body.email) }]);
    const op = await findOperator(deps.store.db, body.email);
    // An unknown email costs the same scrypt as a wrong password, and answers the same.
    const good = await verifyPassword(body.password, op?.password_hash ?? (await dummyHash()));
    if (!op || !good) throw new ApiError('unauthorized', 'Email or password is incorrect');
    const { cookie, csrf } = await startSession(deps, op.id);
    setCookie(c, cookie, ABSOLUTE_MS / 1000);
    return c.json(await me(deps, op.id, csrf), 200);
  });

  app.post(`${DASHBOARD_API}/sign-out`, async (c) => {
    const { session } = await signedIn(c, deps);
    await endSession(deps, session.id_hash);
    setCookie(c, '', 0);
    return c.body(null, 204);
  });

  app.get(`${DASHBOARD_API}/me`, async (c) => {
    const { session } = await signedIn(c, deps);
    return c.json(await me(deps, session.operator_id, session.csrf_token), 200);
  });

  // The operator's rights over one of their businesses, in one mode.
  const asBusiness: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { session } = await signedIn(c, deps);
    const business = c.req.param('business') ?? '';
    const mode = c.req.param('mode');
    const linked = await deps.store.db.selectFrom('operator_businesses').select('business_id')
      .where('operator_id', '=', session.operator_id).where('business_id', '=', business).executeTakeFirst();
    if (!linked || (mode !== 'test' && mode !== 'live')) throw new ApiError('not_found', 'No such business for this operator');
    const principal: SecretPrincipal = { kind: 'secret', keyId: `operator:${session.operator_id}`, businessId: business, mode, operatorId: session.operator_id };
    c.set('principal', principal);
    await next();
  };
  const scoped = `${DASHBOARD_API}/b/:business/:mode`;

  app.post(`${scoped}/bookings/:id/cancel`, asBusiness, async (c) => {
    const p = c.get('principal') as SecretPrincipal;
    const body = await readBody(c, MerchantCancel, { emptyOk: true });
    const row = await cancelForCustomer(deps, p, c.req.param('id') ?? '', body.reason, { type: 'operator', id: p.operatorId ?? null });
    return c.json(bookingOut(row), 200);
  });

  app.post(`${scoped}/bookings/:id/reschedule`, asBusiness, async (c) => {
    const p = c.get('principal') as SecretPrincipal;
    const body = await readBody(c, RescheduleRequest);
    const to = { startMs: instant(body.start, 'start'), staffId: body.staff_id };
    const row = await rescheduleForCustomer(deps, p, c.req.param('id') ?? '', to, { type: 'operator', id: p.operatorId ?? null });
    return c.json(bookingOut(row), 200);
  });

  for (const r of routes) {
    if (!r.credentials.includes('secret') || !r.path.startsWith(API_BASE_PATH)) continue;
    app.on(r.method.toUpperCase(), scoped + honoPath(r.path.slice(API_BASE_PATH.length)), asBusiness, (c) => answerRoute(c, r, deps, API_BASE_PATH));
  }

  // Anything else under the dashboard's API is the JSON 404 (the app's own).
  if (opts.dir) pages(app, opts.dir);
}

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml', html: 'text/html; charset=utf-8' };

/** The built dashboard (dist/dashboard): one page, its hashed assets, and the strict CSP on each. */
function pages(app: Hono<AppEnv>, dir: string) {
  const send = (rel: string, cache: string) => {
    const path = normalize(join(dir, rel));
    if (!path.startsWith(normalize(dir) + sep) || !existsSync(path)) throw new ApiError('not_found', 'Not found');
    const ext = path.split('.').pop() ?? '';
    return new Response(new Uint8Array(readFileSync(path)), { headers: {
      'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': DASHBOARD_CSP, 'X-Frame-Options': 'DENY', 'Referrer-Policy': 'same-origin',
    } });
  };
  app.get('/dashboard', () => send('index.html', 'no-cache'));
  app.get('/dashboard/', () => send('index.html', 'no-cache'));
  app.get('/dashboard/assets/:name{[\\w.-]+\\.(js|css|svg)}', (c) => send(`assets/${c.req.param('name')}`, 'public, max-age=31536000, immutable'));
}

