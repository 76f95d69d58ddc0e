// A real `booking-api serve` process killed with SIGKILL in the middle of a booking load, then
// started again on the same database file: every booking that was answered 201 is there exactly
// once, nothing is half-written (a booking without its finished idempotency record, or the other
// way round), the file is intact, and the restarted server goes on booking.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { initDb, startServerProcess, type ServerProcess } from './process.ts';

const NO_LIMITS = { RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_ADMIN_PER_MINUTE: '0' };
const ALL_DAY = [['00:00', '24:00']];
const WEEK = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY };

describe('SIGKILL during a booking load', () => {
  let dir: string;
  let db: string;
  let server: ServerProcess;
  let sk: string;
  let pk: string;
  let serviceId: string;
  const firstSlot = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 3 * 86_400_000;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'booking-crash-'));
    db = join(dir, 'booking.db');
    sk = (await initDb(db, 'Crash Co')).secret_key;
    server = await startServerProcess(db, NO_LIMITS);
    const admin = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(res.ok, `${method} ${path}: ${res.status}`);
      return res.json();
    };
    const staff = await admin('POST', '/staff', { name: 'Solo' });
    await admin('PUT', `/staff/${staff.id}/schedule`, { weekly: WEEK });
    serviceId = (await admin('POST', '/services', { name: 'Slot', duration_minutes: 15, slot_interval_minutes: 15, horizon_days: 365, staff_ids: [staff.id] })).id;
    pk = (await admin('POST', '/api-keys', { name: 'pk', type: 'publishable' })).key;
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every answered booking exactly once, half-writes nothing, and serves again after a restart', async () => {
    const session = async (url: string) => ((await (await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${pk}` } })).json())).session_token as string;
    const token = await session(server.url);
    // The guest the widget would be by now (it holds before it books): idempotency keys are the
    // guest's, so a retry after a restart, under a new session, still replays its answer.
    const held = await fetch(`${server.url}/api/v1/holds`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ service_id: serviceId, start: new Date(firstSlot).toISOString() }) });
    assert.equal(held.status, 201);
    const guest = held.headers.get('x-guest-token')!;
    await fetch(`${server.url}/api/v1/holds/${(await held.json()).hold.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, 'x-guest-token': guest } });
    const attempts = Array.from({ length: 300 }, (_, i) => ({ key: crypto.randomUUID(), start: new Date(firstSlot + i * 15 * 60_000).toISOString() }));
    // A request the kill cuts off, before its headers or while its body is read, counts as
    // unanswered (status 0): the client never saw the whole answer.
    const send = async (url: string, tok: string, a: (typeof attempts)[number]) => {
      try {
        const r = await fetch(`${url}/api/v1/bookings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json', 'idempotency-key': a.key, 'x-guest-token': guest },
          body: JSON.stringify({ service_id: serviceId, start: a.start, timezone: 'UTC', customer: { name: 'Load', email: 'load@example.com' } }),
        });
        return { status: r.status, body: (await r.json()) };
      } catch {
        return { status: 0, body: null };
      }
    };

    // Ten at a time; the kill lands in the middle of a batch, with requests in flight.
    const answers: { status: number; body: any }[] = new Array(attempts.length);
    let answered = 0;
    let killed = false;
    const load = (async () => {
      for (let i = 0; i < attempts.length; i += 10) {
        await Promise.all(attempts.slice(i, i + 10).map(async (a, j) => {
          answers[i + j] = await send(server.url, token, a);
          answered++;
          if (!killed && answered >= 95) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        }));
      }
    })();
    await load;
    if (server.child.exitCode === null && server.child.signalCode === null) await once(server.child, 'exit');
    assert.equal(server.child.signalCode, 'SIGKILL');

    const created = answers.filter((a) => a.status === 201);
    const unanswered = answers.filter((a) => a.status === 0).length;
    assert.ok(created.length >= 90, `answered before the kill: ${created.length}`);
    assert.ok(unanswered > 0, 'some requests were cut off by the kill');
    console.log(`crash: ${created.length} × 201 before SIGKILL, ${unanswered} without an answer`);

    // The file after the crash, before anything else touches it.
    const file = new SQLite(db, { readonly: true });
    try {
      assert.equal(file.pragma('integrity_check', { simple: true }), 'ok');
      const ids = file.prepare('select id from bookings').all().map((r: any) => r.id as string);
      for (const c of created) assert.equal(ids.filter((id) => id === c.body.booking.id).length, 1, `booking ${c.body.booking.id} once`);
      // Every stored booking has its finished idempotency record, and the other way round.
      const done = file.prepare("select count(*) as n from idempotency_keys where state = 'done' and status_code = 201").get() as { n: number };
      assert.equal(done.n, ids.length);
      const perSlot = file.prepare("select start_ms, count(*) as n from bookings where status = 'confirmed' group by start_ms having n > 1").all();
      assert.deepEqual(perSlot, []);
    } finally {
      file.close();
    }

    // Restart on the same file: answered requests replay their answer; the rest book or wait.
    server = await startServerProcess(db, NO_LIMITS);
    const again = await session(server.url);
    for (const [i, a] of attempts.entries()) {
      const r = await send(server.url, again, a);
      if (answers[i].status === 201) {
        assert.equal(r.status, 201);
        assert.equal(r.body.booking.id, answers[i].body.booking.id, 'the same booking, not a second one');
      } else {
        // Cut off mid-request: booked now, or its claim is still fresh (it lapses after a minute).
        assert.ok(r.status === 201 || (r.status === 409 && r.body.error.code === 'idempotency_in_progress'), `${r.status} ${JSON.stringify(r.body)}`);
      }
    }
    const file2 = new SQLite(db, { readonly: true });
    try {
      const perSlot = file2.prepare("select start_ms, count(*) as n from bookings where status = 'confirmed' group by start_ms having n > 1").all();
      assert.deepEqual(perSlot, []);
    } finally {
      file2.close();
    }
  });
});
