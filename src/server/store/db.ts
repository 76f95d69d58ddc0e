import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Transaction } from 'kysely';
import { migrationProvider } from './migrations.ts';
import type { DB } from './schema.ts';

export type Tx = Kysely<DB> | Transaction<DB>;

export interface Store {
  db: Kysely<DB>;
  /**
   * Runs `fn` as one write transaction that no other writer can interleave with. The slot check
   * and the insert of a hold or booking go through here, which is what makes double booking
   * impossible: there is no window between reading "free" and writing "taken".
   */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
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
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: native }) });
  await migrate(db);

  return {
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
    close: () => db.destroy(),
  };
}

export async function migrate(db: Kysely<DB>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
