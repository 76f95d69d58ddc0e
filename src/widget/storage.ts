/**
 * localStorage that never throws: private modes, full quotas and blocked storage all read as
 * "nothing stored", and the widget carries on without resume instead of failing.
 */
export const store = {
  get<T>(key: string): T | undefined {
    try {
      const raw = globalThis.localStorage?.getItem(key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    } catch {
      return undefined;
    }
  },
  set(key: string, value: unknown): void {
    try {
      globalThis.localStorage?.setItem(key, JSON.stringify(value));
    } catch {
      /* storage unavailable: keep going in memory */
    }
  },
  remove(key: string): void {
    try {
      globalThis.localStorage?.removeItem(key);
    } catch {
      /* as above */
    }
  },
};

/** Time and timers, injectable so tests can move the clock instead of waiting. */
export const clock = {
  now: () => Date.now(),
  setTimeout: (fn: () => void, ms: number): unknown => globalThis.setTimeout(fn, ms),
  clearTimeout: (id: unknown) => globalThis.clearTimeout(id as number),
  sleep: (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms)),
};
