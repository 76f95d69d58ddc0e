import type { Deps } from '../context.ts';
import type { OutboxRow } from '../store/schema.ts';
import { compose, mailerFor, type Mailer } from './email.ts';
import type { EmailKind, EmailPayload } from './outbox.ts';
import { deliverWebhook, type Attempt } from './webhooks.ts';
import { systemResolve } from './fence.ts';

const HOUR = 3600_000;
const BATCH = 20;
const EMAIL_LEASE_MS = 90_000;
/** Finished messages (and their attempts) are kept this long for the delivery log, then swept. */
export const KEEP_FINISHED_MS = 30 * 24 * HOUR;

export interface Notifier {
  /** Delivers what is due now; resolves with how many messages it tried. Tests drive it with their clock. */
  tick(): Promise<number>;
  /** Polls every `pollMs` until stopped. */
  start(): void;
  /** Stops polling and waits for the delivery in hand. */
  stop(): Promise<void>;
}

/** Capped exponential backoff with ±20 % jitter, so failing receivers are not hit in lockstep. */
export const backoffMs = (base: number, attempts: number, random = Math.random) =>
  Math.round(Math.min(HOUR, base * 2 ** Math.max(0, attempts - 1)) * (0.8 + 0.4 * random()));

/**
 * The outbox's worker. At-least-once: a message is claimed with a lease (a row update only one
 * worker can win, on SQLite and on PostgreSQL alike), delivered, then marked; a crash between
 * delivery and mark sends it again after the lease, with the same id for the receiver to
 * de-duplicate. Messages about one booking to one destination go out in the order they were
 * written: a later one waits while an earlier one is still pending (reminders excepted, which
 * wait for their time and are replaced by any change).
 */
