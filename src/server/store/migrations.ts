import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

export type Dialect = 'sqlite' | 'postgres';

// A migration sees the database as it was when the migration was written, not as schema.ts types
// it today, so migrations take Kysely<any> (as Kysely's migration guide has them).
/* eslint-disable @typescript-eslint/no-explicit-any */

// Versioned, append-only. Never edit a migration that has shipped; add the next one.
// Both engines run the same list; a migration may do more on one of them (see 0002).
const migrations = (dialect: Dialect): Record<string, Migration> => ({
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('businesses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema.createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('last4', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('allowed_origins', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_keys_business').on('api_keys').columns(['business_id', 'mode']).execute();

      await db.schema.createTable('signing_keys')
        .addColumn('kid', 'text', (c) => c.primaryKey())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema.createTable('staff')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('weekly', 'text', (c) => c.notNull())
        .addColumn('exceptions', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('staff_business').on('staff').columns(['business_id', 'mode']).execute();

      await db.schema.createTable('services')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('duration_minutes', 'integer', (c) => c.notNull())
        .addColumn('price_amount_minor', 'bigint')
        .addColumn('price_currency', 'text')
        .addColumn('buffer_before_minutes', 'integer', (c) => c.notNull())
        .addColumn('buffer_after_minutes', 'integer', (c) => c.notNull())
        .addColumn('min_notice_minutes', 'integer', (c) => c.notNull())
        .addColumn('horizon_days', 'integer', (c) => c.notNull())
        .addColumn('slot_interval_minutes', 'integer', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('services_business').on('services').columns(['business_id', 'mode']).execute();

      await db.schema.createTable('service_staff')
        .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_staff_pk', ['service_id', 'staff_id'])
        .execute();

      await db.schema.createTable('guests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema.createTable('holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('guest_id', 'text', (c) => c.notNull().references('guests.id'))
        .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('block_start_ms', 'bigint', (c) => c.notNull())
        .addColumn('block_end_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('holds_staff').on('holds').columns(['staff_id', 'block_start_ms']).execute();
      await db.schema.createIndex('holds_guest').on('holds').columns(['guest_id']).execute();

      await db.schema.createTable('bookings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
        .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
        .addColumn('guest_id', 'text', (c) => c.references('guests.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_ms', 'bigint', (c) => c.notNull())
        .addColumn('block_start_ms', 'bigint', (c) => c.notNull())
        .addColumn('block_end_ms', 'bigint', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('customer_name', 'text', (c) => c.notNull())
        .addColumn('customer_email', 'text', (c) => c.notNull())
        .addColumn('customer_phone', 'text')
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('manage_token_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('cancelled_at', 'bigint')
        .addColumn('cancel_reason', 'text')
        .execute();
      await db.schema.createIndex('bookings_staff_block').on('bookings').columns(['staff_id', 'status', 'block_start_ms']).execute();
      await db.schema.createIndex('bookings_business_start').on('bookings').columns(['business_id', 'mode', 'start_ms']).execute();
      await db.schema.createIndex('bookings_guest').on('bookings').columns(['guest_id']).execute();

      await db.schema.createTable('idempotency_keys')
        .addColumn('business_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('request_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('response_headers', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_pk', ['business_id', 'mode', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_created').on('idempotency_keys').column('created_at').execute();
    },
  },

  /**
   * PostgreSQL only: overlapping calendar rows become impossible in the database itself, whatever
   * the application does. Half-open ranges `[)` so back-to-back slots touch without colliding;
   * the blocked range (buffers included) is what the slot check compares too. Cancelled bookings
   * free their time. Holds collide with holds; holds against bookings stay an application check,
   * as one constraint cannot span two tables. SQLite has no exclusion constraints: its guard is
   * the write lock alone (decision 001).
   */
  '0002_postgres_exclusion_and_rate_limits': {
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      // to_timestamp(double precision) is immutable, as an index expression must be; epoch
      // milliseconds / 1000.0 keeps whole milliseconds exactly.
      const range = (from: string, to: string) =>
        sql.raw(`tstzrange(to_timestamp(${from} / 1000.0), to_timestamp(${to} / 1000.0), '[)')`);
      await sql`create extension if not exists btree_gist`.execute(db);
      await sql`alter table bookings add constraint bookings_no_overlap
        exclude using gist (staff_id with =, ${range('block_start_ms', 'block_end_ms')} with &&)
        where (status = 'confirmed')`.execute(db);
      await sql`alter table holds add constraint holds_no_overlap
        exclude using gist (staff_id with =, ${range('block_start_ms', 'block_end_ms')} with &&)`.execute(db);
      // rate-limiter-flexible's RateLimiterPostgres table, created here rather than by the library
      // at run time, so the API's database role needs no DDL rights after migrating.
      await sql`create table if not exists rate_limits (
        key varchar(255) primary key, points integer not null default 0, expire bigint)`.execute(db);
    },
  },

  /**
   * Notifications: business settings, the booking's language, webhooks, and the transactional
   * outbox. An outbox row is one message to one destination (an email, or one webhook endpoint);
   * it is written in the same transaction as the booking change it reports, and delivered after.
   */
  '0003_notifications': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('businesses').addColumn('booking_page_url', 'text').execute();
      await db.schema.alterTable('businesses').addColumn('notification_email', 'text').execute();
      await db.schema.alterTable('businesses').addColumn('reply_to', 'text').execute();
      await db.schema.alterTable('bookings').addColumn('locale', 'text').execute();

      await db.schema.createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('disabled_reason', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .execute();
      await db.schema.createIndex('webhooks_business').on('webhooks').columns(['business_id', 'mode']).execute();

      await db.schema.createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        // Per business, increasing: messages about one booking go out in this order.
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('webhook_id', 'text')
        .addColumn('booking_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_ms', 'bigint', (c) => c.notNull())
        // A worker that took the message owns it until then; after a crash another one takes it.
        .addColumn('locked_until_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_ms']).execute();
      await db.schema.createIndex('outbox_business_seq').on('outbox').columns(['business_id', 'seq']).execute();
      await db.schema.createIndex('outbox_booking').on('outbox').columns(['booking_id', 'seq']).execute();
      await db.schema.createIndex('outbox_webhook').on('outbox').columns(['webhook_id', 'created_at']).execute();

      await db.schema.createTable('delivery_attempts')
        .addColumn('outbox_id', 'text', (c) => c.notNull().references('outbox.id'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('response_excerpt', 'text')
        .addPrimaryKeyConstraint('delivery_attempts_pk', ['outbox_id', 'attempt'])
        .execute();
    },
  },

  /**
   * The busy-time query of every availability answer reads a staff member's confirmed bookings
   * by start; with the end in the index too it never touches the (wide) booking rows. Measured
   * on the benchmark's 500 bookings: 1.5 → 1.2 ms a query on SQLite.
   */
  '0004_bookings_busy_covering_index': {
    async up(db: Kysely<any>) {
      await db.schema.createIndex('bookings_busy').on('bookings').columns(['staff_id', 'status', 'block_start_ms', 'block_end_ms']).execute();
      await db.schema.dropIndex('bookings_staff_block').execute();
    },
  },

  /**
   * Holds remember the session and the client network that placed them, so open holds can be
   * capped per session and per network (one visitor cannot make a business look fully booked).
   */
  '0005_hold_owners': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('holds').addColumn('session_id', 'text').execute();
      await db.schema.alterTable('holds').addColumn('client_net', 'text').execute();
      await db.schema.createIndex('holds_session').on('holds').columns(['session_id', 'expires_ms']).execute();
      await db.schema.createIndex('holds_client_net').on('holds').columns(['client_net', 'expires_ms']).execute();
    },
  },

  /**
   * No usable token at rest. Manage links are made when a mail is sent, each with a manage token
   * of its own (only its digest is kept, here); stored mails lose the links they held, and the
   * idempotency table loses the manage and guest tokens of the answers it keeps for replays.
   */
  '0006_no_tokens_at_rest': {
    async up(db: Kysely<any>) {
      // Safe to run again after a crash part way (SQLite runs migrations outside a transaction),
      // and one statement per table rather than a row at a time: outboxes can be large.
      await db.schema.createTable('manage_tokens').ifNotExists()
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('booking_id', 'text', (c) => c.notNull().references('bookings.id'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('manage_tokens_booking').ifNotExists().on('manage_tokens').column('booking_id').execute();
      if (dialect === 'postgres') {
        await sql`update outbox set payload = ((payload::jsonb - 'manage_url') || jsonb_build_object('manage', kind not like 'merchant%'))::text
          where channel = 'email' and payload::jsonb ? 'manage_url'`.execute(db);
        await sql`update idempotency_keys set response_body = (response_body::jsonb - 'manage_token')::text, response_headers = '{}'
          where response_body is not null and response_body::jsonb ? 'manage_token'`.execute(db);
      } else {
        await sql`update outbox set payload = json_set(json_remove(payload, '$.manage_url'), '$.manage', json(case when kind like 'merchant%' then 'false' else 'true' end))
          where channel = 'email' and json_type(payload, '$.manage_url') is not null`.execute(db);
        await sql`update idempotency_keys set response_body = json_remove(response_body, '$.manage_token'), response_headers = '{}'
          where response_body is not null and json_type(response_body, '$.manage_token') is not null`.execute(db);
      }
    },
  },

  /**
   * A generation per business, bumped by the database itself in the transaction of every write
   * that can change an availability answer (decision 010): bookings and holds (`generation`),
   * and services, their staff lists, staff (hours, exceptions, zone) and the business's settings
   * (`generation` and `catalog_generation`). Triggers rather than the application's write
   * wrapper, because not every write goes through `store.write` (a schedule, a staff change, a
   * hold's release, a service's deletion, the CLI's settings run on the plain connection), and a
   * trigger cannot be forgotten by the next write either. Every instance reads the row before it
   * reuses an answer, so a write on one instance counts on all the moment it commits.
   * A business without a row is at generation 0.
   */
  '0007_availability_generations': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('availability_generations')
        .addColumn('business_id', 'text', (c) => c.primaryKey())
        .addColumn('generation', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('catalog_generation', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      // [table, how a row names its business, whether the table belongs to the catalog]
      const tables = [
        ['bookings', 'business_id', false], ['holds', 'business_id', false],
        ['services', 'business_id', true], ['staff', 'business_id', true],
        ['service_staff', 'service', true], ['businesses', 'id', true],
      ] as const;
      if (dialect === 'postgres') {
        await sql`create function availability_bump() returns trigger language plpgsql as $$
          declare
            biz text;
            catalog int := case when TG_ARGV[1] = 'catalog' then 1 else 0 end;
          begin
            if TG_ARGV[0] = 'service' then
              if TG_OP = 'DELETE' then select business_id into biz from services where id = OLD.service_id;
              else select business_id into biz from services where id = NEW.service_id; end if;
            elsif TG_ARGV[0] = 'id' then
              if TG_OP = 'DELETE' then biz := OLD.id; else biz := NEW.id; end if;
            else
              if TG_OP = 'DELETE' then biz := OLD.business_id; else biz := NEW.business_id; end if;
            end if;
            if biz is not null then
              insert into availability_generations as g (business_id, generation, catalog_generation) values (biz, 1, catalog)
              on conflict (business_id) do update set generation = g.generation + 1, catalog_generation = g.catalog_generation + catalog;
            end if;
            return null;
          end $$`.execute(db);
        for (const [table, owner, catalog] of tables) {
          await sql.raw(`create trigger ${table}_availability after insert or update or delete on ${table}
            for each row execute function availability_bump('${owner}', '${catalog ? 'catalog' : 'calendar'}')`).execute(db);
        }
        return;
      }
      for (const [table, owner, catalog] of tables) {
        for (const op of ['insert', 'update', 'delete'] as const) {
          const row = op === 'delete' ? 'OLD' : 'NEW';
          const biz = owner === 'service' ? `(select business_id from services where id = ${row}.service_id)` : `${row}.${owner}`;
          await sql.raw(`create trigger ${table}_availability_${op} after ${op} on ${table} for each row begin
            insert or ignore into availability_generations (business_id, generation, catalog_generation) select ${biz}, 0, 0 where ${biz} is not null;
            update availability_generations set generation = generation + 1${catalog ? ', catalog_generation = catalog_generation + 1' : ''} where business_id = ${biz};
          end`).execute(db);
        }
      }
    },
  },

  /**
   * A booking's calendar SEQUENCE (RFC 5546): 0 when it is made, one more with each reschedule
   * and cancellation, in the write that makes the change, so two changes within one second still
   * differ (issue 22). Until now a file's SEQUENCE was the seconds from the booking's creation to
   * the mail's sending, so an existing booking starts above every number it can have been sent.
   * Safe to run again after a crash part way (SQLite runs migrations outside a transaction).
   */
  '0008_ics_sequence': {
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') {
        await sql`alter table bookings add column if not exists ics_sequence integer not null default 0`.execute(db);
      } else {
        const { rows } = await sql<{ n: number }>`select count(*) as n from pragma_table_info('bookings') where name = 'ics_sequence'`.execute(db);
        if (!Number(rows[0]?.n)) await db.schema.alterTable('bookings').addColumn('ics_sequence', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      }
      const nowSeconds = Math.floor(Date.now() / 1000);
      await sql`update bookings set ics_sequence = ${nowSeconds} - created_at / 1000 where created_at / 1000 < ${nowSeconds}`.execute(db);
    },
  },

  /**
   * The merchant dashboard (issue 17, decision 011): operators (people who sign in with email and
   * a password, scrypt-hashed), the businesses each may manage, their server-side sessions (the
   * cookie's id stored hashed), the activity log, and requests per key and day.
   */
  '0009_dashboard': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('operators').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createTable('operator_businesses').ifNotExists()
        .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id').onDelete('cascade'))
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addPrimaryKeyConstraint('operator_businesses_pk', ['operator_id', 'business_id'])
        .execute();
      await db.schema.createTable('operator_sessions').ifNotExists()
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('operator_id', 'text', (c) => c.notNull().references('operators.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('operator_sessions_operator').ifNotExists().on('operator_sessions').column('operator_id').execute();
      await db.schema.createTable('activity').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        // null: about the business as a whole (its settings), shown in both modes.
        .addColumn('mode', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('details', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_business').ifNotExists().on('activity').columns(['business_id', 'at', 'id']).execute();
      await db.schema.createTable('key_usage').ifNotExists()
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('requests', 'bigint', (c) => c.notNull())
        .addColumn('rate_limited', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('key_usage_pk', ['key_id', 'day'])
        .execute();
    },
  },

  /**
   * Customer accounts (issue 18, decision 012): the business's two settings, the accounts, their
   * refresh-token families (one row per signed-in device: the current pair is re-made from the
   * row, never stored), the single-use secrets mailed to them (digests only), the DPoP proofs seen
   * (until they are too old to be accepted anyway), and a booking's link to its account.
   * Safe to run again after a crash part way (SQLite runs migrations outside a transaction).
   */
  '0010_customer_accounts': {
    async up(db: Kysely<any>) {
      const has = async (table: string, column: string) => {
        if (dialect === 'postgres') {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.columns where table_name = ${table} and column_name = ${column}`.execute(db);
          return Number(rows[0]?.n) > 0;
        }
        const { rows } = await sql<{ n: number }>`select count(*) as n from pragma_table_info(${table}) where name = ${column}`.execute(db);
        return Number(rows[0]?.n) > 0;
      };
      if (!(await has('businesses', 'accounts'))) await db.schema.alterTable('businesses').addColumn('accounts', 'text', (c) => c.notNull().defaultTo('off')).execute();
      if (!(await has('businesses', 'sign_in_code'))) await db.schema.alterTable('businesses').addColumn('sign_in_code', 'text', (c) => c.notNull().defaultTo('off')).execute();
      if (!(await has('bookings', 'customer_id'))) await db.schema.alterTable('bookings').addColumn('customer_id', 'text').execute();
      await db.schema.createIndex('bookings_customer').ifNotExists().on('bookings').columns(['customer_id', 'start_ms']).execute();

      await db.schema.createTable('customers').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('business_id', 'text', (c) => c.notNull().references('businesses.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        // Lower-cased; unique among verified accounts only (an unverified duplicate proves nothing).
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('locale', 'text')
        .addColumn('email_verified_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_email').ifNotExists().on('customers').columns(['business_id', 'mode', 'email']).execute();

      await db.schema.createTable('customer_families').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('business_id', 'text', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('origin', 'text')
        // The DPoP key's thumbprint (RFC 7638) the family's refresh tokens are bound to.
        .addColumn('jkt', 'text', (c) => c.notNull())
        // The current pair: its number in the family, when it was made (seconds) and with which signing key.
        .addColumn('generation', 'integer', (c) => c.notNull())
        .addColumn('issued_at', 'bigint', (c) => c.notNull())
        .addColumn('kid', 'text', (c) => c.notNull())
        .addColumn('rotated_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('customer_families_customer').ifNotExists().on('customer_families').column('customer_id').execute();

      await db.schema.createTable('customer_secrets').ifNotExists()
        .addColumn('hash', 'text', (c) => c.primaryKey())
        .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .addColumn('used_at', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customer_secrets_customer').ifNotExists().on('customer_secrets').columns(['customer_id', 'purpose']).execute();

      await db.schema.createTable('dpop_proofs').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('expires_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dpop_proofs_expiry').ifNotExists().on('dpop_proofs').column('expires_ms').execute();
    },
  },

  /**
   * Hubs (issue 21): a hub groups businesses, and its keys (`hk_…`) act on every business of it.
   * Hub keys live in their own table: an `api_keys` row belongs to exactly one business, and every
   * query that reads one says so. A business joins at most one hub.
   */
  '0014_hubs': {
    async up(db: Kysely<any>) {
      await db.schema.createTable('hubs').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createTable('hub_keys').ifNotExists()
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('hub_id', 'text', (c) => c.notNull().references('hubs.id'))
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('last4', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('hub_keys_hub').ifNotExists().on('hub_keys').columns(['hub_id', 'mode']).execute();
      if (dialect === 'postgres') {
        await sql`alter table businesses add column if not exists hub_id text references hubs(id)`.execute(db);
      } else {
        const { rows } = await sql<{ n: number }>`select count(*) as n from pragma_table_info('businesses') where name = 'hub_id'`.execute(db);
        if (!Number(rows[0]?.n)) await db.schema.alterTable('businesses').addColumn('hub_id', 'text', (c) => c.references('hubs.id')).execute();
      }
      await db.schema.createIndex('businesses_hub').ifNotExists().on('businesses').column('hub_id').execute();
    },
  },

  // A booking's attribution (utm_source and the like) as JSON text; null when the page sent none.
  '0011_booking_metadata': {
    async up(db: Kysely<any>) {
      if (dialect === 'postgres') {
        await sql`alter table bookings add column if not exists metadata text`.execute(db);
      } else {
        const { rows } = await sql<{ n: number }>`select count(*) as n from pragma_table_info('bookings') where name = 'metadata'`.execute(db);
        if (!Number(rows[0]?.n)) await db.schema.alterTable('bookings').addColumn('metadata', 'text').execute();
      }
    },
  },
});

export const migrationsFor = (dialect: Dialect): MigrationProvider => ({
  getMigrations: () => Promise.resolve(migrations(dialect)),
});
