import { css, html, nothing, type ReactiveController } from 'lit';
import type * as z from 'zod/mini';
import type { Api } from '../api.ts';
import type { BookingWidget } from '../booking-widget.ts';
import { accountMessages } from './messages.ts';
import { WidgetApiError } from '../net.ts';
import { store } from '../storage.ts';
import { browserKey, dropKey, proof, supported } from './dpop.ts';

// Customer accounts in the widget (decision 012): a chunk of its own, loaded only by a widget with
// `accounts="optional"`. Sign-in, sign-up, the code step, a forgotten password, the links mailed
// back to the page (`?bw_verify=`, `?bw_reset=`), "My bookings", sign-out. Refresh tokens are bound
// to this browser's non-extractable key (dpop.ts); a refresh happens once per browser (one promise
// per page, a Web Lock across tabs), and a family the server ended signs the customer out.

interface Stored { access: string; refresh: string; /** Access expiry on the server's clock (ms). */ exp: number; profile?: Profile | undefined }
type Mode = 'choose' | 'signin' | 'code' | 'create' | 'forgot' | 'guest' | 'reset';
// The answers this chunk reads (API.md "Customer accounts"), checked by hand for what it uses: the
// contract's zod schemas (src/contract/accounts.ts) would bring request checks and more of zod into
// the flow chunk (which holds zod), and so onto every customer's path, accounts or not.
type Check<T> = z.ZodMiniType<T>;
const shape = <T>(ok: (v: Record<string, unknown>) => boolean) =>
  ({ safeParse: (v: unknown) => (v && typeof v === 'object' && ok(v as Record<string, unknown>) ? { success: true, data: v } : { success: false }) }) as unknown as Check<T>;
const str = (v: unknown) => typeof v === 'string';
interface Pair { access: string; refresh: string; expires_in: number }
const TokenPair = shape<Pair>((v) => str(v.access) && str(v.refresh) && typeof v.expires_in === 'number');
const SignInResponse = shape<Partial<Pair> & { otp_required?: boolean }>((v) => v.otp_required === true || (str(v.access) && str(v.refresh)));
interface Profile { name: string; email: string; phone: string | null; email_verified: boolean }
const CustomerProfile = shape<Profile>((v) => str(v.name) && str(v.email) && typeof v.email_verified === 'boolean');
const Accepted = shape<{ status: string }>((v) => str(v.status));
interface MyBooking { id: string; start: string; status: string; manage_token?: string }
const MyBookings = shape<{ data: MyBooking[] }>((v) => Array.isArray(v.data) && v.data.every((b: MyBooking) => str(b.id) && str(b.start) && str(b.status)));

/** Paths that take the session, never the customer's token (the token is what they make or end). */
const SESSION_ONLY = /^\/auth\/(sign-in|sign-up|otp|refresh|sign-out|request-password-reset|reset-password)/;
/** The panel's few rules, adopted by the element's shadow root when the chunk arrives (no style attribute: strict CSP). */
const styles = css`
  .account { border: 1px solid var(--_border); border-radius: var(--_radius); padding: var(--_space, 12px); margin-block-end: var(--_space, 12px); }
  .account form { margin: 0; }
  .mine { list-style: none; padding: 0; margin: 8px 0 0; }
  .mine li { display: flex; justify-content: space-between; align-items: center; gap: 8px; padding-block: 4px; }
`;
/** Refresh this long before the access token ends. */
const EARLY_MS = 60_000;

export class Accounts implements ReactiveController {
  mode: Mode = 'choose';
  notice: { text: string; bad?: boolean } | undefined;
  busy = false;
  bookings: MyBooking[] | undefined;
  /** What the customer types into the account's own fields. */
  form = { email: '', password: '', code: '' };
  #inflight: Promise<Stored | undefined> | undefined;
  #linked: { verify?: string | undefined; reset?: string | undefined } = {};
  #api: Api | undefined;

