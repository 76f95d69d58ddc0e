import type { Deps } from '../context.ts';
import type { ApiKeyRow } from '../store/schema.ts';
import { allowedOrigins } from './keys.ts';

type KeyOrigins = Pick<ApiKeyRow, 'allowed_origins' | 'mode'>;

/**
 * A test key with an empty list is open to every origin (a developer trying the widget on any
 * page). A live key never is: it needs a list, and one left empty (from before that rule)
 * allows no origin at all.
 */
export const openToAnyOrigin = (key: KeyOrigins): boolean => key.mode === 'test' && allowedOrigins(key).length === 0;

/** `null` (sandboxed frames, file: pages) is never an allowed origin, whatever a list says. */
export function originAllowed(key: KeyOrigins, origin: string | null | undefined): boolean {
  if (!origin || origin === 'null') return false;
  return openToAnyOrigin(key) || allowedOrigins(key).includes(origin);
}

/**
 * Whether any active publishable key accepts this origin. Preflights carry no credential, so
 * this is all they can be judged by; the real request is then judged by its own key or session.
 * Cached briefly: preflights arrive in bursts, and a revoked key only widens nothing.
 */
export function knownOrigins(deps: Pick<Deps, 'store' | 'now'>, ttlMs = 5000) {
  let cache: { at: number; keys: KeyOrigins[] } | undefined;
  return async (origin: string | undefined): Promise<boolean> => {
    if (!cache || deps.now() - cache.at > ttlMs) {
      const rows = await deps.store.db.selectFrom('api_keys').select(['allowed_origins', 'mode'])
        .where('type', '=', 'publishable').where('status', '=', 'active').execute();
      cache = { at: deps.now(), keys: rows };
    }
    return cache.keys.some((key) => originAllowed(key, origin));
  };
}
