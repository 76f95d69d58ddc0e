import { LitElement, html, nothing } from 'lit';
import type { DashboardMe } from '../contract/index.ts';
import { ApiFailure, call, setCsrf, whenSignedOut } from './api.ts';
import { currentLang, initialLang, setLang, t, type Lang } from './i18n.ts';
import { field, formValues, type Ctx, type Mode } from './ui.ts';
import './pages/keys.ts';
import './pages/snippet.ts';
import './pages/business.ts';
import './pages/services.ts';
import './pages/staff.ts';
import './pages/bookings.ts';
import './pages/webhooks.ts';
import './pages/activity.ts';

const PAGES = ['keys', 'snippet', 'business', 'services', 'staff', 'bookings', 'webhooks', 'activity'] as const;
type PageName = (typeof PAGES)[number];
const LABEL: Record<PageName, () => string> = {
  keys: () => t.navKeys, snippet: () => t.navSnippet, business: () => t.navBusiness, services: () => t.navServices,
  staff: () => t.navStaff, bookings: () => t.navBookings, webhooks: () => t.navWebhooks, activity: () => t.navActivity,
};

type View = { v: 'loading' } | { v: 'signed-out'; error?: ApiFailure } | { v: 'picker' } | { v: 'ready'; business: string; mode: Mode; page: PageName };
type Theme = 'auto' | 'light' | 'dark';

