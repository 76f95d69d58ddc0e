import type { Generated } from 'kysely';

// Instants are stored as integer milliseconds since the epoch: overlap checks stay plain
// comparisons that every engine indexes, and no driver converts zones behind our back.

export type Mode = 'test' | 'live';

export interface BusinessRow {
  id: string; name: string; timezone: string; created_at: number;
  booking_page_url: string | null; notification_email: string | null; reply_to: string | null;
  /** Customer accounts (0010): `off` or `optional`; a one-time code after the password: `off` or `required` (the database's default: `off`). */
  accounts?: 'off' | 'optional'; sign_in_code?: 'off' | 'required';
  /** The hub it belongs to, if any (0014). */
  hub_id?: string | null;
}

export interface HubRow { id: string; name: string; created_at: number }

/** A hub key: every admin right over every business of its hub, in its mode (0014). */
export interface HubKeyRow {
  id: string; hub_id: string; mode: Mode; name: string; prefix: string; last4: string; key_hash: string;
  status: 'active' | 'revoked'; created_at: number; last_used_at: number | null; revoked_at: number | null;
}

export interface ApiKeyRow {
  id: string; business_id: string; mode: Mode; type: 'publishable' | 'secret'; name: string;
  prefix: string; last4: string; key_hash: string; allowed_origins: string; status: 'active' | 'revoked';
  created_at: number; last_used_at: number | null; revoked_at: number | null;
}

export interface SigningKeyRow { kid: string; secret: string; created_at: number }

export interface ServiceRow {
  id: string; business_id: string; mode: Mode; name: string; description: string; duration_minutes: number;
  price_amount_minor: number | null; price_currency: string | null;
  buffer_before_minutes: number; buffer_after_minutes: number; min_notice_minutes: number;
  horizon_days: number; slot_interval_minutes: number; active: number; created_at: number; deleted_at: number | null;
}

export interface ServiceStaffRow { service_id: string; staff_id: string; position: number }

export interface StaffRow {
  id: string; business_id: string; mode: Mode; name: string; email: string | null; timezone: string;
  weekly: string; exceptions: string; created_at: number; deleted_at: number | null;
}

export interface GuestRow { id: string; business_id: string; mode: Mode; token_hash: string; created_at: number }

export interface HoldRow {
  id: string; business_id: string; mode: Mode; guest_id: string; service_id: string; staff_id: string;
  start_ms: number; end_ms: number; block_start_ms: number; block_end_ms: number; expires_ms: number; created_at: number;
  /** Who placed it, for the caps on open holds per session and per client network (null before 0005). */
  session_id: string | null; client_net: string | null;
}

export interface BookingRow {
  id: string; business_id: string; mode: Mode; service_id: string; staff_id: string; guest_id: string | null;
  status: 'confirmed' | 'cancelled'; start_ms: number; end_ms: number; block_start_ms: number; block_end_ms: number;
  timezone: string; customer_name: string; customer_email: string; customer_phone: string | null; notes: string;
  manage_token_hash: string; created_at: number; cancelled_at: number | null; cancel_reason: string | null;
  locale: string | null;
  /** The calendar SEQUENCE of its latest change: 0, then one more per reschedule and cancellation (0008). */
  ics_sequence: number;
  /** The customer account the booking belongs to (0010), or null for a guest's. */
  customer_id?: string | null;
  /** The booking's attribution, JSON of a `Metadata` record; null when none was sent (0011). */
  metadata: string | null;
}

/** A manage token issued after the booking's first one (for a mail's link or a replayed answer): its digest only. */
export interface ManageTokenRow { token_hash: string; booking_id: string; created_at: number }

export interface IdempotencyRow {
  business_id: string; mode: Mode; key: string; request_hash: string; state: 'in_progress' | 'done';
  status_code: number | null; response_body: string | null; response_headers: string | null; created_at: number;
}

