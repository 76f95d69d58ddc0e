import type * as z from 'zod/mini';
import { FATAL_CREDENTIAL_CODES } from '../contract/codes.ts';
import { WidgetApiError, schemas, send, type FetchOptions } from './net.ts';
import type { Session } from './session.ts';
import { keys, store } from './storage.ts';

/**
 * The widget's one API client. Every answer is parsed with the contract's schemas; a 401
 * `session_expired` refreshes the session and retries once; a dead key stops the session.
 */
export interface MonthQuery { service_id: string; from: string; to: string; timezone: string; staff_id?: string | undefined }

/** `auth`: the session (default), none, or `'key'`: the publishable key itself (the catalog reads of a cold first paint). */
export type CallOptions = FetchOptions & { body?: unknown; headers?: Record<string, string>; auth?: boolean | 'key' };

export class Api {
  /** A signed-in customer's access token for this path, when the accounts chunk is here (decision 012); else the session's. */
  bearer?: ((path: string) => Promise<string | undefined>) | undefined;
  /** Told when the customer's token was refused: the call goes on with the session. */
  refused?: (() => void) | undefined;

  constructor(readonly session: Session) {}

  /** Where this browser's guest token for the business lives. */
  get guestKey() {
    return keys.guest(this.session.apiBase, this.session.data?.business.id);
  }

  /**
   * One request: auth, guest token, retries and parsing; `schema` null for answers without a
   * body, or a function that loads it (the first paint's schemas arrive beside the request).
   */
  async call<T extends z.ZodMiniType>(
    schema: T | null | (() => Promise<T>), method: string, path: string,
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
    const customer = auth && o.auth !== 'key' ? await this.bearer?.(path) : undefined;
    let res: Response;
    try {
      res = await attempt(o.auth === 'key' ? this.session.key : customer ?? (auth ? (await this.session.get()).token : undefined));
    } catch (err) {
      if (!(err instanceof WidgetApiError)) throw err;
      if (customer && err.status === 401) {
        this.refused?.();
        res = await attempt((await this.session.get()).token);
      } else if (auth && o.auth !== 'key' && err.code === 'session_expired') {
        res = await attempt((await this.session.refresh(this.session.data?.token)).token);
      } else {
        // An account route's 401 is about the customer's password, code or token, not the key (decision 012).
        if (auth && FATAL_CREDENTIAL_CODES.includes(err.code) && !(err.status === 401 && path.startsWith('/auth/'))) this.session.kill(err.code);
        throw err;
      }
    }
    const guest = res.headers.get('X-Guest-Token');
    if (guest) store.set(this.guestKey, guest);
    if (!schema) return undefined as z.infer<T>;
    const parsed = (typeof schema === 'function' ? await schema() : schema).safeParse(await res.json());
    if (!parsed.success) throw new WidgetApiError('bad_response', 'Unexpected answer from the booking service', res.status);
    return parsed.data;
  }

  services(o?: CallOptions) {
    return this.call(() => schemas().then((s) => s.ServiceList), 'GET', '/services', o);
  }

  /** Free times; here rather than in the flow so a preselected service's month can be asked for beside the service list. */
  availability(q: MonthQuery, o?: CallOptions) {
    const query = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
    return this.call(() => schemas().then((s) => s.AvailabilityResponse), 'GET', `/availability?${query}`, o);
  }
  // Every other route is called from the lazily loaded flow (flow/api.ts), with its own schemas.
}
