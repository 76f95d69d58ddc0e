import type { IncomingMessage } from 'node:http';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/db.ts';
import type { Mode } from './store/schema.ts';
import type { SessionSigner } from './auth/sessions.ts';
import type { RateLimits } from './auth/ratelimit.ts';
import type { Resolve } from './notify/fence.ts';
import type { UsageCounter } from './domain/usage.ts';

/**
 * Admin rights over one business in one mode: its own secret key, a hub key or the service key
 * naming it with `X-Business-Id` (`via` then says which, for the activity log and `/api-keys`), or
 * a dashboard operator acting through the server (`operatorId` set, `keyId` then names no key).
 */
export interface SecretPrincipal { kind: 'secret'; keyId: string; businessId: string; mode: Mode; via?: { type: 'hub_key'; hubId: string } | { type: 'service_key' }; operatorId?: string }
/** A hub key on the routes about the hub itself (`/businesses`), where no business is named. */
export interface HubPrincipal { kind: 'hub'; keyId: string; hubId: string; mode: Mode }
/** `customerId`: the bearer was a customer's access token (decision 012); what it does is the customer's. */
export interface SessionPrincipal { kind: 'session'; keyId: string; businessId: string; mode: Mode; origin: string | null; sessionId: string; customerId?: string }
/** A publishable key from an allowed origin: what `POST /session` exchanges for a session token. */
export interface PublishablePrincipal { kind: 'publishable'; keyId: string; businessId: string; mode: Mode; origin: string | null }
/** A caller that acts on one business. */
export type BusinessPrincipal = SecretPrincipal | SessionPrincipal | PublishablePrincipal;
export type Principal = BusinessPrincipal | HubPrincipal;

export interface Deps {
  store: Store;
  config: Config;
  log: Logger;
  /** Injected so tests can move time; everything that judges "now" reads it. */
  now: () => number;
  sessions: SessionSigner;
  limits: RateLimits;
  /** Requests and refusals per key and day, counted in memory and written now and then. */
  usage: UsageCounter;
  /** How webhook destinations' names are resolved; injected by tests that play DNS (default: the system's). */
  resolve?: Resolve;
  /** `draining` turns true on shutdown, so the readiness check sends load balancers elsewhere. */
  lifecycle: { draining: boolean };
}

export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: {
    requestId: string;
    principal: Principal;
    /** Set once the request's Origin is known to be allowed; the CORS layer reflects only this. */
    corsOrigin: string;
  };
}
