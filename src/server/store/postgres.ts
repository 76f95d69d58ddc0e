import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { ApiError } from '../http/errors.ts';
import { describeUrl, migrate, type Store } from './db.ts';
import type { DB } from './schema.ts';

export interface PostgresOptions {
  /** Connections per API instance; several instances share the server's `max_connections`. */
  poolMax?: number;
  /** Server-side limit per statement (ms); a stuck query fails instead of holding a connection forever. */
  statementTimeoutMs?: number;
  /** How long to wait for a free pooled connection (ms) before the request fails. */
  connectTimeoutMs?: number;
}

/**
 * Every write first takes a transaction-scoped advisory lock on (this namespace, hash of its
 * scope), so writes of one business from all API instances run one after another, exactly as
 * `BEGIN IMMEDIATE` does on SQLite, while other businesses need not wait. Two scopes whose
 * hashes collide merely share a lock. The exclusion constraints (migration 0002) are the
 * database-level guard behind it.
 */
const LOCK_NAMESPACE = 0x626b6e67; // "bkng"

/** SQLSTATE 23P01: a row would overlap another under an exclusion constraint. */
const EXCLUSION_VIOLATION = '23P01';

/**
 * Opens a pool to PostgreSQL, proves the server answers, and brings the schema up to date.
 * PostgreSQL-only SQL lives in this file and in the PostgreSQL branch of the migrations.
 */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Store> {
  const statementTimeout = opts.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeout,
    // The client gives up a little after the server would have, in case the server never answers.
    query_timeout: statementTimeout + 2_000,
    idle_in_transaction_session_timeout: 30_000,
    application_name: 'booking-api',
    // Instants are epoch milliseconds in bigint columns; they fit a JS number exactly, so read
    // int8 as a number rather than the driver's default string.
    types: { getTypeParser: ((oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown)) as typeof pg.types.getTypeParser },
  });
  // An idle client that loses its connection emits here; without a listener that kills the process.
  pool.on('error', () => {});

  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`cannot reach PostgreSQL at ${describeUrl(url)}: ${(err as Error).message}`, { cause: err });
  }

  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres');
  } catch (err) {
    await db.destroy();
    throw err;
  }

  const inTurn = turns();
  return {
    dialect: 'postgres',
    db,
    pgPool: pool,
    write: (fn, scope = 'global') =>
      inTurn(scope, async () => {
        try {
          return await db.transaction().execute(async (tx) => {
            await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_NAMESPACE)}, hashtext(${scope}))`.execute(tx);
            return fn(tx);
          });
        } catch (err) {
          if ((err as { code?: unknown }).code === EXCLUSION_VIOLATION) {
            throw new ApiError('slot_taken', 'That time is no longer available');
          }
          throw err;
        }
      }),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * One queue per scope in this process: a write takes a pooled connection only when the writes of
 * its scope before it have finished. Without it, a burst for one business would hold every pooled
 * connection waiting on that business's advisory lock, and every other request of this instance
 * (other businesses, reads, the rate limiter) would wait for a connection until the pool gave up.
 * The advisory lock still orders the writes of different instances. A write must not start
 * another write of its own scope from inside `fn`: it would wait for itself.
 */
export function turns() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(scope: string, run: () => Promise<T>): Promise<T> => {
    const mine = (tails.get(scope) ?? Promise.resolve()).then(run);
    const tail = mine.catch(() => {});
    tails.set(scope, tail);
    void tail.then(() => tails.get(scope) === tail && tails.delete(scope));
    return mine;
  };
}
