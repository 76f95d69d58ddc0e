import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import SQLite from 'better-sqlite3';

/**
 * Which engine the server suite runs on: `TEST_DATABASE=postgres` (npm run test:server:pg) or
 * the embedded SQLite default. On PostgreSQL every harness gets a database of its own, created
 * here and dropped afterwards, so runs and test files never see each other's rows.
 */
export const ENGINE: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

/**
 * The server that test databases are created on; the database in the URL only serves to connect.
 * `npm run test:server:pg` and `test:multi` run through test/setup/postgres.mjs, which points
 * this at an embedded PostgreSQL of their own when nothing answers here.
 */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  engine: 'sqlite' | 'postgres';
  /** For the SQLite engine, the file; `--db` of the CLI. */
  path: string;
  /** For the PostgreSQL engine, its URL; `DATABASE_URL` of the CLI. */
  url?: string;
  /** Environment that points `booking-api` processes at this database. */
  env: Record<string, string>;
  /** Runs SQL with `?` placeholders on either engine and returns the rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    // Never a skip: a PostgreSQL run without PostgreSQL is a failed run.
    throw new Error(`PostgreSQL at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')} (TEST_DATABASE_URL) is unreachable: ${(err as Error).message}; run through \`npm run test:server:pg\` or \`npm run test:multi\` (or \`node test/setup/postgres.mjs <command>\`), which start an embedded PostgreSQL when none answers`, { cause: err });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database (`bw_test_<random>`) on the test server. */
export async function freshPostgres(): Promise<TestDatabase> {
  const name = `bw_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  let pool: pg.Pool | undefined;
  return {
    engine: 'postgres', path: '', url, env: { DATABASE_URL: url },
    async query(text, params = []) {
      pool ??= new pg.Pool({ connectionString: url, max: 2 });
      let n = 0;
      const res = await pool.query(text.replace(/\?/g, () => `$${++n}`), params);
      return res.rows;
    },
    async drop() {
      await pool?.end();
      await admin(async (c) => {
        // A pool's end() resolves before the server has closed its backends; forcing the drop
        // while one still closes sends its client a FATAL that nobody listens for any more.
        for (let i = 0; i < 100; i++) {
          const { rows } = await c.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
          if (rows[0].n === 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}

/** A fresh SQLite file in a temporary directory. */
export function freshSqlite(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'booking-test-'));
  const path = join(dir, 'test.db');
  return {
    engine: 'sqlite', path, env: {},
    // better-sqlite3 is synchronous; a throw here still reaches the caller as a rejection.
    query(text, params = []) {
      return new Promise<never[]>((resolve) => {
        const file = new SQLite(path, { readonly: true });
        try {
          resolve(file.prepare(text).all(...params) as never[]);
        } finally {
          file.close();
        }
      });
    },
    drop() {
      return new Promise<void>((resolve) => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      });
    },
  };
}

/** A fresh database on the engine this run tests. */
export const freshDatabase = (): Promise<TestDatabase> => (ENGINE === 'postgres' ? freshPostgres() : Promise.resolve(freshSqlite()));

/**
 * After a race of several requests per start, with nothing cancelled: whichever starts won (that
 * depends on arrival order), no start is left free. Each start whose every request was refused
 * overlaps a stored booking of `durationMs`, and at least `atLeast` were booked.
 */
export function assertNoFreeStartLeft(starts: string[], rows: { start_ms: number | string; end_ms: number | string }[], durationMs: number, atLeast: number) {
  for (const s of starts) {
    const t = Date.parse(s);
    assert.ok(rows.some((r) => t < Number(r.end_ms) && t + durationMs > Number(r.start_ms)), `${s} was refused although it was free`);
  }
  assert.ok(rows.length >= atLeast, `at least ${atLeast} fit (${rows.length} booked)`);
}
