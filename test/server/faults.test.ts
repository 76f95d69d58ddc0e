// Faults in the layer under the API: the database locked by another process past the server's
// wait (the SQLite file, or a PostgreSQL table). The client gets a clear, retryable error with no stack trace, nothing is
// half-written, and the very same request books once the lock is gone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { SHOP, booking, expectError, idemKey, ok, shop, type Harness } from './helpers.ts';

/** Another process takes the lock the booking needs and keeps it until `release`. */
async function lockFromOutside(database: Harness['database']): Promise<() => Promise<void>> {
  if (database.engine === 'sqlite') {
    const other = new SQLite(database.path);
    other.pragma('busy_timeout = 0');
    other.exec('BEGIN EXCLUSIVE');
    return () => {
      other.exec('ROLLBACK');
      other.close();
      return Promise.resolve();
    };
  }
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  await other.query('BEGIN');
  await other.query('LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE');
  return async () => {
    await other.query('ROLLBACK');
    await other.end();
  };
}

describe('a locked database', () => {
  it('answers a retryable 500 envelope while another process holds the lock, writes nothing, and books the same request after', async () => {
    const s = await shop();
    const key = idemKey();
    const body = booking(s.serviceId, '2027-03-02T10:00:00+01:00');
    const send = () => s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'idempotency-key': key }, body });

    // Another process (a backup script, a migration, a CLI) takes the lock and keeps it.
    const release = await lockFromOutside(s.h.database);
    let r;
    try {
      r = await send();
    } finally {
      await release();
    }
    expectError(r, 500, 'internal');
    assert.equal(r.headers.get('retry-after'), '1');
    assert.match(r.body.error.message, /busy/);
    assert.doesNotMatch(JSON.stringify(r.body), /SQLITE|statement|canceling|at .*\.ts/);
    const stored = await s.h.store.db.selectFrom('bookings').select('id').execute();
    assert.equal(stored.length, 0);

    const created = await ok(send(), 201);
    assert.equal(created.booking.start, '2027-03-02T09:00:00.000Z');
    const integrity = await s.h.store.db.selectFrom('bookings').select('id').execute();
    assert.equal(integrity.length, 1);
  });
});

describe('a full disk', () => {
  it('answers a clear 500 envelope, keeps nothing of the failed booking, and books the same request once the disk has room', async () => {
    const s = await shop();
    const key = idemKey();
    const body = booking(s.serviceId, '2027-03-02T11:00:00+01:00');
    const send = () => s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'idempotency-key': key }, body });
    const count = async (tx: Parameters<Parameters<Harness['store']['write']>[0]>[0]) =>
      Number((await tx.selectFrom('bookings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    // A test double of the file layer only: the write that adds a booking fails at its end with
    // the error the driver raises on a full disk (no real disk can be filled safely here).
    let full = true;
    const write = s.h.store.write.bind(s.h.store);
    s.h.store.write = (fn, scope) => write(async (tx) => {
      const before = await count(tx);
      const result = await fn(tx);
      if (full && (await count(tx)) > before) throw Object.assign(new Error('database or disk is full'), { code: s.h.database.engine === 'sqlite' ? 'SQLITE_FULL' : '53100' });
      return result;
    }, scope);

    const r = await send();
    expectError(r, 500, 'internal');
    assert.match(r.body.error.message, /cannot save/);
    assert.doesNotMatch(JSON.stringify(r.body), /SQLITE|disk is full|at .*\.ts/);
    assert.equal((await s.h.store.db.selectFrom('bookings').select('id').execute()).length, 0);
    const claims = await s.h.store.db.selectFrom('idempotency_keys').select('state').where('key', '=', key).execute();
    assert.ok(claims.every((c) => c.state !== 'done'), 'no finished answer recorded for a booking that was not kept');

    full = false;
    const created = await ok(send(), 201);
    assert.equal(created.booking.start, '2027-03-02T10:00:00.000Z');
    assert.equal((await s.h.store.db.selectFrom('bookings').select('id').execute()).length, 1);
  });
});
