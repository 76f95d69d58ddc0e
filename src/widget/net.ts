import { clock } from './storage.ts';

type Schemas = typeof import('./schemas.ts');
let loading: Promise<Schemas> | undefined;
/**
 * zod and the schemas: loaded once, beside the first request. The build puts them in the flow
 * chunk (vite.config.ts): one chunk rather than two weighs less in all and makes the step after
 * the service list instant.
 */
export const schemas = () => (loading ??= import('./schemas.ts'));

/** An API answer that is not a success, or no answer at all (`network`). */
export class WidgetApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 0,
    readonly fields: { property: string; messages: string[] }[] = [],
    readonly retryAfter = 0,
  ) {
    super(message);
  }
}

export interface FetchOptions {
  signal?: AbortSignal | undefined;
  /** Told how long we wait on a 429, so the customer sees a calm message instead of a frozen screen. */
  onWait?: ((seconds: number) => void) | undefined;
  attempts?: number;
}

const RETRY_CAP_MS = 4000;

/**
 * fetch with the widget's one retry policy: network errors and 5xx are retried with capped,
 * jittered backoff; a 429 waits for its Retry-After; every other 4xx is final. The same
 * request (and so the same Idempotency-Key) is sent each time.
 */
export async function send(url: string, init: RequestInit, opts: FetchOptions = {}): Promise<Response> {
  const attempts = opts.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined;
    try {
      const answer = fetch(url, { ...init, signal: opts.signal ?? null });
      // Once the page's first request is on the wire, zod and the schemas load beside it.
      void schemas();
      res = await answer;
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      if (attempt >= attempts) throw new WidgetApiError('network', 'Network error');
    }
    if (res) {
      if (res.ok) return res;
      const retryable = res.status >= 500 || res.status === 429;
      if (!retryable || attempt >= attempts) throw await toError(res);
      if (res.status === 429) {
        const seconds = Math.min(60, Math.max(1, Number(res.headers.get('Retry-After')) || 1));
        opts.onWait?.(seconds);
        await sleep(seconds * 1000, opts.signal);
        continue;
      }
    }
    const backoff = Math.min(RETRY_CAP_MS, 250 * 2 ** (attempt - 1));
    await sleep(backoff / 2 + Math.random() * (backoff / 2), opts.signal);
  }
}

export async function toError(res: Response): Promise<WidgetApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const parsed = (await schemas()).ErrorBody.safeParse(body);
  const retryAfter = Number(res.headers.get('Retry-After')) || 0;
  if (!parsed.success) return new WidgetApiError(res.status >= 500 ? 'internal' : 'unknown', `HTTP ${res.status}`, res.status, [], retryAfter);
  const e = parsed.data.error;
  return new WidgetApiError(e.code, e.message, res.status, e.fields ?? [], retryAfter);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const id = clock.setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clock.clearTimeout(id);
      reject(signal.reason as Error); // an AbortError DOMException, or what abort() was given
    }, { once: true });
  });
}