  constructor(readonly host: BookingWidget) {
    host.addController(this);
    const root = host.renderRoot as ShadowRoot;
    if (styles.styleSheet && root.adoptedStyleSheets) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet];
    const url = globalThis.location && new URL(location.href);
    // The mailed links' tokens leave the address bar at once (history, analytics, Referer).
    const verify = url?.searchParams.get('bw_verify') ?? undefined;
    const reset = url?.searchParams.get('bw_reset') ?? undefined;
    if (verify || reset) {
      this.#linked = { verify, reset };
      url.searchParams.delete('bw_verify');
      url.searchParams.delete('bw_reset');
      history.replaceState(history.state, '', url);
      if (reset) this.mode = 'reset';
    }
  }

  get msg() {
    return accountMessages(this.host.lang$);
  }

  get api(): Api | undefined {
    return this.host.flow.api;
  }

  /** Where this browser's tokens for the key live, and the name of its key pair and lock. */
  get #key() {
    const s = this.api!.session;
    return `bw:account:${new URL(s.apiBase).origin}:${s.key}`;
  }

  get #on() {
    return this.api?.session.data?.business.accounts === 'optional' && supported();
  }

  get stored(): Stored | undefined {
    return this.api ? store.get<Stored>(this.#key) : undefined;
  }

  hostConnected() {
    void this.host.updateComplete.then(() => this.#attach());
  }

  hostUpdated() {
    this.#attach();
  }

  /** Hooks into the page's API client once it is there: a signed-in customer's calls carry the access token. */
  #attach() {
    const api = this.api;
    if (!api || api === this.#api || !api.session.data) return;
    this.#api = api;
    api.bearer = (path) => (SESSION_ONLY.test(path) || !this.stored ? Promise.resolve(undefined) : this.access());
    api.refused = () => this.#signedOut(this.msg.revoked);
    this.#prefill();
    if (this.#linked.verify) void this.#verify();
    this.host.requestUpdate();
  }

  /** A usable access token, refreshed first when it is about to end; undefined when signed out. */
  async access(): Promise<string | undefined> {
    const t = this.stored;
    if (!t) return undefined;
    if (t.exp - this.api!.session.serverNow() > EARLY_MS) return t.access;
    return (await this.refresh(t.refresh))?.access;
  }

  /**
   * One refresh per browser: one promise per page, and across tabs a Web Lock, inside which the
   * stored pair is read again (another tab may have refreshed meanwhile). A tab that still sends
   * the token another tab just replaced is answered the same pair by the server (its 10 s grace).
   */
  refresh(stale: string): Promise<Stored | undefined> {
    this.#inflight ??= (async () => {
      const run = async () => {
        const now = this.stored;
        if (!now) return undefined;
        if (now.refresh !== stale && now.exp - this.api!.session.serverNow() > EARLY_MS) return now;
        try {
          const pair = await this.#signed('/auth/refresh', { refresh: now.refresh }, TokenPair);
          return this.#save(pair, now.profile);
        } catch (err) {
          if (err instanceof WidgetApiError && err.status === 401) {
            this.#signedOut(this.msg.revoked);
            return undefined;
          }
          throw err;
        }
      };
      const locks = globalThis.navigator?.locks;
      return locks?.request ? locks.request(`bw-account|${this.#key}`, run) : run();
    })().finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  /** A call that signs in (or refreshes): with a DPoP proof from this browser's key; a proof refused in transit is made again once. */
  async #signed<T extends z.ZodMiniType>(path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const api = this.api!;
    const key = await browserKey(this.#key);
    const url = `${api.session.apiBase}/api/v1${path}`;
    const send = async () => api.call(schema, 'POST', path, { body, headers: { DPoP: await proof(key, 'POST', url, api.session.serverNow()) } });
    try {
      return await send();
    } catch (err) {
      if (err instanceof WidgetApiError && err.status === 401 && /DPoP/.test(err.message)) return send();
      throw err;
    }
  }

  #save(pair: Pair, profile?: Profile): Stored {
    const t: Stored = { access: pair.access, refresh: pair.refresh, exp: this.api!.session.serverNow() + pair.expires_in * 1000, profile };
    store.set(this.#key, t);
    this.host.requestUpdate();
    return t;
  }

  #signedOut(text: string) {
    if (!this.api) return;
    store.remove(this.#key);
    this.bookings = undefined;
    this.mode = 'choose';
    this.notice = { text, bad: true };
    this.host.flow.announce = text;
    this.host.requestUpdate();
  }

  /** The signed-in customer's details fill the form's empty fields. */
  #prefill() {
    const p = this.stored?.profile;
    const f = this.host.flow;
    if (p) f.values = { ...f.values, name: f.values.name || p.name, email: f.values.email || p.email, phone: f.values.phone || (p.phone ?? '') };
  }

  async #signedIn(pair: Pair) {
    const t = this.#save(pair);
    const profile = await this.api!.call(CustomerProfile, 'GET', '/customers/me');
    store.set(this.#key, { ...t, profile });
    this.mode = 'choose';
    this.form = { email: '', password: '', code: '' };
    this.#prefill();
    if (this.#linked.verify) await this.#verify();
  }

  /** Runs an account action: its buttons wait, and a failure says what happened. */
  async #act(work: () => Promise<unknown>) {
    this.busy = true;
    this.notice = undefined;
    this.host.requestUpdate();
    try {
      await work();
    } catch (err) {
      const e = err instanceof WidgetApiError ? err : new WidgetApiError('internal', String(err));
      const field = e.fields[0]?.messages[0];
      this.notice = { text: e.status === 401 || e.status === 403 ? this.msg.wrong : field ?? (e.code === 'network' ? this.host.msg.offline : this.host.msg.somethingWrong), bad: true };
    } finally {
      this.busy = false;
      if (this.notice) this.host.flow.announce = this.notice.text;
      this.host.requestUpdate();
    }
  }

  #page() {
    const u = new URL(location.href);
    return `${u.pathname}${u.search}`;
  }

  signIn() {
    return this.#act(async () => {
      const r = await this.#signed('/auth/sign-in', { email: this.form.email.trim(), password: this.form.password }, SignInResponse);
      if (r.otp_required || !r.access || !r.refresh || r.expires_in === undefined) {
        this.mode = 'code';
        this.notice = { text: this.msg.codeSent };
        return;
      }
      await this.#signedIn({ access: r.access, refresh: r.refresh, expires_in: r.expires_in });
    });
  }

  confirmCode() {
    return this.#act(async () => this.#signedIn(await this.#signed('/auth/otp/verify', { email: this.form.email.trim(), otp: this.form.code.trim() }, TokenPair)));
  }

  create() {
    const v = this.host.flow.values;
    if (!v.name.trim() || !v.email.trim()) {
      this.notice = { text: this.msg.fillFirst, bad: true };
      this.host.requestUpdate();
      return;
    }
    return this.#act(async () => {
      const body = { email: v.email.trim(), name: v.name.trim(), password: this.form.password, page: this.#page(), locale: this.host.lang$ };
      await this.#signedIn(await this.#signed('/auth/sign-up', body, TokenPair));
      this.notice = { text: this.msg.verifySent };
    });
  }

  forgot() {
    return this.#act(async () => {
      await this.api!.call(Accepted, 'POST', '/auth/request-password-reset', { body: { email: this.form.email.trim(), page: this.#page(), locale: this.host.lang$ } });
      this.mode = 'signin';
      this.notice = { text: this.msg.linkSent };
    });
  }

  reset() {
    const token = this.#linked.reset;
    return this.#act(async () => {
      await this.api!.call(null, 'POST', '/auth/reset-password', { body: { token, password: this.form.password } });
      this.#linked.reset = undefined;
      store.remove(this.#key);
      this.form.password = '';
      this.mode = 'signin';
      this.notice = { text: this.msg.resetDone };
    });
  }

  resend() {
    return this.#act(async () => {
      await this.api!.call(Accepted, 'POST', '/auth/request-email-verification', { body: { page: this.#page() } });
      this.notice = { text: this.msg.verifySent };
    });
  }

  /** A verification link: confirmed when signed in to its account; otherwise the customer is asked to sign in first. */
  async #verify() {
    if (!this.stored) {
      this.mode = 'signin';
      this.notice = { text: this.msg.verifySignIn };
      return;
    }
    const token = this.#linked.verify;
    this.#linked.verify = undefined;
    try {
      const profile = await this.api!.call(CustomerProfile, 'POST', '/auth/verify-email', { body: { token } });
      const t = this.stored;
      if (t) store.set(this.#key, { ...t, profile });
      this.notice = { text: this.msg.verified };
    } catch {
      this.notice = { text: this.msg.linkBad, bad: true };
    }
    this.host.requestUpdate();
  }

  toggleBookings() {
    if (this.bookings) {
      this.bookings = undefined;
      this.host.requestUpdate();
      return;
    }
    return this.#act(async () => {
      this.bookings = (await this.api!.call(MyBookings, 'GET', '/customers/me/bookings')).data;
    });
  }

  /** Signs out: the server ends this device's family; the tokens and the key pair are forgotten here. */
  signOut() {
    return this.#act(async () => {
      const t = this.stored;
      store.remove(this.#key);
      this.bookings = undefined;
      const f = this.host.flow;
      f.values = { name: '', email: '', phone: '', notes: f.values.notes };
      await dropKey(this.#key).catch(() => {});
      if (t) await this.api!.call(null, 'POST', '/auth/sign-out', { body: { refresh: t.refresh } }).catch(() => {});
      this.notice = { text: this.msg.signedOut };
    });
  }

  #go(mode: Mode) {
    this.mode = mode;
    this.notice = undefined;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.host.renderRoot.querySelector<HTMLElement>('.account input, .account [data-first]')?.focus());
  }

  // ---------------------------------------------------------------- the view

  #field(name: 'email' | 'password' | 'code', label: string, type: string, autocomplete: string) {
    const id = `bw-account-${name}`;
    return html`<label part="label" for=${id}>${label}
      <input id=${id} part="input" type=${type} autocomplete=${autocomplete} required .value=${this.form[name]}
        inputmode=${name === 'code' ? 'numeric' : nothing} @input=${(e: Event) => (this.form[name] = (e.target as HTMLInputElement).value)} /></label>`;
  }

  #form(submit: () => unknown, label: string, fields: unknown, extra: unknown = nothing) {
    return html`<form novalidate @submit=${(e: Event) => { e.preventDefault(); void submit(); }}>${fields}
      <div class="row"><button type="submit" part="button primary" class="primary" ?disabled=${this.busy}>${this.busy ? this.msg.busy : label}</button>${extra}
      <button type="button" part="button" @click=${() => this.#go('choose')}>${this.msg.cancel}</button></div></form>`;
  }

  #bookings() {
    const list = this.bookings;
    if (!list) return nothing;
    const f = this.host.flow;
    const fmt = new Intl.DateTimeFormat(this.host.lang$, { dateStyle: 'medium', timeStyle: 'short', timeZone: f.zone, hour12: f.h12 });
    return list.length
      ? html`<ul class="mine">${list.map((b) => html`<li><span>${fmt.format(new Date(b.start))}${b.status === 'cancelled' ? ` · ${this.host.msg.cancelled}` : ''}</span>
          ${b.manage_token ? html`<button part="button" @click=${() => void f.openManage(b.id, b.manage_token)}>${this.msg.open}</button>` : nothing}</li>`)}</ul>`
      : html`<p class="muted">${this.msg.noBookings}</p>`;
  }

  render() {
    const step = this.host.flow.state.step;
    if (step === 'loading' || step === 'unavailable' || !this.api?.session.data) return nothing;
    const m = this.msg;
    const note = this.notice ? html`<p class="notice ${this.notice.bad ? 'bad' : ''}" part="notice" role=${this.notice.bad ? 'alert' : 'status'}>${this.notice.text}</p>` : nothing;
    if (this.api.session.data.business.accounts !== 'optional') return nothing;
    if (!this.#on) return step === 'details' ? html`<p class="notice account" part="notice">${m.unsupported}</p>` : nothing;
    const t = this.stored;
    let body;
    if (this.mode === 'reset' && this.#linked.reset) {
      body = html`<p><strong>${m.resetTitle}</strong></p>${this.#form(() => this.reset(), m.confirm, this.#field('password', m.newPassword, 'password', 'new-password'))}`;
    } else if (t) {
      const p = t.profile;
      body = html`<div class="row spread"><span>${m.signedInAs(p?.name ?? '')}</span><span class="row">
          <button part="button" aria-expanded=${this.bookings ? 'true' : 'false'} @click=${() => void this.toggleBookings()}>${this.bookings ? m.hideBookings : m.myBookings}</button>
          <button part="button" @click=${() => void this.signOut()}>${m.signOut}</button></span></div>
        ${p && !p.email_verified ? html`<p class="muted">${m.notVerified} <button part="button" @click=${() => void this.resend()}>${m.resend}</button></p>` : nothing}
        ${this.#bookings()}`;
    } else if (this.mode === 'signin') {
      body = this.#form(() => this.signIn(), m.signIn, html`${this.#field('email', this.host.msg.email, 'email', 'email')}${this.#field('password', m.password, 'password', 'current-password')}`,
        html`<button type="button" part="button" @click=${() => this.#go('forgot')}>${m.forgot}</button>`);
    } else if (this.mode === 'code') {
      body = this.#form(() => this.confirmCode(), m.confirm, this.#field('code', m.code, 'text', 'one-time-code'));
    } else if (this.mode === 'forgot') {
      body = this.#form(() => this.forgot(), m.sendLink, this.#field('email', this.host.msg.email, 'email', 'email'));
    } else if (this.mode === 'create' && step === 'details') {
      body = html`<p class="muted">${m.createHint}</p>${this.#form(() => this.create(), m.createAccount, this.#field('password', m.newPassword, 'password', 'new-password'))}`;
    } else if (step === 'details') {
      body = html`<div class="row" role="group" aria-label=${m.account}>
        <button part="button" data-first @click=${() => this.#go('signin')}>${m.signIn}</button>
        <button part="button" @click=${() => this.#go('create')}>${m.createAccount}</button>
        <button part="button" aria-pressed=${this.mode === 'guest' ? 'true' : 'false'} @click=${() => this.#go('guest')}>${m.asGuest}</button></div>`;
    } else {
      return note === nothing ? nothing : html`<section class="account" aria-label=${m.account}>${note}</section>`;
    }
    return html`<section class="account" part="account" aria-label=${m.account}>${note}${body}</section>`;
  }
}
