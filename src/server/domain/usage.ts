import type { Usage } from '../../contract/index.ts';
import type { Store, Tx } from '../store/db.ts';
import type { Scope } from './catalog.ts';
import { DAY_MS } from '../time.ts';

/**
 * Requests per key and UTC day, with how many were refused by a rate limit. The hot path only
 * adds to a map in memory; the sums are written with one upsert per key and day every
 * `FLUSH_MS` (and before a read of the usage, and on shutdown), so a busy widget costs a few
 * statements a minute, not one per request. Several instances add their own sums to the same rows.
 */
export interface UsageCounter {
  count(keyId: string, rateLimited: boolean): void;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

const FLUSH_MS = 10_000;

export function usageCounter(store: Store, now: () => number): UsageCounter {
  let pending = new Map<string, { keyId: string; day: string; requests: number; rateLimited: number }>();
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => (flushing = flushing.then(async () => {
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    try {
      for (const u of batch) {
        await store.db.insertInto('key_usage').values({ key_id: u.keyId, day: u.day, requests: u.requests, rate_limited: u.rateLimited })
          .onConflict((oc) => oc.columns(['key_id', 'day']).doUpdateSet((eb) => ({
            requests: eb('key_usage.requests', '+', eb.ref('excluded.requests')),
            rate_limited: eb('key_usage.rate_limited', '+', eb.ref('excluded.rate_limited')),
          }))).execute();
      }
    } catch {
      // The database is away (or closing): the counts are only a report, so they are dropped
      // rather than held without bound.
    }
  }));
  const timer = setInterval(() => void flush(), FLUSH_MS);
  timer.unref();
  return {
    count(keyId, rateLimited) {
      const day = new Date(now()).toISOString().slice(0, 10);
      const k = `${keyId} ${day}`;
      const u = pending.get(k) ?? { keyId, day, requests: 0, rateLimited: 0 };
      u.requests++;
      if (rateLimited) u.rateLimited++;
      pending.set(k, u);
    },
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

/** The last `days` UTC days (today included) of every key of this business and mode, newest day first. */
export async function listUsage(db: Tx, scope: Scope, days: number, now: number): Promise<Usage[]> {
  const since = new Date(now - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const rows = await db.selectFrom('key_usage').innerJoin('api_keys', 'api_keys.id', 'key_usage.key_id')
    .select(['key_usage.key_id', 'key_usage.day', 'key_usage.requests', 'key_usage.rate_limited'])
    .where('api_keys.business_id', '=', scope.businessId).where('api_keys.mode', '=', scope.mode).where('key_usage.day', '>=', since)
    .orderBy('key_usage.day', 'desc').orderBy('key_usage.key_id').execute();
  return rows.map((r) => ({ key_id: r.key_id, day: r.day, requests: Number(r.requests), rate_limited: Number(r.rate_limited) }));
}
