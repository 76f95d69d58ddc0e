import type { Deps } from './context.ts';

// Work a request starts and does not wait for, so that its answer's timing tells nothing about
// it (a reset link queued for a known email, nothing for an unknown one). Kept per app, so a
// shutdown, and a test about to deliver mail, can wait until it is written.
const pending = new WeakMap<Deps, Set<Promise<void>>>();

export function afterAnswer(deps: Deps, what: string, work: () => Promise<unknown>): void {
  let set = pending.get(deps);
  if (!set) pending.set(deps, (set = new Set()));
  const done: Promise<void> = work().then(
    () => {},
    (err: unknown) => deps.log.error('background work failed', { what, error: err instanceof Error ? err.message : String(err) }),
  ).finally(() => set.delete(done));
  set.add(done);
}

/** Resolves once every piece of work started with `afterAnswer` so far has finished. */
export async function settled(deps: Deps): Promise<void> {
  const set = pending.get(deps);
  while (set?.size) await Promise.all([...set]);
}
