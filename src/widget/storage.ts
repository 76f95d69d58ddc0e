/**
 * Web storage that never throws. When it refuses (private modes, full quotas, blocked storage),
 * values live in this page's memory instead: the flow still works (the guest token still ties a
 * hold to its booking), just without resume across reloads.
 */
const over = (area: 'localStorage' | 'sessionStorage') => {
  /** What this page wrote, for when the storage refuses. */
  const memory = new Map<string, string>();
  return {
    get<T>(key: string): T | undefined {
      let raw: string | null | undefined;
      try {
        raw = globalThis[area]?.getItem(key);
      } catch {
        raw = memory.get(key);
      }
      try {
        return raw ? (JSON.parse(raw) as T) : undefined;
      } catch {
        return undefined;
      }
    },
    set(key: string, value: unknown): void {
      const raw = JSON.stringify(value);
      try {
        globalThis[area]?.setItem(key, raw);
      } catch {
        memory.set(key, raw);
      }
    },
    remove(key: string): void {
      memory.delete(key);
      try {
        globalThis[area]?.removeItem(key);
      } catch {
        /* nothing stored there */
      }
    },
  };
};

/** localStorage: the browser's, shared by its tabs and kept across visits. */
export const store = over('localStorage');
/** sessionStorage: this tab's only, gone when it closes; for what must not outlive the tab (a manage link's token). */
export const tab = over('sessionStorage');

/** Time and timers, injectable so tests can move the clock instead of waiting. */
export const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => globalThis.setTimeout(fn, ms),
  clearTimeout: (id: unknown) => globalThis.clearTimeout(id as number),
};

const origin = (apiBase: string) => new URL(apiBase).origin;

/** Every key the widget stores under, in one place (their formats are what browsers already hold). */
export const keys = {
  /** The session token for a publishable key, shared by the browser's tabs. */
  session: (apiBase: string, key: string) => `bw:session:${origin(apiBase)}:${key}`,
  /** This browser's guest token at a business. */
  guest: (apiBase: string, businessId: string | undefined) => `bw:guest:${origin(apiBase)}:${businessId}`,
  /** A booking's manage token (in `store` for this browser's bookings, in `tab` for a manage link's). */
  manage: (apiBase: string, bookingId: string) => `bw:manage:${apiBase}:${bookingId}`,
  /** A widget's flow, for a reload to come back to. */
  flow: (apiBase: string, key: string | undefined, elementId: string) => `bw:flow:${apiBase}:${key}:${elementId}`,
};