export interface WebhookRow {
  id: string; business_id: string; mode: Mode; url: string; events: string; active: number; secret: string;
  disabled_reason: string | null; created_at: number; deleted_at: number | null;
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';
export interface OutboxRow {
  id: string; business_id: string; mode: Mode; seq: number; channel: 'email' | 'webhook'; webhook_id: string | null;
  booking_id: string; event_id: string; kind: string; payload: string; status: OutboxStatus; attempts: number;
  next_attempt_ms: number; locked_until_ms: number; created_at: number; delivered_at: number | null;
}

export interface DeliveryAttemptRow {
  outbox_id: string; attempt: number; at: number; status_code: number | null; duration_ms: number;
  error: string | null; response_excerpt: string | null;
}

/**
 * Bumped by triggers (migration 0007) in the transaction of every write that can change an
 * availability answer: `generation` for any of them, `catalog_generation` for services, staff,
 * their links and the business itself. No row: both are 0.
 */
export interface AvailabilityGenerationRow { business_id: string; generation: number; catalog_generation: number }

/** A customer account (0010); `email` lower-cased. */
export interface CustomerRow {
  id: string; business_id: string; mode: Mode; email: string; name: string; phone: string | null; password_hash: string;
  locale: string | null; email_verified_at: number | null; created_at: number;
}

/** One signed-in device: its refresh tokens' family, bound to one DPoP key (decision 012). */
export interface CustomerFamilyRow {
  id: string; customer_id: string; business_id: string; mode: Mode; key_id: string; origin: string | null; jkt: string;
  generation: number; issued_at: number; kid: string; rotated_at: number | null; created_at: number;
  revoked_at: number | null; revoked_reason: string | null;
}

/** A mailed single-use secret (verification link, reset link, sign-in code): its digest only. */
export interface CustomerSecretRow {
  hash: string; customer_id: string; purpose: 'verify' | 'reset' | 'code'; expires_ms: number; used_at: number | null;
  attempts: number; created_at: number;
}

export interface DpopProofRow { id: string; expires_ms: number }
/** A person who signs in to the dashboard (migration 0009); `password_hash` is `scrypt$N$r$p$salt$hash`. */
export interface OperatorRow { id: string; email: string; password_hash: string; created_at: number }
export interface OperatorBusinessRow { operator_id: string; business_id: string }
/** A dashboard session: the cookie's value is known only by its SHA-256 digest. */
export interface OperatorSessionRow { id_hash: string; operator_id: string; csrf_token: string; created_at: number; last_seen_at: number }
export interface ActivityRow {
  id: string; business_id: string; mode: Mode | null; at: number; actor_type: 'operator' | 'secret_key' | 'hub_key' | 'service_key' | 'customer' | 'system';
  actor_id: string | null; action: string; target_type: string; target_id: string | null; details: string;
}
export interface KeyUsageRow { key_id: string; day: string; requests: number; rate_limited: number }

export interface DB {
  businesses: BusinessRow;
  api_keys: ApiKeyRow;
  hubs: HubRow;
  hub_keys: HubKeyRow;
  signing_keys: SigningKeyRow;
  services: ServiceRow;
  service_staff: ServiceStaffRow;
  staff: StaffRow;
  guests: GuestRow;
  holds: HoldRow;
  bookings: BookingRow;
  idempotency_keys: IdempotencyRow;
  manage_tokens: ManageTokenRow;
  webhooks: WebhookRow;
  outbox: OutboxRow;
  delivery_attempts: DeliveryAttemptRow;
  availability_generations: AvailabilityGenerationRow;
  customers: CustomerRow;
  customer_families: CustomerFamilyRow;
  customer_secrets: CustomerSecretRow;
  dpop_proofs: DpopProofRow;
  operators: OperatorRow;
  operator_businesses: OperatorBusinessRow;
  operator_sessions: OperatorSessionRow;
  activity: ActivityRow;
  key_usage: KeyUsageRow;
  // Kysely's own bookkeeping tables are not typed here.
  _unused?: { id: Generated<number> };
}
