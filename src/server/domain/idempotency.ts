import { createHash } from 'node:crypto';
import type { Tx } from '../store/db.ts';
import { ApiError } from '../http/errors.ts';
import type { Scope } from './catalog.ts';

/** A first request that has not finished within this long is taken to have died with its process. */
const STALE_MS = 60_000;
/** Keys are kept at least 24 hours (API.md); rows older than two days are swept. */
const KEEP_MS = 48 * 3600 * 1000;

export interface StoredResponse { status: number; body: unknown; headers: Record<string, string> }

export const requestHash = (body: unknown): string => createHash('sha256').update(stableJson(body)).digest('base64url');

/**
 * Claims `key` for this request. Returns the stored response when the same request already
 * finished; throws `idempotency_mismatch` for a different body under the same key, and
 * `idempotency_in_progress` while the first request still runs.
 */
export async function claim(db: Tx, scope: Scope, key: string, hash: string, now: number): Promise<StoredResponse | undefined> {
  const where = db.selectFrom('idempotency_keys').selectAll()
    .where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('key', '=', key);
  const row = await where.executeTakeFirst();
  if (row && row.request_hash !== hash) {
    throw new ApiError('idempotency_mismatch', 'This Idempotency-Key was already used with a different request body');
  }
  if (row?.state === 'done') {
    return { status: row.status_code!, body: JSON.parse(row.response_body!) as unknown, headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string> };
  }
  if (row && now - row.created_at < STALE_MS) {
    throw new ApiError('idempotency_in_progress', 'A request with this Idempotency-Key is still being processed', undefined, { 'Retry-After': '1' });
  }
  if (row) {
    await db.updateTable('idempotency_keys').set({ created_at: now })
      .where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('key', '=', key).execute();
  } else {
    await db.deleteFrom('idempotency_keys').where('created_at', '<', now - KEEP_MS).execute();
    await db.insertInto('idempotency_keys').values({
      business_id: scope.businessId, mode: scope.mode, key, request_hash: hash, state: 'in_progress',
      status_code: null, response_body: null, response_headers: null, created_at: now,
    }).execute();
  }
  return undefined;
}

/** Records the final answer; called inside the same transaction as the write it describes. */
export async function finish(db: Tx, scope: Scope, key: string, res: StoredResponse): Promise<void> {
  await db.updateTable('idempotency_keys')
    .set({ state: 'done', status_code: res.status, response_body: JSON.stringify(res.body), response_headers: JSON.stringify(res.headers) })
    .where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('key', '=', key).execute();
}

/** Gives the key back after an unexpected failure, so the client's retry can run afresh. */
export async function release(db: Tx, scope: Scope, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys')
    .where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('key', '=', key).where('state', '=', 'in_progress').execute();
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` are the same request. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
