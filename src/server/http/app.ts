import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { bodyLimit } from 'hono/body-limit';
import { API_BASE_PATH, EXPOSED_HEADERS, H, MAX_BODY_BYTES } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { knownOrigins } from '../auth/origins.ts';
import { ipBucket, limit } from '../auth/authenticate.ts';
import { pooledIds } from '../auth/tokens.ts';
import { ApiError, errorResponse } from './errors.ts';
import { staticRoutes, type StaticOptions } from './static.ts';
import { mailboxRoutes } from './mailbox.ts';
import { mountRoutes } from './mount.ts';
import { ROUTE_TABLE } from '../routes/index.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';

// DPoP: the proofs of customer accounts' sign-in and refresh (decision 012).
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', H.idempotencyKey, H.guestToken, 'DPoP'].join(', ');

/** The whole HTTP app; `deps` carries every outside thing it touches, so tests build their own. */
/**
 * `mailbox`: the directory of `.eml` files to show at `/demo/mailbox` (the demo only: the mails
 * hold manage links, so a real deployment never lists them).
 */
/**
 * A preflight is judged by what its route can serve. A route only a secret key can call (which
 * must never be in a browser) opens to no origin. A route a publishable key or a session calls
 * opens to every origin but `null`: its credential judges the origin on the real request, and
 * a refusal there must reach the page (API.md, CORS), which it cannot behind a failed preflight;
 * no data is answered to an origin the credential does not allow. The rest (manage links,
 * health) open to origins some key allows.
 */
const browserRoutes = ROUTE_TABLE.filter((r) => r.credentials.some((k) => k !== 'secret')).map((r) => ({
  method: r.method.toUpperCase(), pattern: new RegExp(`^${r.path.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}$`),
  keyed: r.credentials.some((k) => k === 'publishable' || k === 'session'),
}));
const preflightFor = (method: string, path: string): 'any' | 'known' | 'none' => {
  const found = browserRoutes.filter((r) => r.method === method.toUpperCase() && r.pattern.test(path));
  return found.length === 0 ? 'none' : found.some((r) => r.keyed) ? 'any' : 'known';
};

/**
 * Sets a header on the answer a handler already made. Hono's `c.header` would re-make that
 * answer around its body first, which makes the Node adapter turn it into a real `Response`
 * and write its bytes through a stream; the answer's own headers are changed in place instead
 * (they are mutable on every answer the app makes; `c.header` remains for one that is not).
 */
function setOnAnswer(c: Pick<Context, 'res' | 'header'>, name: string, value: string, append = false) {
  try {
    if (append) c.res.headers.append(name, value);
    else c.res.headers.set(name, value);
  } catch {
    c.header(name, value, { append });
  }
}

/** How much of an oversized body is read and dropped before the 413, and for how long at most. */
const DRAIN_BYTES = 8 * 1024 * 1024;
const DRAIN_MS = 5000;

/**
 * Reads and drops what the client is still sending (up to a bound), so it is listening when the
 * 413 comes: answering mid-upload makes the socket close under it, and the client sees a reset
 * instead of the envelope. Past the bound, the connection is cut as before.
 */
async function drain(c: Context) {
  const body = c.req.raw.body;
  if (!body || body.locked) return;
  const reader = body.getReader();
  const deadline = Date.now() + DRAIN_MS;
  let read = 0;
  try {
    while (read < DRAIN_BYTES) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: number | NodeJS.Timeout | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
      if (!chunk || chunk.done) break;
      read += chunk.value.byteLength;
    }
  } catch {
    // The client went away: nothing to answer.
  } finally {
    reader.releaseLock();
  }
}

export function createApp(deps: Deps, opts: { static?: StaticOptions; mailbox?: string } = {}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const originKnown = knownOrigins(deps);
  const requestId = pooledIds();

  // One JSON log line per request: the route pattern, never the URL (manage tokens ride in queries).
  app.use('*', async (c, next) => {
    const started = performance.now();
    const id = requestId();
    c.set('requestId', id);
    await next();
    setOnAnswer(c, H.requestId, id);
    // Requests per key and day (GET /usage): a key's, never a dashboard operator's.
    const principal = c.get('principal');
    if (principal && !(principal.kind === 'secret' && principal.operatorId)) deps.usage.count(principal.keyId, c.res.status === 429);
    deps.log.info('request', {
      request_id: id, method: c.req.method, route: c.req.routePath, status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  // CORS: reflect an Origin only once something has vouched for it (the key, the session, or,
  // for credential-less answers, some active publishable key). Never `*`, never `null`.
  app.use(`${API_BASE_PATH}/*`, async (c: Context<AppEnv>, next) => {
    const origin = c.req.header('origin');
    const asked = c.req.header('access-control-request-method');
    // Preflights are never limited (API.md): a 429 there has no CORS header, so the page could
    // not read it, and the real request is counted anyway.
    if (c.req.method === 'OPTIONS' && origin !== undefined && asked) {
      const verdict = preflightFor(asked, new URL(c.req.url).pathname);
      if (verdict === 'none') throw new ApiError('origin_not_allowed', 'No page may call this route');
      if (origin === 'null' || (verdict === 'known' && !(await originKnown(origin)))) throw new ApiError('origin_not_allowed', 'This origin is not allowed');
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      c.header('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      c.header('Access-Control-Max-Age', '600');
      c.header('Vary', 'Origin');
      return c.body(null, 204);
    }
    await next();
    setOnAnswer(c, 'Vary', 'Origin', true);
    if (origin === undefined) return;
    const decided = c.get('corsOrigin');
    const allow = decided !== undefined ? decided === origin && origin !== '' : await originKnown(origin);
    if (allow) {
      setOnAnswer(c, 'Access-Control-Allow-Origin', origin);
      setOnAnswer(c, 'Access-Control-Expose-Headers', EXPOSED_HEADERS.join(', '));
    }
  });

  // JSON answers over 1 KiB go gzipped to clients that accept it: a month of availability is
  // about 120 KB as JSON and a tenth of that on a customer's phone connection.
  app.use(`${API_BASE_PATH}/*`, compress());

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: async (c) => {
      await drain(c);
      throw new ApiError('payload_too_large', 'Request body is larger than 64 KiB');
    },
  });
  app.use(`${API_BASE_PATH}/*`, (c: Context<AppEnv, string>, next) => {
    // A GET or HEAD is judged by its headers alone: asking for its body would make the Node
    // adapter build a whole Request (a tenth of a kept availability read's cost) only to find
    // none, as the adapter hands a GET no body to read (Node discards what comes). Its declared
    // length is all there is to judge, and the contract's 64 KiB holds for it too.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') {
      const length = c.req.raw.headers.get('content-length');
      if (length !== null && Number(length) > MAX_BODY_BYTES) throw new ApiError('payload_too_large', 'Request body is larger than 64 KiB');
      return next();
    }
    return limitBody(c, next);
  });

  mountRoutes(app, ROUTE_TABLE, deps);
  // The merchant dashboard (decision 011): its own cookie-authenticated API, and its pages when built.
  dashboardRoutes(app, deps, ROUTE_TABLE, { dir: opts.static?.dashboardDir });
  if (opts.mailbox) mailboxRoutes(app, opts.mailbox);
  if (opts.static) staticRoutes(app, opts.static);

  app.notFound(async (c) => {
    try {
      await limit(c, deps, [ipBucket(c, deps, 'public')]);
    } catch (err) {
      return errorResponse(err, c, deps.log);
    }
    return errorResponse(new ApiError('not_found', `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), c, deps.log);
  });
  app.onError((err, c) => errorResponse(err, c, deps.log));
  return app;
}
