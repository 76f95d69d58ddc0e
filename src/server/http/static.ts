import { readFileSync, existsSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { AppEnv } from '../context.ts';
import { ApiError } from './errors.ts';

export interface StaticOptions {
  /** The built widget (dist/widget): widget.js and its chunks. */
  widgetDir: string;
  /** The built merchant dashboard (dist/dashboard), served at /dashboard. */
  dashboardDir?: string;
  /** Merchant demo pages; `{{NAME}}` placeholders are filled from `vars`. The demo command's only: `serve` leaves it out. */
  demoDir?: string;
  vars?: Record<string, string>;
  version: string;
}

export const STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'; trusted-types lit-html";

const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', html: 'text/html; charset=utf-8', css: 'text/css; charset=utf-8', png: 'image/png', svg: 'image/svg+xml', json: 'application/json' };

/**
 * Serves the widget as a merchant loads it: `/widget.js` briefly cached (it moves with releases),
 * `/v/<version>/widget.js` and hashed chunks cached for a year, all compressed.
 */
export function staticRoutes(app: Hono<AppEnv>, opts: StaticOptions) {
  const file = (dir: string, rel: string) => {
    const path = normalize(join(dir, rel));
    if (!path.startsWith(normalize(dir) + sep) || !existsSync(path)) throw new ApiError('not_found', 'Not found');
    return readFileSync(path);
  };
  const send = (body: Buffer | string, ext: string, cache: string) =>
    new Response(typeof body === 'string' ? body : new Uint8Array(body), { headers: { 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' } });
  // Merchant pages live on other origins and load the widget as a module script, which the browser
  // fetches in CORS mode: without this header no cross-origin page could run it. The script and its
  // chunks are public and fetched without credentials, so `*` is right here (unlike API answers).
  const script = (body: Buffer, cache: string) => {
    const res = send(body, 'js', cache);
    res.headers.set('Access-Control-Allow-Origin', '*');
    return res;
  };
  const YEAR = 'public, max-age=31536000, immutable';

  app.use('*', compress());
  app.get('/widget.js', () => script(file(opts.widgetDir, 'widget.js'), 'public, max-age=300'));
  app.get(`/v/${opts.version}/widget.js`, () => script(file(opts.widgetDir, 'widget.js'), YEAR));
  app.get('/chunks/:name{[\\w.-]+\\.js}', (c) => script(file(join(opts.widgetDir, 'chunks'), c.req.param('name')), YEAR));
  app.get(`/v/${opts.version}/chunks/:name{[\\w.-]+\\.js}`, (c) => script(file(join(opts.widgetDir, 'chunks'), c.req.param('name')), YEAR));
  const { demoDir } = opts;
  if (!demoDir) return;
  const page = (name: string) => {
    let html = file(demoDir, name).toString('utf8');
    for (const [k, v] of Object.entries(opts.vars ?? {})) html = html.replaceAll(`{{${k}}}`, v);
    return html;
  };
  app.get('/', () => send(page('index.html'), 'html', 'no-cache'));
  // Browsers ask every origin for one; the demo has none, and a 404 would be a console error.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/demo/:name{[\\w-]+\\.(html|css|js)}', (c) => {
    const name = c.req.param('name');
    const ext = name.split('.').pop()!;
    const res = send(ext === 'html' ? page(name) : file(demoDir, name), ext, 'no-cache');
    // The strict page proves the widget needs no inline script, no eval and only lit-html's Trusted Types policy.
    if (name === 'strict-csp.html') res.headers.set('Content-Security-Policy', STRICT_CSP);
    return res;
  });
}
