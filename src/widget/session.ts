import type { Business } from '../contract/catalog.ts';
import { FATAL_CREDENTIAL_CODES } from '../contract/codes.ts';
import { WidgetApiError, schemas, send } from './net.ts';
import { clock, keys, store } from './storage.ts';

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
/** How long a tab without Web Locks may hold the exchange before others stop waiting for it. */
const LEASE_MS = 10_000;
/** How long a tab that waited for another's exchange listens for its result before exchanging itself. */
const ANNOUNCE_WAIT_MS = 1500;

const registry = new Map<string, Session>();

/**
 * The token's `iat` (ms): the server's clock at issue. Only read, never trusted for anything
 * else; the server verifies the signature. A token we cannot read counts as issued now.
 */
export function issuedAtOf(token: string): number {
  try {
    const b64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const iat = (JSON.parse(atob(b64)) as { iat?: unknown }).iat;
    return typeof iat === 'number' ? iat * 1000 : clock.now();
  } catch {
    return clock.now();
  }
}

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
  #inflight: Promise<SessionData> | undefined;
  #timer: unknown;
  #dueWhileHidden = false;
  readonly #storageKey: string;
  readonly #listeners = new Set<() => void>();
  /** Tabs announce the sessions they exchange here, faster than localStorage reaches other tabs. */
  readonly #channel: BroadcastChannel | undefined;
  readonly #announced = new Set<(d: SessionData) => void>();

  private constructor(readonly apiBase: string, readonly key: string) {
    this.#storageKey = keys.session(apiBase, key);
    this.data = this.#read();
    if (this.data) this.#schedule();
    this.#channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`bw-session|${this.#storageKey}`) : undefined;
    this.#channel?.addEventListener('message', this.#onAnnouncement);
    globalThis.addEventListener?.('storage', this.#onStorage);
    globalThis.addEventListener?.('online', this.#onWake);
    globalThis.document?.addEventListener('visibilitychange', this.#onWake);
  }

  dispose() {
    clock.clearTimeout(this.#timer);
    this.#channel?.close();
    globalThis.removeEventListener?.('storage', this.#onStorage);
    globalThis.removeEventListener?.('online', this.#onWake);
    globalThis.document?.removeEventListener('visibilitychange', this.#onWake);
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  serverNow(): number {
    return clock.now() + (this.data?.skew ?? 0);
  }

  /** A session is in hand with time left: `get()` answers without a request. */
  get ready(): boolean {
    const d = this.data;
    return !this.fatal && !!d && d.expiresAt - (clock.now() + d.skew) > 30_000;
  }

  /** A usable session: the one in hand while it has time left, else a new one. */
  async get(): Promise<SessionData> {
    if (this.fatal) throw new WidgetApiError(this.fatal, 'Session unavailable');
    return this.ready ? this.data! : this.refresh();
  }

  /**
   * Exchanges the key again. Concurrent callers in this page share one promise; across tabs a
   * Web Lock lets one tab exchange while the others wait and then adopt its result from storage.
   */
  refresh(stale?: string): Promise<SessionData> {
    this.#inflight ??= this.#lockedExchange(stale).finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  async #lockedExchange(stale?: string): Promise<SessionData> {
    const usable = (d: SessionData | undefined): d is SessionData =>
      !!d && d.token !== stale && d.expiresAt - (clock.now() + d.skew) > REFRESH_MARGIN_MS;
    const run = async (waited: boolean) => {
      // Another tab refreshed while we waited for the lock: adopt its session. Its localStorage
      // write may not have reached this tab yet when the lock does (Chromium syncs storage
      // between tabs asynchronously), so a tab that waited also listens for the announcement.
      let theirs = this.#read();
      if (!usable(theirs) && waited) theirs = (await this.#announcement(ANNOUNCE_WAIT_MS)) ?? this.#read();
      if (usable(theirs)) return this.#adopt(theirs);
      const ours = this.#adopt(await this.#exchange(), true);
      this.#channel?.postMessage(ours); // before the lock is released: the next tab in line hears it
      return ours;
    };
    const locks = globalThis.navigator?.locks;
    if (!locks?.request) return this.#leased(run);
    const name = `bw-session|${this.#storageKey}`;
    // Free lock: nobody else is exchanging. Taken: wait in line, and expect to hear the result.
    return locks.request(name, { ifAvailable: true }, (lock) => (lock ? run(false) : locks.request(name, () => run(true))));
  }

  /** The next session another tab announces, or undefined after `ms`. */
  #announcement(ms: number): Promise<SessionData | undefined> {
    return new Promise((resolve) => {
      const done = (d: SessionData | undefined) => {
        clock.clearTimeout(timer);
        this.#announced.delete(done);
        resolve(d);
      };
      const timer = clock.setTimeout(() => done(undefined), ms);
      this.#announced.add(done);
    });
  }

  #onAnnouncement = (e: MessageEvent) => {
    const d = e.data as SessionData | undefined;
    if (!d || typeof d.token !== 'string' || typeof d.expiresAt !== 'number' || !d.business) return;
    for (const fn of [...this.#announced]) fn(d);
    if (!this.data || d.expiresAt > this.data.expiresAt) this.#adopt(d);
  };

  /**
   * Where Web Locks are missing (older browsers, some embedded web views): a short lease in
   * localStorage. A tab that finds another tab's live lease waits for that tab's session (or for
   * the lease to lapse) instead of exchanging too. Not atomic like a lock, but it narrows the race
   * to the instant between reading and writing the lease.
   */
  async #leased(run: (waited: boolean) => Promise<SessionData>): Promise<SessionData> {
    const leaseKey = `${this.#storageKey}:lease`;
    const live = () => (store.get<number>(leaseKey) ?? 0) > clock.now();
    const waited = live();
    for (let t = 0; live() && t < LEASE_MS; t += 100) await new Promise<void>((r) => clock.setTimeout(() => r(), 100));
    store.set(leaseKey, clock.now() + LEASE_MS);
    try {
      return await run(waited);
    } finally {
      store.remove(leaseKey);
    }
  }


  async #exchange(): Promise<SessionData> {
    try {
      // The request goes first; zod and the schemas load while it is on the wire.
      let answeredAt = 0;
      const [res, { SessionResponse }] = await Promise.all([
        send(`${this.apiBase}/api/v1/session`, { method: 'POST', headers: { Authorization: `Bearer ${this.key}` } })
          .then((r) => ((answeredAt = clock.now()), r)),
        schemas(),
      ]);
      const body = SessionResponse.parse(await res.json());
      const issuedAt = issuedAtOf(body.session_token);
      return { token: body.session_token, expiresAt: Date.parse(body.expires_at), skew: issuedAt - answeredAt, business: body.business };
    } catch (err) {
      if (err instanceof WidgetApiError && FATAL_CREDENTIAL_CODES.includes(err.code)) this.#die(err.code);
      throw err;
    }
  }

  #die(code: string) {
    this.fatal = code;
    this.data = undefined;
    clock.clearTimeout(this.#timer);
    store.remove(this.#storageKey);
    // For the merchant, once: the customer sees a friendly message and the fallback link.
    console.error(`<booking-widget>: the publishable key ${this.key.slice(0, 12)}… cannot be used here (${code}). ` + ({
      key_revoked: 'It has been revoked; create a new publishable key.',
      unauthorized: 'It is not a known key; check the publishable-key attribute.',
      origin_not_allowed: `Add ${globalThis.location?.origin} to the key's allowed origins.`,
    }[code] ?? ''));
    this.#emit();
  }

  /** Called by the API client when the server says the key behind the session is gone. */
  kill(code: string) {
    if (!this.fatal) this.#die(code);
  }

  #adopt(d: SessionData, persist = false): SessionData {
    this.data = d;
    if (persist) store.set(this.#storageKey, d);
    this.#schedule();
    this.#emit();
    return d;
  }

  #schedule() {
    clock.clearTimeout(this.#timer);
    const d = this.data;
    if (!d) return;
    const due = d.expiresAt - REFRESH_MARGIN_MS - Math.random() * JITTER_MS - (clock.now() + d.skew);
    this.#timer = clock.setTimeout(() => this.#onDue(), Math.max(0, due));
  }

  #onDue() {
    // A hidden tab does not refresh; it catches up when it is seen again or comes back online.
    if (globalThis.document?.visibilityState === 'hidden') {
      this.#dueWhileHidden = true;
      return;
    }
    this.#dueWhileHidden = false;
    this.refresh(this.data?.token).catch(() => {});
  }

  #onWake = () => {
    if (globalThis.document?.visibilityState === 'hidden' || this.fatal) return;
    const d = this.data;
    if (this.#dueWhileHidden || (d && d.expiresAt - (clock.now() + d.skew) < REFRESH_MARGIN_MS)) this.#onDue();
  };

  #onStorage = (e: StorageEvent) => {
    if (e.key !== this.#storageKey) return;
    const d = this.#read();
    if (d && (!this.data || d.expiresAt > this.data.expiresAt)) this.#adopt(d);
  };

  #read(): SessionData | undefined {
    const d = store.get<SessionData>(this.#storageKey);
    return d && typeof d.token === 'string' && typeof d.expiresAt === 'number' && d.business ? d : undefined;
  }

  #emit() {
    for (const fn of this.#listeners) fn();
  }
}
