import type { Deps } from '../context.ts';
import type { OutboxRow } from '../store/schema.ts';
import { compose, mailerFor, type Mailer } from './email.ts';
import { manageLink, type EmailKind, type EmailPayload } from './outbox.ts';
import { deliverWebhook, type Attempt } from './webhooks.ts';
import { systemResolve } from './fence.ts';
import { composeAccountMail, isAccountMail, issueSecret, type AccountMailPayload } from './account-mail.ts';

const HOUR = 3600_000;
/** Due messages looked at per poll: taken round-robin by business, oldest due first in each round. */
const BATCH = 20;
/** Lanes being delivered at once by one worker (each lane sends one message at a time). */
const LANES = 32;
/**
 * Webhook deliveries one business may have in flight at once. A receiver that stalls holds each
 * delivery for up to `webhookTimeoutMs`; this many is all of the worker it can hold, and its
 * other webhooks wait their turn (its emails do not).
 */
export const WEBHOOKS_IN_FLIGHT_PER_BUSINESS = 4;
/** Webhook lanes across all businesses; the rest of LANES stays free for email, whatever receivers do. */
const WEBHOOK_LANES = 24;
const EMAIL_LEASE_MS = 90_000;
/** Finished messages (and their attempts) are kept this long for the delivery log, then swept. */
export const KEEP_FINISHED_MS = 30 * 24 * HOUR;

