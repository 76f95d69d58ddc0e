import { WEBHOOK_EVENTS, type Webhook, type WebhookCreate, type WebhookDelivery, type WebhookEventType, type WebhookPatch } from '../../contract/index.ts';
import type { Deps, SecretPrincipal } from '../context.ts';
import { newId } from '../auth/tokens.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Tx } from '../store/db.ts';
import type { DeliveryAttemptRow, Mode, OutboxRow, WebhookRow } from '../store/schema.ts';
import { iso } from '../time.ts';
import { newWebhookSecret } from '../notify/webhooks.ts';
import { destinationProblem, systemResolve } from '../notify/fence.ts';
import type { Scope } from './catalog.ts';

const webhookOut = (w: WebhookRow): Webhook => ({
  id: w.id, url: w.url, events: JSON.parse(w.events) as WebhookEventType[], active: w.active === 1, mode: w.mode,
  disabled_reason: w.disabled_reason, created_at: iso(w.created_at),
});

const deliveryOut = (m: OutboxRow, attempts: DeliveryAttemptRow[]): WebhookDelivery => ({
  id: m.id, event_id: m.event_id, event_type: m.kind as WebhookEventType, booking_id: m.booking_id,
  status: m.status === 'cancelled' ? 'failed' : m.status, next_attempt_at: m.status === 'pending' ? iso(m.next_attempt_ms) : null,
  created_at: iso(m.created_at),
  attempts: attempts.map((a) => ({ at: iso(a.at), status_code: a.status_code, duration_ms: a.duration_ms, error: a.error, response_excerpt: a.response_excerpt })),
});

async function getHook(db: Tx, scope: Scope, id: string) {
  const row = await db.selectFrom('webhooks').selectAll()
    .where('id', '=', id).where('business_id', '=', scope.businessId).where('mode', '=', scope.mode).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('Webhook');
  return row;
}

/**
 * Which URLs may receive webhooks: https to a public address (where the name resolves now); in
 * test mode also loopback, when the operator allows it. Checked again at every attempt.
 */
async function checkUrl(deps: Deps, url: string, mode: Mode) {
  const problem = await destinationProblem(url, mode, deps.config.notify.webhookAllowLoopback, deps.resolve ?? systemResolve);
  if (problem) throw invalid('url', problem);
}

export const webhookView = async (db: Tx, scope: Scope, id: string): Promise<Webhook> => webhookOut(await getHook(db, scope, id));

export async function listWebhooks(db: Tx, p: SecretPrincipal): Promise<Webhook[]> {
  const rows = await db.selectFrom('webhooks').selectAll().where('business_id', '=', p.businessId).where('mode', '=', p.mode)
    .where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
  return rows.map(webhookOut);
}

/** The signing secret is in this answer only; receivers keep it to verify `Webhook-Signature`. */
export async function createWebhook(deps: Deps, p: SecretPrincipal, body: WebhookCreate): Promise<Webhook & { secret: string }> {
  await checkUrl(deps, body.url, p.mode);
  const row: WebhookRow = {
    id: newId('wh'), business_id: p.businessId, mode: p.mode, url: body.url, events: JSON.stringify(body.events ?? WEBHOOK_EVENTS),
    active: body.active === false ? 0 : 1, secret: newWebhookSecret(), disabled_reason: null, created_at: deps.now(), deleted_at: null,
  };
  await deps.store.db.insertInto('webhooks').values(row).execute();
  return { ...webhookOut(row), secret: row.secret };
}

export async function updateWebhook(deps: Deps, p: SecretPrincipal, id: string, body: WebhookPatch): Promise<Webhook> {
  const { db } = deps.store;
  const row = await getHook(db, p, id);
  const set: Partial<WebhookRow> = {};
  if (body.url !== undefined) {
    await checkUrl(deps, body.url, p.mode);
    set.url = body.url;
  }
  if (body.events !== undefined) set.events = JSON.stringify(body.events);
  // Switching an endpoint on again clears the reason it was switched off.
  if (body.active !== undefined) Object.assign(set, { active: body.active ? 1 : 0, disabled_reason: body.active ? null : row.disabled_reason });
  if (Object.keys(set).length) await db.updateTable('webhooks').set(set).where('id', '=', row.id).execute();
  return webhookView(db, p, row.id);
}

export async function deleteWebhook(deps: Deps, p: SecretPrincipal, id: string): Promise<void> {
  const row = await getHook(deps.store.db, p, id);
  await deps.store.db.updateTable('webhooks').set({ deleted_at: deps.now(), active: 0 }).where('id', '=', row.id).execute();
}

/** The delivery log: newest first, each with its attempts (status, timing, a short excerpt of the answer). */
export async function deliveries(db: Tx, p: SecretPrincipal, id: string): Promise<WebhookDelivery[]> {
  const row = await getHook(db, p, id);
  const messages = await db.selectFrom('outbox').selectAll().where('webhook_id', '=', row.id)
    .orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(100).execute();
  const attempts = messages.length
    ? await db.selectFrom('delivery_attempts').selectAll().where('outbox_id', 'in', messages.map((m) => m.id)).orderBy('attempt').execute()
    : [];
  return messages.map((m) => deliveryOut(m, attempts.filter((a) => a.outbox_id === m.id)));
}

/**
 * Sends a delivery again now, whatever its state: a failed one after the endpoint is fixed, or
 * a delivered one a receiver lost.
 */
export async function retryDelivery(deps: Deps, p: SecretPrincipal, id: string, deliveryId: string): Promise<WebhookDelivery> {
  const { db } = deps.store;
  const row = await getHook(db, p, id);
  const m = await db.selectFrom('outbox').selectAll().where('id', '=', deliveryId).where('webhook_id', '=', row.id).executeTakeFirst();
  if (!m) throw notFound('Delivery');
  await db.updateTable('outbox').set({ status: 'pending', next_attempt_ms: deps.now(), locked_until_ms: 0 }).where('id', '=', m.id).execute();
  const fresh = await db.selectFrom('outbox').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
  const attempts = await db.selectFrom('delivery_attempts').selectAll().where('outbox_id', '=', m.id).orderBy('attempt').execute();
  return deliveryOut(fresh, attempts);
}
