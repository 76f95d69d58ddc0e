import type { Hono } from 'hono';
import { WEBHOOK_EVENTS, WebhookCreate, WebhookPatch, type Webhook, type WebhookDelivery, type WebhookEventType } from '../../contract/index.ts';
import type { AppEnv, Deps } from '../context.ts';
import { requireAuth } from '../auth/authenticate.ts';
import { newId } from '../auth/tokens.ts';
import { readBody } from '../http/validate.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Scope } from '../domain/catalog.ts';
import type { Tx } from '../store/db.ts';
import type { DeliveryAttemptRow, OutboxRow, WebhookRow } from '../store/schema.ts';
import { newWebhookSecret, webhookUrlProblem } from '../notify/webhooks.ts';

const iso = (ms: number) => new Date(ms).toISOString();

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

function checkUrl(url: string, mode: 'test' | 'live') {
  const problem = webhookUrlProblem(url, mode);
  if (problem) throw invalid('url', problem);
}

export function webhookRoutes(api: Hono<AppEnv>, deps: Deps) {
  const admin = requireAuth(deps, ['secret']);
  const { db } = deps.store;

  api.get('/webhooks', admin, async (c) => {
    const p = c.get('principal');
    const rows = await db.selectFrom('webhooks').selectAll().where('business_id', '=', p.businessId).where('mode', '=', p.mode)
      .where('deleted_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    return c.json({ data: rows.map(webhookOut) });
  });

  // The signing secret is in this answer only; receivers keep it to verify `Webhook-Signature`.
  api.post('/webhooks', admin, async (c) => {
    const p = c.get('principal');
    const body = await readBody(c, WebhookCreate);
    checkUrl(body.url, p.mode);
    const row: WebhookRow = {
      id: newId('wh'), business_id: p.businessId, mode: p.mode, url: body.url, events: JSON.stringify(body.events ?? WEBHOOK_EVENTS),
      active: body.active === false ? 0 : 1, secret: newWebhookSecret(), disabled_reason: null, created_at: deps.now(), deleted_at: null,
    };
    await db.insertInto('webhooks').values(row).execute();
    return c.json({ ...webhookOut(row), secret: row.secret }, 201);
  });

  api.get('/webhooks/:id', admin, async (c) => c.json(webhookOut(await getHook(db, c.get('principal'), c.req.param('id')))));

  api.patch('/webhooks/:id', admin, async (c) => {
    const p = c.get('principal');
    const row = await getHook(db, p, c.req.param('id'));
    const body = await readBody(c, WebhookPatch);
    const set: Partial<WebhookRow> = {};
    if (body.url !== undefined) {
      checkUrl(body.url, p.mode);
      set.url = body.url;
    }
    if (body.events !== undefined) set.events = JSON.stringify(body.events);
    // Switching an endpoint on again clears the reason it was switched off.
    if (body.active !== undefined) Object.assign(set, { active: body.active ? 1 : 0, disabled_reason: body.active ? null : row.disabled_reason });
    if (Object.keys(set).length) await db.updateTable('webhooks').set(set).where('id', '=', row.id).execute();
    return c.json(webhookOut(await getHook(db, p, row.id)));
  });

  api.delete('/webhooks/:id', admin, async (c) => {
    const row = await getHook(db, c.get('principal'), c.req.param('id'));
    await db.updateTable('webhooks').set({ deleted_at: deps.now(), active: 0 }).where('id', '=', row.id).execute();
    return c.body(null, 204);
  });

  // The delivery log: newest first, each with its attempts (status, timing, a short excerpt of the answer).
  api.get('/webhooks/:id/deliveries', admin, async (c) => {
    const row = await getHook(db, c.get('principal'), c.req.param('id'));
    const messages = await db.selectFrom('outbox').selectAll().where('webhook_id', '=', row.id)
      .orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(100).execute();
    const attempts = messages.length
      ? await db.selectFrom('delivery_attempts').selectAll().where('outbox_id', 'in', messages.map((m) => m.id)).orderBy('attempt').execute()
      : [];
    return c.json({ data: messages.map((m) => deliveryOut(m, attempts.filter((a) => a.outbox_id === m.id))) });
  });

  // Sends a delivery again now, whatever its state: a failed one after the endpoint is fixed, or
  // a delivered one a receiver lost.
  api.post('/webhooks/:id/deliveries/:delivery_id/retry', admin, async (c) => {
    const row = await getHook(db, c.get('principal'), c.req.param('id'));
    const m = await db.selectFrom('outbox').selectAll().where('id', '=', c.req.param('delivery_id')).where('webhook_id', '=', row.id).executeTakeFirst();
    if (!m) throw notFound('Delivery');
    await db.updateTable('outbox').set({ status: 'pending', next_attempt_ms: deps.now(), locked_until_ms: 0 }).where('id', '=', m.id).execute();
    const fresh = await db.selectFrom('outbox').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
    const attempts = await db.selectFrom('delivery_attempts').selectAll().where('outbox_id', '=', m.id).orderBy('attempt').execute();
    return c.json(deliveryOut(fresh, attempts), 202);
  });
}
