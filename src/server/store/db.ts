import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Transaction } from 'kysely';
import { migrationsFor, type Dialect } from './migrations.ts';
import { withStatementCache } from './statements.ts';
import type { DB } from './schema.ts';

export type Tx = Kysely<DB> | Transaction<DB>;

export type { Dialect } from './migrations.ts';

export interface Store {
  dialect: Dialect;
  db: Kysely<DB>;
  /**
   * Runs `fn` as one write transaction that no other writer of the same `scope` can interleave
   * with. The slot check and the insert of a hold or booking go through here, which is what makes
   * double booking impossible: there is no window between reading "free" and writing "taken".
   * Routes pass the business id as the scope (calendars never span businesses); SQLite
   * serialises every write whatever the scope, PostgreSQL one lock per scope.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, scope?: string): Promise<T>;
  /** The PostgreSQL pool, shared with the rate limiter's counters; absent on SQLite. */
  pgPool?: import('pg').Pool;
  /** Resolves when the database answers a query; the readiness check calls it. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `DATABASE_URL=postgres://…` selects PostgreSQL; anything else is the embedded SQLite file.
 * The PostgreSQL driver is loaded only when asked for.
 */
export async function openStore(target: { databaseUrl?: string | undefined; sqlitePath: string; postgres?: import('./postgres.ts').PostgresOptions }): Promise<Store> {
  if (target.databaseUrl) {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres(target.databaseUrl, target.postgres);
  }
  return openSqlite(target.sqlitePath);
}

/**
 * Opens (creating if missing) the embedded SQLite database and brings its schema up to date.
 * SQLite-only SQL lives in this file; everything else goes through the query builder.
 */
export async function openSqlite(path: string): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const native = new SQLite(path);
  native.pragma('journal_mode = WAL');
  native.pragma('foreign_keys = ON');
  native.pragma('synchronous = NORMAL');
  // Another process on the same file (a CLI command next to a running server) waits instead of failing.
  native.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  await migrate(db, 'sqlite');

  return {
    dialect: 'sqlite',
    db,
    // BEGIN IMMEDIATE takes the write lock up front, so a second process cannot slip a write in
    // between our read and our insert (a deferred transaction would only fail at upgrade time).
    write: (fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => {});
          throw err;
        }
      }),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** `postgres://user:secret@host/db` → `postgres://host:5432/db`: safe for logs and error messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export async function migrate(db: Kysely<DB>, dialect: Dialect): Promise<void> {
  // Unordered: the numbers are handed out per piece of work (docs/decisions), so a database that
  // already ran a later one still takes an earlier one that lands after it. Each stands alone.
  const migrator = new Migrator({ db, provider: migrationsFor(dialect), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
