import type SQLite from 'better-sqlite3';

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements kept by their SQL text.
 * Kysely prepares every query afresh, and preparing was a visible share of a read route's cost;
 * the query builder produces a small, fixed set of SQL strings (values travel as parameters), so
 * the cache stays small. A statement still iterating (Kysely's streaming) is not handed out twice.
 */
export function withStatementCache(native: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) return cached;
    const stmt = native.prepare(source);
    if (cache.size >= max) cache.delete(cache.keys().next().value!);
    cache.set(source, stmt);
    return stmt;
  };
  return new Proxy(native, {
    get(target, key) {
      if (key === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
