import type { FieldError } from '../contract/index.ts';

/** A failed dashboard call: the error envelope's code, message and field errors. */
export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields: FieldError[] = []) {
    super(message);
  }
  /** The messages for one field (`allowed_origins.0` counts for `allowed_origins`). */
  field(name: string): string | undefined {
    const hits = this.fields.filter((f) => f.property === name || f.property.startsWith(`${name}.`));
    return hits.length ? hits.flatMap((f) => f.messages).join(' ') : undefined;
  }
}

let csrf = '';
/** The session's CSRF token, from sign-in or /me; sent with every change. */
export const setCsrf = (token: string) => (csrf = token);

/** Called when a call finds the session gone (expired, signed out elsewhere). */
export let onSignedOut: () => void = () => {};
export const whenSignedOut = (fn: () => void) => (onSignedOut = fn);

/**
 * One call to the dashboard's API, same origin, the cookie sent by the browser. Changes carry the
 * CSRF token. Answers come back parsed; errors as ApiFailure with the envelope's fields.
 */
export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/dashboard/api${path}`, { method, headers, credentials: 'same-origin', ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal ? { signal } : {}) });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; fields?: FieldError[] } } | null)?.error ?? {};
    if (res.status === 401 && path !== '/sign-in') onSignedOut();
    throw new ApiFailure(res.status, e.code ?? 'internal', e.message ?? `HTTP ${res.status}`, e.fields ?? []);
  }
  return json as T;
}