export interface Notifier {
  /**
   * Delivers what is due now (beside any lanes already in flight, which it leaves alone); resolves
   * once the lanes it started are done, with how many messages it tried. Tests drive it with their clock.
   */
  tick(): Promise<number>;
  /** Polls every `pollMs` until stopped, without waiting for slow deliveries to finish first. */
  start(): void;
  /** Stops polling and waits for the deliveries in hand. */
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
 *
 * Businesses share the worker fairly: each poll takes due messages round-robin by business (the
 * oldest due first in each round), lanes run side by side without waiting for each other (the
 * worker polls again while slow ones are still in flight), and one business has at most
 * WEBHOOKS_IN_FLIGHT_PER_BUSINESS webhooks in flight, so a receiver that stalls, or a backlog
 * larger than a batch, delays only its own business.
 */
export function notifier(deps: Deps, opts: { mailDir: string; mailer?: Mailer }): Notifier {
  const cfg = deps.config.notify;
  const { db } = deps.store;
  const mailer = opts.mailer ?? mailerFor(cfg, opts.mailDir);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polling: Promise<void> | undefined;
  let started = false;
  /** Lanes in hand, by lane; each settles (never rejects) once the lane is done. */
  const inFlight = new Map<string, Promise<void>>();
  /** Per business: its webhook lanes delivering, and (in a tick) those waiting for one of them to end. */
  const hooks = new Map<string, { out: number; waiting: (() => void)[] }>();
  /** Webhook lanes in hand across all businesses. */
  let hookLanes = 0;

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
    if (isAccountMail(m.kind)) {
      try {
        // The account's mails (decision 012): the secret is made now; an erased account gets nothing.
        const customer = await db.selectFrom('customers').selectAll().where('id', '=', m.booking_id).executeTakeFirst();
        if (!customer) return { ok: true, statusCode: null, durationMs: 0, error: null, excerpt: 'the account was erased: nothing to send' };
        const business = await db.selectFrom('businesses').selectAll().where('id', '=', m.business_id).executeTakeFirstOrThrow();
        const secret = await issueSecret(db, customer, m.kind, now);
        const { link } = JSON.parse(m.payload) as AccountMailPayload;
        await mailer.send(composeAccountMail(m.id, m.kind, customer, business, link, secret, cfg));
        return { ok: true, statusCode: null, durationMs: Math.round(performance.now() - started), error: null, excerpt: null };
      } catch (err) {
        return { ok: false, statusCode: null, durationMs: Math.round(performance.now() - started), error: String((err as Error).message ?? err).slice(0, 200), excerpt: null };
      }
    }
    try {
      const p = JSON.parse(m.payload) as EmailPayload;
      const business = await db.selectFrom('businesses').selectAll().where('id', '=', m.business_id).executeTakeFirstOrThrow();
      const service = await db.selectFrom('services').select('name').where('id', '=', p.booking.service_id).executeTakeFirst();
      const staff = await db.selectFrom('staff').select('name').where('id', '=', p.booking.staff_id).executeTakeFirst();
      const row = await db.selectFrom('bookings').select(['locale', 'ics_sequence']).where('id', '=', m.booking_id).executeTakeFirst();
      if (m.kind.startsWith('merchant_') && !business.notification_email) {
        return { ok: true, statusCode: null, durationMs: 0, error: null, excerpt: 'no notification_email set: nothing to send' };
      }
      // The link's token is made now, never stored in the outbox (a stored one could cancel the booking).
      // A row written by an older instance (during a rolling deploy) says `manage_url` instead: its
      // link is not used, a fresh one is made the same way.
      const manage = p.manage ?? !m.kind.startsWith('merchant_');
      const manage_url = manage ? await manageLink(db, business.booking_page_url, m.booking_id, now) : null;
      // The SEQUENCE is the one of the change the row was written for; a row from before 0008 has
      // none and takes the booking's, which is above any that its mails can have had.
      const sequence = p.sequence ?? row?.ics_sequence ?? 0;
      const mail = compose(m.id, m.kind as EmailKind, { booking: p.booking, manage_url, sequence }, { business, serviceName: service?.name ?? '', staffName: staff?.name ?? '' }, cfg, row?.locale ?? null, now);
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

  /**
   * Due messages, round-robin by business: every business's oldest due message first (oldest
   * first among them), then every business's second, and so on; a backlog fills only its own
   * rounds. Webhooks of businesses at their cap (or all webhooks, when their lanes are full) are
   * left out, so they take no place in the batch.
   */
  async function due(now: number) {
    const capped = [...hooks].filter(([, h]) => h.out >= WEBHOOKS_IN_FLIGHT_PER_BUSINESS).map(([b]) => b);
    let q = db.selectFrom('outbox').selectAll()
      .select((eb) => eb.fn.agg<number>('row_number').over((ob) => ob.partitionBy('business_id').orderBy('next_attempt_ms').orderBy('seq')).as('round'))
      .where('status', '=', 'pending').where('next_attempt_ms', '<=', now).where('locked_until_ms', '<=', now);
    if (hookLanes >= WEBHOOK_LANES) q = q.where('channel', '=', 'email');
    else if (capped.length) q = q.where((eb) => eb.or([eb('channel', '=', 'email'), eb('business_id', 'not in', capped)]));
    return db.selectFrom(q.as('due')).selectAll().where('round', '<=', BATCH)
      .orderBy('round').orderBy('next_attempt_ms').orderBy('created_at').orderBy('id').limit(BATCH).execute();
  }

  const hooksOut = (business: string) => hooks.get(business)?.out ?? 0;

  /** One of the business's webhook places: taken now (undefined), or a promise of the next one to come free. */
  function takePlace(business: string): Promise<void> | undefined {
    let h = hooks.get(business);
    if (!h) hooks.set(business, h = { out: 0, waiting: [] });
    if (h.out < WEBHOOKS_IN_FLIGHT_PER_BUSINESS) {
      h.out++;
      return undefined;
    }
    return new Promise((resolve) => h.waiting.push(resolve));
  }

  /** Gives the place to the lane waiting longest, or frees it. */
  function leavePlace(business: string) {
    const h = hooks.get(business)!;
    const next = h.waiting.shift();
    if (next) next();
    else if (--h.out === 0) hooks.delete(business);
  }

  /** Delivers one lane's messages in order, each only once nothing earlier is pending; resolves with how many it tried. */
  function launch(key: string, lane: OutboxRow[]): Promise<number> {
    const business = lane[0].channel === 'webhook' ? lane[0].business_id : undefined;
    let place: Promise<void> | undefined;
    if (business !== undefined) {
      place = takePlace(business);
      hookLanes++;
    }
    const run = (async () => {
      await place;
      let tried = 0;
      for (const m of lane) {
        if (m.kind !== 'reminder' && (await blocked(m))) break;
        tried++;
        await deliver(m);
      }
      return tried;
    })();
    const done = () => {
      inFlight.delete(key);
      if (business === undefined) return;
      hookLanes--;
      leavePlace(business);
    };
    inFlight.set(key, run.then(done, done));
    return run;
  }

  /**
   * Starts the lanes due now that are not in hand already, within the caps, and returns them
   * without waiting; `more` says there was more due than it started. With `queue` (a tick), a
   * webhook lane over its business's cap waits for a place instead of being left for a later poll.
   */
  async function poll(queue: boolean): Promise<{ lanes: Promise<number>[]; more: boolean }> {
    const now = deps.now();
    await sweep(now);
    if (inFlight.size >= LANES) return { lanes: [], more: true };
    const rows = await due(now);
    const byLane = new Map<string, OutboxRow[]>();
    for (const m of rows) byLane.set(laneOf(m), [...(byLane.get(laneOf(m)) ?? []), m]);
    const lanes: Promise<number>[] = [];
    let more = rows.length >= BATCH;
    // Lanes in the order their first message came (by round, then time); inside one, by seq.
    for (const [key, lane] of byLane) {
      if (inFlight.has(key)) continue;
      const webhook = lane[0].channel === 'webhook';
      if (inFlight.size >= LANES || (webhook && (hookLanes >= WEBHOOK_LANES || (!queue && hooksOut(lane[0].business_id) >= WEBHOOKS_IN_FLIGHT_PER_BUSINESS)))) {
        more = true;
        continue;
      }
      lanes.push(launch(key, lane.sort((x, y) => x.seq - y.seq)));
    }
    return { lanes, more };
  }

  async function tick(): Promise<number> {
    const { lanes } = await poll(true);
    return (await Promise.all(lanes)).reduce((sum, n) => sum + n, 0);
  }

  const logError = (err: unknown) => deps.log.error('notification worker', { error: String((err as Error)?.message ?? err) });
  let pollSoon = false;
  let lastMore = false;
  /** The next poll in `ms`; a poll under way schedules its successor when it ends. */
  const schedule = (ms: number) => {
    if (!started) return;
    if (polling) {
      if (ms === 0) pollSoon = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(loop, ms);
  };
  const loop = () => {
    timer = undefined;
    if (!started) return;
    pollSoon = false;
    polling = poll(false).then(({ lanes, more }) => {
      lastMore = more;
      // A lane that got something done frees its place: with more waiting, poll again at once.
      for (const lane of lanes) void lane.then((tried) => { if (tried > 0 && lastMore) schedule(0); }, logError);
    }, logError).finally(() => {
      polling = undefined;
      schedule(pollSoon ? 0 : cfg.pollMs);
    });
  };

  return {
    tick,
    start() {
      started = true;
      schedule(0);
    },
    async stop() {
      started = false;
      clearTimeout(timer);
      await polling;
      while (inFlight.size) await Promise.all(inFlight.values());
      mailer.close();
    },
  };
}
