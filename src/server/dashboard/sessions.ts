import { randomToken, hashToken, sameHash } from '../auth/tokens.ts';
import type { Deps } from '../context.ts';
import type { OperatorSessionRow } from '../store/schema.ts';

/**
 * Dashboard sessions live on the server: the cookie holds 192 random bits, the database only
 * their SHA-256 digest, so signing out (or removing the operator) ends a session everywhere at
 * once. A session ends after `IDLE_MS` without a request and `ABSOLUTE_MS` after sign-in,
 * whichever comes first, judged by the injected clock.
 */
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 3600_000;
/** `last_seen_at` is written at most once a minute per session, not on every request. */
const TOUCH_MS = 60_000;

export async function startSession(deps: Deps, operatorId: string): Promise<{ cookie: string; csrf: string }> {
  const cookie = randomToken();
  const csrf = randomToken();
  const now = deps.now();
  await deps.store.write(async (tx) => {
    // Sessions of this operator that have ended are forgotten as they sign in again.
    await tx.deleteFrom('operator_sessions').where('operator_id', '=', operatorId)
      .where((eb) => eb.or([eb('last_seen_at', '<=', now - IDLE_MS), eb('created_at', '<=', now - ABSOLUTE_MS)])).execute();
    await tx.insertInto('operator_sessions').values({ id_hash: hashToken(cookie), operator_id: operatorId, csrf_token: csrf, created_at: now, last_seen_at: now }).execute();
  });
  return { cookie, csrf };
}

/** The live session behind a cookie value, or undefined (unknown, idle too long, or too old: then deleted). */
export async function readSession(deps: Deps, cookie: string | undefined): Promise<OperatorSessionRow | undefined> {
  if (!cookie || cookie.length > 100) return undefined;
  const idHash = hashToken(cookie);
  const row = await deps.store.db.selectFrom('operator_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  if (!row) return undefined;
  const now = deps.now();
  if (now - row.last_seen_at >= IDLE_MS || now - row.created_at >= ABSOLUTE_MS) {
    await deps.store.db.deleteFrom('operator_sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  if (now - row.last_seen_at >= TOUCH_MS) {
    await deps.store.db.updateTable('operator_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  return row;
}

export const endSession = (deps: Deps, idHash: string) =>
  deps.store.db.deleteFrom('operator_sessions').where('id_hash', '=', idHash).execute();

/** The CSRF token sent with a change, against the session's, in constant time. */
export const csrfMatches = (row: OperatorSessionRow, sent: string | undefined) => sent !== undefined && sameHash(hashToken(sent), hashToken(row.csrf_token));
