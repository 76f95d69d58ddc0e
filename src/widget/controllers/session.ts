import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Api } from '../api.ts';
import { Session } from '../session.ts';

/**
 * The element's hold on the page's shared session: listens while the element is in the document
 * (subscribed in hostConnected, unsubscribed in hostDisconnected), so an element that a framework
 * moves keeps hearing the session's refreshes and its end, and one removed for good is forgotten.
 */
export class SessionController implements ReactiveController {
  api: Api | undefined;
  #off: (() => void) | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost, private readonly onChange: (s: Session) => void) {
    host.addController(this);
  }

  /** Uses the session for this API origin and key; undefined when they cannot work at all. */
  use(apiBase: string, key: string | undefined): Api | undefined {
    this.#off?.();
    this.#off = undefined;
    this.api = undefined;
    try {
      if (key) this.api = new Api(Session.for(apiBase, key));
    } catch {
      /* not a URL: unavailable */
    }
    if (this.#connected) this.hostConnected();
    return this.api;
  }

  hostConnected() {
    this.#connected = true;
    const s = this.api?.session;
    if (!s || this.#off) return;
    this.#off = s.subscribe(() => this.onChange(s));
    // What happened while we were away (the key revoked, a refresh) counts as heard now.
    this.onChange(s);
  }

  hostDisconnected() {
    this.#connected = false;
    this.#off?.();
    this.#off = undefined;
  }
}
