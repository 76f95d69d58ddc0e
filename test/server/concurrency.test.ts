import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initDb, startServerProcess, type ServerProcess } from './process.ts';
import { ENGINE, assertNoFreeStartLeft, freshDatabase, type TestDatabase } from './database.ts';

const ALL_DAY = [['00:00', '24:00']];
const WEEK = { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY };

describe(`concurrent bookings against a real server process and its database (${ENGINE})`, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let session: string;
  let serviceId: string;
  // Two days from now at 10:00 UTC: on the grid, past any notice, inside the horizon.
  const day = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 2 * 86_400_000);
  const at = (hh: string) => `${day.toISOString().slice(0, 10)}T${hh}:00:00Z`;

  before(async () => {
    db = await freshDatabase();
    const { secret_key: sk } = await initDb(db.path, undefined, undefined, db.env);
    server = await startServerProcess(db.path, {
      ...db.env,
      RATE_LIMIT_SESSION_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_HOUR: '0', RATE_LIMIT_ADMIN_PER_MINUTE: '0',
    });
    const admin = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${sk}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
      return res.json();
    };
    const staff = await admin('POST', '/staff', { name: 'Solo' });
    await admin('PUT', `/staff/${staff.id}/schedule`, { weekly: WEEK });
    serviceId = (await admin('POST', '/services', { name: 'Consultation', duration_minutes: 60, slot_interval_minutes: 15, staff_ids: [staff.id] })).id;
    const pk = await admin('POST', '/api-keys', { name: 'pk', type: 'publishable' });
    const res = await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${pk.key}` } });
    session = ((await res.json()) as { session_token: string }).session_token;
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  const book = (start: string, email: string) =>
    fetch(`${server.url}/api/v1/bookings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ service_id: serviceId, start, timezone: 'UTC', customer: { name: 'Racer', email } }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) }));

  it('gives exactly one 201 and 99 × 409 slot_taken to 100 simultaneous requests for one slot', async () => {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => book(at('10'), `racer${i}@example.com`)));
    const ms = performance.now() - started;
    const created = results.filter((r) => r.status === 201);
    const taken = results.filter((r) => r.status === 409 && r.body.error.code === 'slot_taken');
    console.log(`# ${ENGINE}: 100 concurrent POST /bookings for one slot: ${created.length} × 201, ${taken.length} × 409 in ${ms.toFixed(0)} ms`);
    assert.equal(created.length, 1);
    assert.equal(taken.length, 99);
    const [rows] = await db.query<{ n: number | string }>('select count(*) as n from bookings where start_ms = ?', [Date.parse(at('10'))]);
    assert.equal(Number(rows.n), 1);
  });

  it('never stores two overlapping bookings for one staff member, whatever the interleaving', async () => {
    // Ten starts 15 minutes apart, each a 60-minute booking: many overlap, some only touch.
    const base = Date.parse(at('14'));
    const starts = Array.from({ length: 10 }, (_, i) => new Date(base + i * 15 * 60_000).toISOString());
    const results = await Promise.all(starts.flatMap((s, i) => Array.from({ length: 5 }, (_, j) => book(s, `o${i}-${j}@example.com`))));
    assert.ok(results.every((r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'slot_taken')));
    const rows = (await db.query<{ start_ms: number | string; end_ms: number | string }>("select start_ms, end_ms from bookings where status = 'confirmed' order by start_ms"))
      .map((r) => ({ start_ms: Number(r.start_ms), end_ms: Number(r.end_ms) }));
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i].start_ms >= rows[i - 1].end_ms, 'bookings overlap');
    const later = rows.filter((r) => r.start_ms >= base);
    assert.equal(later.length, results.filter((r) => r.status === 201).length);
    // 14:00 then 15:30 leaves no room for a third; any order leaves at least two.
    assertNoFreeStartLeft(starts, later, 3600_000, 2);
  });
});
