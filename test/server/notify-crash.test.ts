// A real `booking-api serve` process killed with SIGKILL while it delivers webhooks, then started
// again on the same database file: every event reaches the receiver, none is lost, and what was
// acknowledged and marked before the kill is not sent again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import SQLite from 'better-sqlite3';
import { initDb, startServerProcess, type ServerProcess } from './process.ts';

const ENV = {
  RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_ADMIN_PER_MINUTE: '0',
  NOTIFY_POLL_MS: '20', NOTIFY_RETRY_BASE_MS: '200', WEBHOOK_TIMEOUT_MS: '500',
};
const ALL_DAY = [['00:00', '24:00']];
const WEEK = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY };
const BOOKINGS = 40;

describe('SIGKILL while webhooks are delivered', () => {
  let dir: string;
  let db: string;
  let server: ServerProcess | undefined;
  const received: { id: string; at: number }[] = [];
  // Closed (503, retried later) until every booking is made, so the kill lands mid-delivery.
  let open = false;
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    for await (const _ of req) { /* drain */ }
    if (!open) {
      res.statusCode = 503;
      return res.end();
    }
    received.push({ id: String(req.headers['webhook-id']), at: Date.now() });
    // Slow enough that the kill lands with deliveries in flight.
    setTimeout(() => res.end('ok'), 30);
  };
  const hooks = createServer((req, res) => void answer(req, res));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'booking-notify-crash-'));
    db = join(dir, 'booking.db');
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await server?.stop();
    hooks.closeAllConnections();
    hooks.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers every event after a restart, and nothing twice that was marked delivered', async () => {
    const sk = (await initDb(db, 'Crash Co')).secret_key;
    server = await startServerProcess(db, ENV);
    const url = server.url;
    const admin = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
      return res.json();
    };
    const staff = await admin('POST', '/staff', { name: 'Solo' });
    await admin('PUT', `/staff/${staff.id}/schedule`, { weekly: WEEK });
    const serviceId = (await admin('POST', '/services', { name: 'Slot', duration_minutes: 15, slot_interval_minutes: 15, horizon_days: 365, staff_ids: [staff.id] })).id;
    const pk = (await admin('POST', '/api-keys', { name: 'pk', type: 'publishable' })).key;
    await admin('POST', '/webhooks', { url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/in`, events: ['booking.created'] });
    const token = ((await (await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${pk}` } })).json())).session_token;

    const first = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000;
    const bookingIds: string[] = [];
    for (let i = 0; i < BOOKINGS; i++) {
      const res = await fetch(`${url}/api/v1/bookings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ service_id: serviceId, start: new Date(first + i * 15 * 60_000).toISOString(), timezone: 'UTC', customer: { name: 'Load', email: 'load@example.com' } }),
      });
      assert.equal(res.status, 201);
      bookingIds.push(((await res.json())).booking.id);
    }
    open = true;
    // Kill it part-way through the deliveries.
    const deadline = Date.now() + 20_000;
    while (received.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGKILL');
    await once(server.child, 'exit');
    const killedAt = Date.now();

    // What the dead process had marked delivered: those must not come again.
    const file = new SQLite(db, { readonly: true });
    const marked = new Set((file.prepare("select event_id from outbox where channel = 'webhook' and status = 'delivered'").all() as { event_id: string }[]).map((r) => r.event_id));
    const events = (file.prepare("select event_id, booking_id from outbox where channel = 'webhook'").all() as { event_id: string; booking_id: string }[]);
    file.close();
    assert.equal(events.length, BOOKINGS, 'one webhook message per booking was written with it');
    assert.ok(marked.size < BOOKINGS, `the kill landed before the end (${marked.size} of ${BOOKINGS} delivered)`);

    server = await startServerProcess(db, ENV);
    const all = new Set(events.map((e) => e.event_id));
    // Wait for the restarted worker to mark every message delivered (those in flight at the kill
    // come back once their lease has run out).
    const delivered = () => {
      const f = new SQLite(db, { readonly: true });
      const n = (f.prepare("select count(*) as n from outbox where channel = 'webhook' and status = 'delivered'").get() as { n: number }).n;
      f.close();
      return n;
    };
    const until = Date.now() + 30_000;
    while (Date.now() < until && delivered() < BOOKINGS) await new Promise((r) => setTimeout(r, 50));
    const seen = new Set(received.map((r) => r.id));
    const missing = [...all].filter((id) => !seen.has(id));
    assert.deepEqual(missing, [], 'every event was delivered');
    const resent = received.filter((r) => r.at > killedAt && marked.has(r.id));
    assert.deepEqual(resent, [], 'nothing acknowledged and marked before the kill was sent again');
    assert.deepEqual(new Set(events.map((e) => e.booking_id)), new Set(bookingIds));

    // The restarted server marks them all delivered.
    await server.stop();
    server = undefined;
    const after = new SQLite(db, { readonly: true });
    const states = after.prepare("select status, count(*) as n from outbox where channel = 'webhook' group by status").all();
    after.close();
    assert.deepEqual(states, [{ status: 'delivered', n: BOOKINGS }]);
  });
});
