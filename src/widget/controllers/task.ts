import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Loads what the host shows, the way `@lit/task` does, in the few lines the widget needs: it runs
 * when its arguments change (not when the step does, nor when the element moves in the DOM),
 * aborts a run that newer arguments replaced, and says where it is (`pending`, `complete`,
 * `error`). A run's answer is kept only if no newer run began, so a late answer never overwrites.
 * Subclasses give the arguments (read before each render of the host) and the work.
 */
export abstract class Task<A, R> implements ReactiveController {
  status: 'initial' | 'pending' | 'complete' | 'error' = 'initial';
  value: R | undefined;
  #key: string | undefined;
  #abort: AbortController | undefined;

  constructor(protected readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The arguments now; undefined: nothing to load. */
  protected abstract args(): A | undefined;
  /** The work for some arguments; the signal aborts when newer arguments replace them. */
  protected abstract work(args: A, signal: AbortSignal): Promise<R>;
  /** What follows a run: its value (complete), or its error and a way to try again. */
  protected abstract done(args: A, error?: unknown): void;

  hostUpdate() {
    const args = this.args();
    if (!args) {
      // Nothing to show it for: a pending run stops, and the next time it is needed it loads afresh.
      this.#abort?.abort();
      this.#key = undefined;
      if (this.status === 'pending') this.status = 'initial';
    } else if (JSON.stringify(args) !== this.#key) void this.run();
  }

  /** Runs now with the current arguments (also to load the same again). */
  async run(): Promise<void> {
    const args = this.args();
    if (!args) return;
    this.#key = JSON.stringify(args);
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this.status = 'pending';
    this.host.requestUpdate();
    try {
      const value = await this.work(args, abort.signal);
      if (abort.signal.aborted) return;
      this.value = value;
      this.status = 'complete';
      this.done(args);
    } catch (err) {
      if (abort.signal.aborted) return;
      this.status = 'error';
      this.done(args, err ?? new Error('failed'));
    }
    this.host.requestUpdate();
  }
}
