import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { SHOP, booking, expectError, idemKey, ok, shop } from '../helpers.ts';
import { ENGINE } from '../database.ts';

// PostgreSQL only: the API instance's connection pool runs dry (every connection taken by other
// work for longer than the pool waits). The client gets the same retryable "busy" answer as for a
// lock held too long, not an unexplained 500, and the same request books once connections free up.
assert.equal(ENGINE, 'postgres', 'run through npm run test:server:pg (TEST_DATABASE=postgres)');

describe('a PostgreSQL pool with no free connection', () => {
  it('answers the retryable busy envelope with Retry-After, writes nothing, and books the same request after', async () => {
    const s = await shop();
    const pool = s.h.store.pgPool!;
    const key = idemKey();
    const send = () => s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'idempotency-key': key }, body: booking(s.serviceId, '2027-03-02T10:00:00+01:00') });

    const taken: pg.PoolClient[] = [];
    let r;
    try {
      // The pool's default size is 10; take them all.
      while (pool.totalCount < 10 || pool.idleCount > 0) taken.push(await pool.connect());
      r = await send();
    } finally {
      for (const c of taken) c.release();
    }
    expectError(r, 500, 'internal');
    assert.equal(r.headers.get('retry-after'), '1');
    assert.match(r.body.error.message, /busy/);
    assert.doesNotMatch(JSON.stringify(r.body), /timeout exceeded|pg-pool|at .*\.ts/);
    assert.equal((await s.h.store.db.selectFrom('bookings').select('id').execute()).length, 0);

    const created = await ok(send(), 201);
    assert.equal(created.booking.start, '2027-03-02T09:00:00.000Z');
  });
});
