import * as z from 'zod/mini';
import { ServiceList } from '../contract/catalog.ts';
import { FATAL_CREDENTIAL_CODES } from '../contract/errors.ts';
import { WidgetApiError, send, type FetchOptions } from './net.ts';
import type { Session } from './session.ts';
import { store } from './storage.ts';

/**
 * The widget's one API client. Every answer is parsed with the contract's schemas; a 401
 * `session_expired` refreshes the session and retries once; a dead key stops the session.
 */
export type CallOptions = FetchOptions & { body?: unknown; headers?: Record<string, string>; auth?: boolean };

export class Api {
  constructor(readonly session: Session) {}

  /** Where this browser's guest token for the business lives. */
  get guestKey() {
    return `bw:guest:${new URL(this.session.apiBase).origin}:${this.session.data?.business.id}`;
  }

  /** One request: auth, guest token, retries and parsing; `schema` null for answers without a body. */
  async call<T extends z.ZodMiniType>(
    schema: T | null, method: string, path: string,
    o: CallOptions = {},
  ): Promise<z.infer<T>> {
    const attempt = async (token: string | undefined) => {
      const headers: Record<string, string> = { ...o.headers };
      if (token) headers.Authorization = `Bearer ${token}`;
      const guest = store.get<string>(this.guestKey);
      if (guest) headers['X-Guest-Token'] = guest;
      if (o.body !== undefined) headers['Content-Type'] = 'application/json';
      return send(`${this.session.apiBase}/api/v1${path}`, { method, headers, body: o.body === undefined ? null : JSON.stringify(o.body) }, o);
    };
    const auth = o.auth !== false;
    let res: Response;
    try {
      res = await attempt(auth ? (await this.session.get()).token : undefined);
    } catch (err) {
      if (!(err instanceof WidgetApiError)) throw err;
      if (auth && err.code === 'session_expired') {
        res = await attempt((await this.session.refresh(this.session.data?.token)).token);
      } else {
        if (auth && FATAL_CREDENTIAL_CODES.includes(err.code)) this.session.kill(err.code);
        throw err;
      }
    }
    const guest = res.headers.get('X-Guest-Token');
    if (guest) store.set(this.guestKey, guest);
    if (!schema) return undefined as z.infer<T>;
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success) throw new WidgetApiError('bad_response', 'Unexpected answer from the booking service', res.status);
    return parsed.data;
  }

  services(o?: FetchOptions) {
    return this.call(ServiceList, 'GET', '/services', o);
  }
  // Every other route is called from the lazily loaded flow (flow/api.ts), with its own schemas.
}
