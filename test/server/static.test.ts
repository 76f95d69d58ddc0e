// How the widget and the demo pages are served: what a merchant's page and a CDN see.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildDeps, createApp } from '../../src/server/index.ts';
import { silentLogger } from '../../src/server/log.ts';
import { harness } from './helpers.ts';

async function served() {
  const h = await harness();
  const widgetDir = mkdtempSync(join(tmpdir(), 'booking-static-'));
  mkdirSync(join(widgetDir, 'chunks'));
  const code = `export const widget = ${JSON.stringify('x'.repeat(4000))};\n`;
  writeFileSync(join(widgetDir, 'widget.js'), code);
  writeFileSync(join(widgetDir, 'chunks', 'flow-abc123.js'), 'export const flow = 1;\n');
  const demoDir = mkdtempSync(join(tmpdir(), 'booking-demo-'));
  writeFileSync(join(demoDir, 'index.html'), '<booking-widget publishable-key="{{PUBLISHABLE_KEY}}"></booking-widget>');
  const app = createApp(await buildDeps(h.store, { log: silentLogger }), { static: { widgetDir, demoDir, version: '9.9.9', vars: { PUBLISHABLE_KEY: 'pk_test_demo' } } });
  const get = (path: string, headers: Record<string, string> = {}) => app.request(`http://api.test${path}`, { headers });
  return { get, code };
}

describe('serving the widget', () => {
  it('serves /widget.js as JavaScript for five minutes, and the versioned path and hashed chunks for a year', async () => {
    const { get } = await served();
    const plain = await get('/widget.js');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(plain.headers.get('cache-control'), 'public, max-age=300');
    for (const path of ['/v/9.9.9/widget.js', '/chunks/flow-abc123.js', '/v/9.9.9/chunks/flow-abc123.js']) {
      const r = await get(path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable', path);
    }
  });

  it('lets pages on any origin load it as a module script (CORS), without credentials', async () => {
    const { get } = await served();
    const r = await get('/widget.js', { origin: 'https://shop.example.com' });
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
  });

  it('compresses the script for clients that accept gzip', async () => {
    const { get, code } = await served();
    const r = await get('/widget.js', { 'accept-encoding': 'gzip' });
    assert.equal(r.headers.get('content-encoding'), 'gzip');
    const body = Buffer.from(await r.arrayBuffer());
    assert.ok(body.length < code.length / 4);
    assert.equal(gunzipSync(body).toString(), code);
  });

  it('refuses paths outside the widget folder and unknown chunks with the JSON 404', async () => {
    const { get } = await served();
    for (const path of ['/chunks/..%2Fwidget.js', '/chunks/nope.js', '/v/0.0.1/widget.js']) {
      const r = await get(path);
      assert.equal(r.status, 404, path);
      assert.equal((await r.json()).error.code, 'not_found');
    }
  });

  it('fills the demo page with its keys and answers the favicon request without an error', async () => {
    const { get } = await served();
    assert.match(await (await get('/')).text(), /publishable-key="pk_test_demo"/);
    assert.equal((await get('/favicon.ico')).status, 204);
  });
});
