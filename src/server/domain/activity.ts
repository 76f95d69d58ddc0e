import type { Activity, ActorType } from '../../contract/index.ts';
import type { Deps, Principal } from '../context.ts';
import { newId } from '../auth/tokens.ts';
import { invalid } from '../http/errors.ts';
import type { Tx } from '../store/db.ts';
import type { Mode } from '../store/schema.ts';
import { iso } from '../time.ts';
import type { Scope } from './catalog.ts';

export interface Actor { type: ActorType; id: string | null }

export interface ActivityEntry {
  businessId: string;
  /** null: the business as a whole (its settings), shown to both modes. */
  mode: Mode | null;
  actor: Actor;
  action: string;
  target: { type: string; id: string | null };
  details?: Record<string, unknown>;
}

let counter = 0;
/**
 * Ids that sort as the entries were made: the time, then this process's count (two changes in one
 * millisecond keep their order), then randomness (other instances).
 */
const activityId = (now: number) =>
  `act_${now.toString(36).padStart(9, '0')}${(counter = (counter + 1) % 36 ** 6).toString(36).padStart(6, '0')}${newId('').slice(1, 9)}`;

export async function recordActivity(db: Tx, now: number, e: ActivityEntry): Promise<void> {
  await db.insertInto('activity').values({
    id: activityId(now), business_id: e.businessId, mode: e.mode, at: now, actor_type: e.actor.type, actor_id: e.actor.id,
    action: e.action, target_type: e.target.type, target_id: e.target.id, details: JSON.stringify(e.details ?? {}),
  }).execute();
}

/**
 * Who a secret principal stands for: the dashboard operator acting through the server, the hub key
 * or the service key that named the business (decision 016), or the business's own key.
 */
export function actorOf(p: Principal): Actor {
  if (p.kind === 'secret' && p.operatorId) return { type: 'operator', id: p.operatorId };
  if (p.kind === 'secret' && p.via?.type === 'hub_key') return { type: 'hub_key', id: p.keyId };
  if (p.kind === 'secret' && p.via?.type === 'service_key') return { type: 'service_key', id: null };
  return { type: 'secret_key', id: p.keyId };
}

/**
 * The admin changes the log records, by route: what the change is called and what it is about.
 * Bookings are recorded where they change (domain/manage.ts, the outbox's booking events), in the
 * same transaction; these are recorded by the router once the change has succeeded.
 */
const ADMIN_CHANGES: Record<string, { action: string; target: string; business?: true }> = {
  'POST /api-keys': { action: 'api_key.created', target: 'api_key' },
  'PATCH /api-keys/{id}': { action: 'api_key.updated', target: 'api_key' },
  'DELETE /api-keys/{id}': { action: 'api_key.revoked', target: 'api_key' },
  'PATCH /business': { action: 'business.updated', target: 'business', business: true },
  'POST /services': { action: 'service.created', target: 'service' },
  'PATCH /services/{id}': { action: 'service.updated', target: 'service' },
  'DELETE /services/{id}': { action: 'service.deleted', target: 'service' },
  'POST /staff': { action: 'staff.created', target: 'staff' },
  'PATCH /staff/{id}': { action: 'staff.updated', target: 'staff' },
  'DELETE /staff/{id}': { action: 'staff.deleted', target: 'staff' },
  'PUT /staff/{id}/schedule': { action: 'staff.hours_updated', target: 'staff' },
  'POST /webhooks': { action: 'webhook.created', target: 'webhook' },
  'PATCH /webhooks/{id}': { action: 'webhook.updated', target: 'webhook' },
  'DELETE /webhooks/{id}': { action: 'webhook.deleted', target: 'webhook' },
  'POST /webhooks/{id}/deliveries/{delivery_id}/retry': { action: 'webhook.delivery_retried', target: 'webhook' },
};

/**
 * Records an admin route's change once it has answered. `path` is the route's path without the
 * base; the details name the fields that were sent, never their values (a secret could be one).
 */
export async function recordAdminChange(deps: Deps, principal: Principal | undefined, method: string, path: string, params: Record<string, string>, body: unknown, answer: unknown) {
  if (principal?.kind !== 'secret' || method === 'get') return;
  const change = ADMIN_CHANGES[`${method.toUpperCase()} ${path}`];
  if (!change) return;
  const id = params.id ?? (answer && typeof answer === 'object' && 'id' in answer ? String(answer.id) : null);
  const fields = body && typeof body === 'object' ? Object.keys(body).sort() : [];
  await recordActivity(deps.store.db, deps.now(), {
    businessId: principal.businessId, mode: change.business ? null : principal.mode, actor: actorOf(principal), action: change.action,
    target: { type: change.target, id: change.business ? principal.businessId : id },
    details: { ...(fields.length ? { fields } : {}), ...(params.delivery_id ? { delivery_id: params.delivery_id } : {}) },
  });
}

/** A page's position: the last entry's time and id, opaque to clients. */
const cursorOf = (at: number, id: string) => Buffer.from(`${at}:${id}`).toString('base64url');
function readCursor(cursor: string): { at: number; id: string } {
  const m = /^(\d{1,16}):([\w-]{1,64})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw invalid('cursor', 'Must be a next_cursor from an earlier answer');
  return { at: Number(m[1]), id: m[2] };
}

/** Newest first, this mode's entries and the business-wide ones, `limit` at a time. */
export async function listActivity(db: Tx, scope: Scope, q: { limit?: number | undefined; cursor?: string | undefined }): Promise<{ data: Activity[]; next_cursor: string | null }> {
  const limit = q.limit ?? 50;
  let query = db.selectFrom('activity').selectAll().where('business_id', '=', scope.businessId)
    .where((eb) => eb.or([eb('mode', '=', scope.mode), eb('mode', 'is', null)]));
  if (q.cursor) {
    const c = readCursor(q.cursor);
    query = query.where((eb) => eb.or([eb('at', '<', c.at), eb.and([eb('at', '=', c.at), eb('id', '<', c.id)])]));
  }
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({
      id: r.id, at: iso(r.at), actor: { type: r.actor_type, id: r.actor_id }, action: r.action,
      target: { type: r.target_type, id: r.target_id }, details: JSON.parse(r.details) as Record<string, unknown>,
    })),
    next_cursor: rows.length > limit && last ? cursorOf(last.at, last.id) : null,
  };
}
