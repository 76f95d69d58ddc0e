import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface TaskOptions<A extends readonly unknown[], R> {
  /** The work for some arguments; the signal aborts when newer arguments replace these. */
  task: (args: A, signal: AbortSignal) => Promise<R>;
  /** The arguments, read before each render of the host; undefined: nothing to do now. */
  args: () => A | undefined;
  onComplete?: (value: R, args: A) => void;
  onError?: (error: unknown, retry: () => void) => void;
}

/**
 * Loads what the host shows, the way `@lit/task` does, in the few lines the widget needs: it runs
 * when its arguments change (not when the step does, nor when the element moves in the DOM),
 * aborts a run that newer arguments replaced, and says where it is (`pending`, `complete`,
 * `error`). A run's answer is kept only if no newer run began, so a late answer never overwrites.
 */
export class Task<A extends readonly unknown[], R> implements ReactiveController {
  status: 'initial' | 'pending' | 'complete' | 'error' = 'initial';
  value: R | undefined;
  #key: string | undefined;
  #abort: AbortController | undefined;

  constructor(private readonly host: ReactiveControllerHost, private readonly o: TaskOptions<A, R>) {
    host.addController(this);
  }

  hostUpdate() {
    const args = this.o.args();
    if (args && JSON.stringify(args) !== this.#key) void this.run(args);
  }

  /** Runs now, with the current arguments unless given others (also to load the same again). */
  async run(args = this.o.args()): Promise<void> {
    if (!args) return;
    this.#key = JSON.stringify(args);
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.status = 'pending';
    this.host.requestUpdate();
    try {
      const value = await this.o.task(args, abort.signal);
      if (abort.signal.aborted) return;
      this.value = value;
      this.status = 'complete';
      this.o.onComplete?.(value, args);
    } catch (err) {
      if (abort.signal.aborted) return;
      this.status = 'error';
      this.o.onError?.(err, () => void this.run(args));
    }
    this.host.requestUpdate();
  }
}
