import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { BIN, childEnv, initDb, startServerProcess } from './process.ts';

const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: childEnv() });

describe('booking-api', () => {
  it('init creates the database and prints the business and a secret key as one JSON object', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    try {
      const db = join(dir, 'nested', 'shop.db');
      const out = await initDb(db, 'Salon Nord', 'Europe/Kiev');
      assert.ok(existsSync(db));
      assert.deepEqual(Object.keys(out).sort(), ['business', 'secret_key']);
      assert.equal((out.business as any).name, 'Salon Nord');
      assert.equal((out.business as any).timezone, 'Europe/Kyiv');
      assert.match(out.secret_key, /^sk_test_/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('init --mode live prints a live key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    try {
      const r = run('init', '--db', join(dir, 'x.db'), '--name', 'Live', '--timezone', 'UTC', '--mode', 'live');
      assert.equal(r.status, 0, r.stderr);
      assert.match(JSON.parse(r.stdout).secret_key, /^sk_live_/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('init refuses a missing name, an unknown zone and a bad mode with a message and exit code 2', () => {
    for (const args of [['--timezone', 'UTC'], ['--name', 'X', '--timezone', 'Mars/Base'], ['--name', 'X', '--timezone', 'UTC', '--mode', 'prod'], ['--bogus']]) {
      const r = run('init', '--db', join(tmpdir(), 'never.db'), ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^booking-api: /);
      assert.equal(r.stdout, '');
    }
  });

  it('hub create prints a hub and its key once; init --hub adds a business to it, and refuses a hub that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    try {
      const db = join(dir, 'platform.db');
      const made = run('hub', 'create', '--db', db, '--name', 'Agency');
      assert.equal(made.status, 0, made.stderr);
      const { hub, hub_key } = JSON.parse(made.stdout);
      assert.match(hub.id, /^hub_/);
      assert.equal(hub.name, 'Agency');
      assert.match(hub_key, /^hk_test_[A-Za-z0-9_-]{32}$/);
      const joined = run('init', '--db', db, '--name', 'Salon One', '--timezone', 'UTC', '--hub', hub.id);
      assert.equal(joined.status, 0, joined.stderr);
      const joinedId = JSON.parse(joined.stdout).business.id;
      const file = new Database(db, { readonly: true });
      try {
        assert.equal((file.prepare('select hub_id from businesses where id = ?').get(joinedId) as { hub_id: string }).hub_id, hub.id);
      } finally {
        file.close();
      }
      const missing = run('init', '--db', db, '--name', 'Salon Two', '--timezone', 'UTC', '--hub', 'hub_nope');
      assert.equal(missing.status, 2, missing.stderr);
      assert.match(missing.stderr, /no hub hub_nope/);
      assert.equal(missing.stdout, '');
      const unnamed = run('hub', 'create', '--db', db);
      assert.equal(unnamed.status, 2, unnamed.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('settings shows and changes the booking page and notification addresses, and refuses bad ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    try {
      const db = join(dir, 'shop.db');
      const { business } = await initDb(db, 'Salon Nord', 'Europe/Berlin');
      const set = run('settings', '--db', db, '--booking-page-url', 'https://salon.example/book', '--notification-email', 'owner@salon.example');
      assert.equal(set.status, 0, set.stderr);
      assert.deepEqual(JSON.parse(set.stdout), {
        id: business.id, name: 'Salon Nord', timezone: 'Europe/Berlin', booking_page_url: 'https://salon.example/book', notification_email: 'owner@salon.example', reply_to: null, accounts: 'off', sign_in_code: 'off',
      });
      const cleared = run('settings', '--db', db, '--business', business.id, '--notification-email', '');
      assert.equal(JSON.parse(cleared.stdout).notification_email, null);
      const bad = run('settings', '--db', db, '--booking-page-url', 'javascript:alert(1)');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^booking-api: --booking-page-url: Must be an http/);
      assert.equal(JSON.parse(run('settings', '--db', db).stdout).booking_page_url, 'https://salon.example/book', 'nothing changed by the refusal');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('init --booking-page-url sets the page the emails link to, and serve warns at start only while a business has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    try {
      const db = join(dir, 'shop.db');
      const r = run('init', '--db', db, '--name', 'Salon Nord', '--timezone', 'Europe/Berlin', '--booking-page-url', 'https://salon.example/book');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(run('settings', '--db', db).stdout).booking_page_url, 'https://salon.example/book');
      const bad = run('init', '--db', join(dir, 'other.db'), '--name', 'X', '--timezone', 'UTC', '--booking-page-url', 'javascript:alert(1)');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^booking-api: --booking-page-url: Must be an http/);
      assert.ok(!existsSync(join(dir, 'other.db')), 'nothing written for a refused init');
      const quiet = await startServerProcess(db);
      try {
        await fetch(`${quiet.url}/health`);
        assert.deepEqual(quiet.logged.filter((l) => l.level === 'warn'), []);
      } finally {
        await quiet.stop();
      }
      const second = await initDb(db, 'Salon Süd', 'Europe/Berlin');
      const warned = await startServerProcess(db);
      try {
        await fetch(`${warned.url}/health`);
        const warn = warned.logged.find((l) => l.level === 'warn')!;
        assert.match(String(warn.msg), /booking_page_url is not set: confirmation emails carry no manage link/);
        assert.deepEqual(warn.businesses, [second.business.id]);
        assert.match(String(warn.fix), new RegExp(`booking-api settings --db .* --business ${second.business.id} --booking-page-url https://`));
      } finally {
        await warned.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve answers /health and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    const server = await startServerProcess(join(dir, 'db.sqlite'));
    try {
      const res = await fetch(`${server.url}/health`);
      assert.deepEqual(await res.json(), { status: 'ok' });
    } finally {
      await server.stop();
      assert.equal(server.child.exitCode, 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('serve answers no demo page: / and /demo/* are the API\'s JSON 404, with no unfilled key placeholder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    const server = await startServerProcess(join(dir, 'db.sqlite'));
    try {
      for (const path of ['/', '/demo/playground.html', '/demo/strict-csp.html', '/demo/two-widgets.html', '/demo/shop.css', '/demo/mailbox']) {
        const res = await fetch(`${server.url}${path}`);
        const text = await res.text();
        assert.equal(res.status, 404, `${path}: ${text.slice(0, 80)}`);
        assert.equal(JSON.parse(text).error.code, 'not_found', path);
        assert.doesNotMatch(text, /\{\{\w+\}\}/, path);
      }
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('demo still serves the shop page, with its publishable key filled in, and the demo pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-cli-'));
    const child = spawn(process.execPath, [BIN, 'demo', '--db', join(dir, 'demo.db'), '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    try {
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo did not start: ${stderr}`)), 60_000);
        child.once('exit', (code) => reject(new Error(`demo exited (${code}): ${stderr}`)));
        createInterface({ input: child.stdout }).on('line', (line) => {
          const m = /Shop page\s+(\S+)\/$/.exec(line);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        });
      });
      const shopPage = await fetch(`${url}/`);
      assert.equal(shopPage.status, 200);
      const html = await shopPage.text();
      assert.match(html, /publishable-key="pk_test_/);
      assert.doesNotMatch(html, /\{\{\w+\}\}/);
      for (const path of ['/demo/playground.html', '/demo/strict-csp.html', '/demo/two-widgets.html', '/demo/mailbox']) {
        assert.equal((await fetch(`${url}${path}`)).status, 200, path);
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
