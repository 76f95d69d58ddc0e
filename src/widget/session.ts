import { decodeJwt } from 'jose';
import { SessionResponse, type Business } from '../contract/catalog.ts';
import { FATAL_CREDENTIAL_CODES } from '../contract/errors.ts';
import { WidgetApiError, send } from './net.ts';
import { clock, store } from './storage.ts';

export interface SessionData {
  token: string;
  /** Expiry on the server's clock (ms). */
  expiresAt: number;
  /** serverTime − deviceTime, measured at issue: customers' clocks are often minutes off. */
  skew: number;
  business: Business;
}

/** Refresh about five minutes early, spread by up to a minute so many tabs and widgets do not align. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
const JITTER_MS = 60_000;

const registry = new Map<string, Session>();

/**
 * One session per publishable key and API origin, shared by every widget on the page and, through
 * localStorage and Web Locks, by every tab of the browser: one exchange, one refresh, not one per tab.
 */
export class Session {
  static for(apiBase: string, key: string): Session {
    const id = `${new URL(apiBase).origin}|${key}`;
    let s = registry.get(id);
    if (!s) registry.set(id, (s = new Session(apiBase, key)));
    return s;
  }

  /** Forget every session object (tests; a page never needs it). */
  static reset() {
    for (const s of registry.values()) s.dispose();
    registry.clear();
  }

  data: SessionData | undefined;
  /** Set once the key can never work here (revoked, unknown, wrong origin); nothing is retried after. */
  fatal: string | undefined;
  private inflight: Promise<SessionData> | undefined;
  private timer: unknown;
  private dueWhileHidden = false;
  private readonly storageKey: string;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly apiBase: string, readonly key: string) {
    this.storageKey = `bw:session:${new URL(apiBase).origin}:${key}`;
    this.data = this.read();
    if (this.data) this.schedule();
    globalThis.addEventListener?.('storage', this.onStorage);
    globalThis.addEventListener?.('online', this.onWake);
    globalThis.document?.addEventListener('visibilitychange', this.onWake);
  }

  dispose() {
    clock.clearTimeout(this.timer);
    globalThis.removeEventListener?.('storage', this.onStorage);
    globalThis.removeEventListener?.('online', this.onWake);
    globalThis.document?.removeEventListener('visibilitychange', this.onWake);
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  serverNow(): number {
    return clock.now() + (this.data?.skew ?? 0);
  }

  /** A usable session: the one in hand while it has time left, else a new one. */
  async get(): Promise<SessionData> {
    if (this.fatal) throw new WidgetApiError(this.fatal, 'Session unavailable');
    const d = this.data;
    if (d && d.expiresAt - (clock.now() + d.skew) > 30_000) return d;
    return this.refresh();
  }

  /**
   * Exchanges the key again. Concurrent callers in this page share one promise; across tabs a
   * Web Lock lets one tab exchange while the others wait and then adopt its result from storage.
   */
  refresh(stale?: string): Promise<SessionData> {
    this.inflight ??= this.lockedExchange(stale).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async lockedExchange(stale?: string): Promise<SessionData> {
    const run = async () => {
      const stored = this.read();
      // Another tab refreshed while we waited for the lock: adopt its session.
      if (stored && stored.token !== stale && stored.expiresAt - (clock.now() + stored.skew) > REFRESH_MARGIN_MS) return this.adopt(stored);
      return this.adopt(await this.exchange(), true);
    };
    const locks = globalThis.navigator?.locks;
    return locks?.request ? locks.request(`bw-session|${this.storageKey}`, run) : run();
  }

  private async exchange(): Promise<SessionData> {
    try {
      const res = await send(`${this.apiBase}/api/v1/session`, { method: 'POST', headers: { Authorization: `Bearer ${this.key}` } });
      const sentAt = clock.now();
      const body = SessionResponse.parse(await res.json());
      const issuedAt = (decodeJwt(body.session_token).iat ?? 0) * 1000;
      return { token: body.session_token, expiresAt: Date.parse(body.expires_at), skew: issuedAt - sentAt, business: body.business };
    } catch (err) {
      if (err instanceof WidgetApiError && FATAL_CREDENTIAL_CODES.includes(err.code)) this.die(err.code);
      throw err;
    }
  }

  private die(code: string) {
    this.fatal = code;
    this.data = undefined;
    clock.clearTimeout(this.timer);
    store.remove(this.storageKey);
    // For the merchant, once: the customer sees a friendly message and the fallback link.
    console.error(`<booking-widget>: the publishable key ${this.key.slice(0, 12)}… cannot be used here (${code}). ` + ({
      key_revoked: 'It has been revoked; create a new publishable key.',
      unauthorized: 'It is not a known key; check the publishable-key attribute.',
      origin_not_allowed: `Add ${globalThis.location?.origin} to the key's allowed origins.`,
    }[code] ?? ''));
    this.emit();
  }

  /** Called by the API client when the server says the key behind the session is gone. */
  kill(code: string) {
    if (!this.fatal) this.die(code);
  }

  private adopt(d: SessionData, persist = false): SessionData {
    this.data = d;
    if (persist) store.set(this.storageKey, d);
    this.schedule();
    this.emit();
    return d;
  }

  private schedule() {
    clock.clearTimeout(this.timer);
    const d = this.data;
    if (!d) return;
    const due = d.expiresAt - REFRESH_MARGIN_MS - Math.random() * JITTER_MS - (clock.now() + d.skew);
    this.timer = clock.setTimeout(() => this.onDue(), Math.max(0, due));
  }

  private onDue() {
    // A hidden tab does not refresh; it catches up when it is seen again or comes back online.
    if (globalThis.document?.visibilityState === 'hidden') {
      this.dueWhileHidden = true;
      return;
    }
    this.dueWhileHidden = false;
    this.refresh(this.data?.token).catch(() => {});
  }

  private onWake = () => {
    if (globalThis.document?.visibilityState === 'hidden' || this.fatal) return;
    const d = this.data;
    if (this.dueWhileHidden || (d && d.expiresAt - (clock.now() + d.skew) < REFRESH_MARGIN_MS)) this.onDue();
  };

  private onStorage = (e: StorageEvent) => {
    if (e.key !== this.storageKey) return;
    const d = this.read();
    if (d && (!this.data || d.expiresAt > this.data.expiresAt)) this.adopt(d);
  };

  private read(): SessionData | undefined {
    const d = store.get<SessionData>(this.storageKey);
    return d && typeof d.token === 'string' && typeof d.expiresAt === 'number' && d.business ? d : undefined;
  }

  private emit() {
    for (const fn of this.listeners) fn();
  }
}
