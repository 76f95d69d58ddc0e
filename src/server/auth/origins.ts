import type { Deps } from '../context.ts';
import { allowedOrigins } from './keys.ts';

/** `null` (sandboxed frames, file: pages) is never an allowed origin, whatever a list says. */
export function originAllowedByList(list: string[], origin: string | undefined): boolean {
  if (!origin || origin === 'null') return false;
  return list.length === 0 || list.includes(origin);
}

/**
 * Whether any active publishable key accepts this origin. Preflights carry no credential, so
 * this is all they can be judged by; the real request is then judged by its own key or session.
 * Cached briefly: preflights arrive in bursts, and a revoked key only widens nothing.
 */
export function knownOrigins(deps: Pick<Deps, 'store' | 'now'>, ttlMs = 5000) {
  let cache: { at: number; lists: string[][] } | undefined;
  return async (origin: string | undefined): Promise<boolean> => {
    if (!cache || deps.now() - cache.at > ttlMs) {
      const rows = await deps.store.db.selectFrom('api_keys').select('allowed_origins')
        .where('type', '=', 'publishable').where('status', '=', 'active').execute();
      cache = { at: deps.now(), lists: rows.map(allowedOrigins) };
    }
    return cache.lists.some((list) => originAllowedByList(list, origin));
  };
}