export function notifier(deps: Deps, opts: { mailDir: string; mailer?: Mailer }): Notifier {
  const cfg = deps.config.notify;
  const { db } = deps.store;
  const mailer = opts.mailer ?? mailerFor(cfg, opts.mailDir);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  /** An earlier message about the same booking to the same destination is still on its way. */
  async function blocked(m: OutboxRow): Promise<boolean> {
    let q = db.selectFrom('outbox').select('id').where('booking_id', '=', m.booking_id).where('seq', '<', m.seq)
      .where('status', '=', 'pending').where('kind', '!=', 'reminder').where('channel', '=', m.channel);
    if (m.channel === 'webhook') q = q.where('webhook_id', '=', m.webhook_id!);
    else q = q.where('kind', m.kind.startsWith('merchant_') ? 'like' : 'not like', 'merchant%');
    return (await q.limit(1).executeTakeFirst()) !== undefined;
  }

  /** Messages to one destination about one booking share a lane: the customer, the merchant, or one endpoint. */
  const laneOf = (m: OutboxRow) =>
    `${m.booking_id}|${m.channel === 'webhook' ? m.webhook_id : m.kind.startsWith('merchant_') ? 'merchant' : 'customer'}`;

  async function send(m: OutboxRow, now: number): Promise<Attempt> {
    if (m.channel === 'webhook') {
      const hook = await db.selectFrom('webhooks').selectAll().where('id', '=', m.webhook_id!).executeTakeFirst();
      if (!hook || hook.deleted_at !== null || !hook.active) return { ok: false, final: true, statusCode: null, durationMs: 0, error: 'endpoint deleted or switched off', excerpt: null };
      return deliverWebhook(hook.url, hook.secret, m.event_id, m.payload, cfg.webhookTimeoutMs, now, { mode: hook.mode, allowLoopback: cfg.webhookAllowLoopback, resolve: deps.resolve ?? systemResolve });
    }
    const started = performance.now();
    try {
      const p = JSON.parse(m.payload) as EmailPayload;
      const business = await db.selectFrom('businesses').selectAll().where('id', '=', m.business_id).executeTakeFirstOrThrow();
      const service = await db.selectFrom('services').select('name').where('id', '=', p.booking.service_id).executeTakeFirst();
      const staff = await db.selectFrom('staff').select('name').where('id', '=', p.booking.staff_id).executeTakeFirst();
      const row = await db.selectFrom('bookings').select('locale').where('id', '=', m.booking_id).executeTakeFirst();
      if (m.kind.startsWith('merchant_') && !business.notification_email) {
        return { ok: true, statusCode: null, durationMs: 0, error: null, excerpt: 'no notification_email set: nothing to send' };
      }
      const mail = compose(m.id, m.kind as EmailKind, p, { business, serviceName: service?.name ?? '', staffName: staff?.name ?? '' }, cfg, row?.locale ?? null, now);
      await mailer.send(mail);
      return { ok: true, statusCode: null, durationMs: Math.round(performance.now() - started), error: null, excerpt: null };
    } catch (err) {
      return { ok: false, statusCode: null, durationMs: Math.round(performance.now() - started), error: String((err as Error).message ?? err).slice(0, 200), excerpt: null };
    }
  }

  async function deliver(m: OutboxRow): Promise<void> {
    const now = deps.now();
    // Long enough for one attempt to finish (a webhook is cut at its timeout; SMTP at the mailer's
    // own timeouts); after a crash the message waits this long before another worker sends it again.
    const lease = now + (m.channel === 'webhook' ? 2 * cfg.webhookTimeoutMs + 1000 : EMAIL_LEASE_MS);
    const claimed = await db.updateTable('outbox').set({ locked_until_ms: lease })
      .where('id', '=', m.id).where('status', '=', 'pending').where('locked_until_ms', '<=', now).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return;
    const a = await send(m, now);
    const done = deps.now();
    const attempt = m.attempts + 1;
    await deps.store.write(async (tx) => {
      await tx.insertInto('delivery_attempts').values({
        outbox_id: m.id, attempt, at: now, status_code: a.statusCode, duration_ms: a.durationMs, error: a.error, response_excerpt: a.excerpt,
      }).execute();
      if (a.ok) {
        await tx.updateTable('outbox').set({ status: 'delivered', attempts: attempt, delivered_at: done, locked_until_ms: 0 }).where('id', '=', m.id).execute();
        return;
      }
      const giveUp = a.final === true || done - m.created_at >= cfg.giveUpAfterMs;
      await tx.updateTable('outbox').set(giveUp
        ? { status: 'failed', attempts: attempt, locked_until_ms: 0 }
        : { attempts: attempt, next_attempt_ms: done + backoffMs(cfg.retryBaseMs, attempt), locked_until_ms: 0 }).where('id', '=', m.id).execute();
      if (giveUp && !a.final && m.channel === 'webhook') {
        const hours = Math.round((done - m.created_at) / HOUR);
        await tx.updateTable('webhooks').set({
          active: 0,
          disabled_reason: `Switched off on ${new Date(done).toISOString()}: deliveries kept failing for ${hours} hours (last attempt: ${a.error}). Fix the endpoint, switch it on again, and retry the failed deliveries.`,
        }).where('id', '=', m.webhook_id!).where('active', '=', 1).execute();
      }
    }, m.business_id);
    if (!a.ok) deps.log.info('notification attempt failed', { outbox_id: m.id, channel: m.channel, attempt, error: a.error });
  }

  let sweptAt = 0;
  async function sweep(now: number) {
    if (now - sweptAt < HOUR) return;
    sweptAt = now;
    const old = db.selectFrom('outbox').select('id').where('status', 'in', ['delivered', 'failed', 'cancelled']).where('created_at', '<', now - KEEP_FINISHED_MS);
    await db.deleteFrom('delivery_attempts').where('outbox_id', 'in', old).execute();
    await db.deleteFrom('outbox').where('status', 'in', ['delivered', 'failed', 'cancelled']).where('created_at', '<', now - KEEP_FINISHED_MS).execute();
  }

  async function tick(): Promise<number> {
    const now = deps.now();
    await sweep(now);
    const due = await db.selectFrom('outbox').selectAll()
      .where('status', '=', 'pending').where('next_attempt_ms', '<=', now).where('locked_until_ms', '<=', now)
      .orderBy('seq').limit(BATCH).execute();
    let tried = 0;
    const lanes = new Map<string, OutboxRow[]>();
    for (const m of due) lanes.set(laneOf(m), [...(lanes.get(laneOf(m)) ?? []), m]);
    // Lanes side by side; inside one, in order, each message only once nothing earlier is pending.
    await Promise.all([...lanes.values()].map(async (lane) => {
      for (const m of lane) {
        if (m.kind !== 'reminder' && (await blocked(m))) break;
        tried++;
        await deliver(m);
      }
    }));
    return tried;
  }

  const loop = () => {
    if (stopped) return;
    running = tick().catch((err) => {
      deps.log.error('notification worker', { error: String((err as Error)?.message ?? err) });
      return 0;
    });
    void running.then((n) => {
      if (!stopped) timer = setTimeout(loop, n >= BATCH ? 0 : cfg.pollMs);
    });
  };

  return {
    tick,
    start() {
      stopped = false;
      timer = setTimeout(loop, 0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      mailer.close();
    },
  };
}