/** Where the page is, in the address bar: `#/<business>/<mode>/<page>`, so a reload stays there. */
function fromHash(me: DashboardMe): View | undefined {
  const [business, mode, page] = location.hash.replace(/^#\/?/, '').split('/');
  if (!me.businesses.some((b) => b.id === business) || (mode !== 'test' && mode !== 'live')) return undefined;
  return { v: 'ready', business: business, mode, page: PAGES.includes(page as PageName) ? (page as PageName) : 'keys' };
}

/**
 * `<bw-dashboard>`: sign-in, the business picker, and the pages of one business in one mode.
 */
export class BwDashboard extends LitElement {
  static override properties = { view: { state: true }, me: { state: true }, theme: { state: true }, uiLang: { state: true } };
  view: View = { v: 'loading' };
  me: DashboardMe | undefined = undefined;
  theme: Theme = (localStorage.getItem('bw-dashboard-theme') as Theme | null) ?? 'auto';
  uiLang: Lang = initialLang();
  /** Full keys created in this tab, for the snippet (never stored: they are shown once). */
  readonly createdKeys = new Map<string, string>();

  protected override createRenderRoot() {
    return this;
  }

  override connectedCallback() {
    super.connectedCallback();
    setLang(this.uiLang);
    this.applyTheme();
    whenSignedOut(() => {
      this.me = undefined;
      this.view = { v: 'signed-out' };
    });
    addEventListener('hashchange', this.onHash);
    void this.start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    removeEventListener('hashchange', this.onHash);
  }

  private onHash = () => {
    if (!this.me) return;
    const v = fromHash(this.me);
    if (v) this.view = v;
  };

  private async start() {
    try {
      this.signedIn(await call<DashboardMe>('GET', '/me'));
    } catch {
      this.view = { v: 'signed-out' };
    }
  }

  private signedIn(me: DashboardMe) {
    this.me = me;
    setCsrf(me.csrf_token);
    const fromAddress = fromHash(me);
    if (fromAddress) this.view = fromAddress;
    else if (me.businesses.length === 1) this.go({ business: me.businesses[0].id, mode: 'test', page: 'keys' });
    else this.view = { v: 'picker' };
  }

  go(to: { business: string; mode: Mode; page: PageName }) {
    this.view = { v: 'ready', ...to };
    history.replaceState(null, '', `#/${to.business}/${to.mode}/${to.page}`);
    void this.updateComplete.then(() => this.querySelector<HTMLElement>('main h1')?.focus());
  }

  private async signIn(e: SubmitEvent) {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    try {
      this.signedIn(await call<DashboardMe>('POST', '/sign-in', { email: v.email ?? '', password: v.password ?? '' }));
    } catch (err) {
      this.view = { v: 'signed-out', error: err instanceof ApiFailure ? err : new ApiFailure(0, 'internal', String(err)) };
    }
  }

  private async signOut() {
    await call('POST', '/sign-out').catch(() => {});
    this.me = undefined;
    history.replaceState(null, '', location.pathname);
    this.view = { v: 'signed-out' };
  }

  /** Another language: this element and every page in it render their text again. */
  private relabel() {
    this.requestUpdate();
    for (const el of this.querySelectorAll<LitElement>('*')) if (el instanceof LitElement) el.requestUpdate();
  }

  private applyTheme() {
    if (this.theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.theme;
  }

  private settings() {
    return html`<div class="settings">
      <label>${t.language}
        <select @change=${(e: Event) => { this.uiLang = (e.target as HTMLSelectElement).value as Lang; localStorage.setItem('bw-dashboard-lang', this.uiLang); setLang(this.uiLang); this.relabel(); }}>
          <option value="en" ?selected=${currentLang() === 'en'}>English</option>
          <option value="de" ?selected=${currentLang() === 'de'}>Deutsch</option>
        </select></label>
      <label>${t.theme}
        <select @change=${(e: Event) => { this.theme = (e.target as HTMLSelectElement).value as Theme; localStorage.setItem('bw-dashboard-theme', this.theme); this.applyTheme(); }}>
          <option value="auto" ?selected=${this.theme === 'auto'}>${t.themeAuto}</option>
          <option value="light" ?selected=${this.theme === 'light'}>${t.themeLight}</option>
          <option value="dark" ?selected=${this.theme === 'dark'}>${t.themeDark}</option>
        </select></label>
    </div>`;
  }

  override render() {
    const v = this.view;
    if (v.v === 'loading') return html`<main id="main"><p class="muted" role="status">${t.loading}</p></main>`;
    if (v.v === 'signed-out') {
      return html`<main id="main" class="sign-in">
        <h1>${t.signInTitle}</h1>
        <form @submit=${(e: SubmitEvent) => void this.signIn(e)} novalidate>
          ${field({ label: t.email, name: 'email', type: 'email', autocomplete: 'username', required: true, error: v.error })}
          ${field({ label: t.password, name: 'password', type: 'password', autocomplete: 'current-password', required: true, error: v.error })}
          ${v.error && !v.error.fields.length ? html`<p class="error" role="alert">${v.error.message}</p>` : nothing}
          <button class="primary" type="submit">${t.signIn}</button>
        </form>
        ${this.settings()}
      </main>`;
    }
    const me = this.me!;
    if (v.v === 'picker') {
      return html`<main id="main" class="picker">
        <h1>${t.pickBusiness}</h1>
        <ul class="cards">${me.businesses.map((b) => html`<li><button type="button" @click=${() => this.go({ business: b.id, mode: 'test', page: 'keys' })}>${b.name}<small class="muted">${b.timezone}</small></button></li>`)}</ul>
        <button type="button" @click=${() => void this.signOut()}>${t.signOut}</button>
      </main>`;
    }
    const business = me.businesses.find((b) => b.id === v.business)!;
    const ctx: Ctx = { business: v.business, mode: v.mode, timezone: business.timezone };
    return html`
      <a class="skip" href="#main">${t.skip}</a>
      <header class="top">
        <strong class="brand">${t.appName}</strong>
        ${me.businesses.length > 1
          ? html`<label>${t.business}<select @change=${(e: Event) => this.go({ ...v, business: (e.target as HTMLSelectElement).value })}>
              ${me.businesses.map((b) => html`<option value=${b.id} ?selected=${b.id === v.business}>${b.name}</option>`)}</select></label>`
          : html`<span>${business.name}</span>`}
        <div class="mode-switch" role="group" aria-label=${t.mode}>
          ${(['test', 'live'] as const).map((m) => html`<button type="button" class="mode-${m}" aria-pressed=${v.mode === m ? 'true' : 'false'} @click=${() => this.go({ ...v, mode: m })}>${m === 'test' ? t.modeTest : t.modeLive}</button>`)}
        </div>
        ${this.settings()}
        <span class="muted operator-email">${me.operator.email}</span>
        <button type="button" @click=${() => void this.signOut()}>${t.signOut}</button>
      </header>
      <nav aria-label=${t.mainNav}><ul>
        ${PAGES.map((p) => html`<li><a href="#/${v.business}/${v.mode}/${p}" aria-current=${p === v.page ? 'page' : 'false'}>${LABEL[p]()}</a></li>`)}
      </ul></nav>
      <main id="main" class="mode-${v.mode}">${this.page(v.page, ctx)}</main>`;
  }

  private page(page: PageName, ctx: Ctx) {
    switch (page) {
      case 'keys': return html`<bw-dash-keys .ctx=${ctx} .app=${this}></bw-dash-keys>`;
      case 'snippet': return html`<bw-dash-snippet .ctx=${ctx} .app=${this}></bw-dash-snippet>`;
      case 'business': return html`<bw-dash-business .ctx=${ctx}></bw-dash-business>`;
      case 'services': return html`<bw-dash-services .ctx=${ctx}></bw-dash-services>`;
      case 'staff': return html`<bw-dash-staff .ctx=${ctx}></bw-dash-staff>`;
      case 'bookings': return html`<bw-dash-bookings .ctx=${ctx}></bw-dash-bookings>`;
      case 'webhooks': return html`<bw-dash-webhooks .ctx=${ctx}></bw-dash-webhooks>`;
      case 'activity': return html`<bw-dash-activity .ctx=${ctx}></bw-dash-activity>`;
    }
  }
}

customElements.define('bw-dashboard', BwDashboard);
