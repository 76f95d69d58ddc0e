import { html, nothing } from 'lit';
import type { AdminService, ApiKey } from '../../contract/index.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { Page, copyText, type Mode } from '../ui.ts';

interface Data { keys: ApiKey[]; services: AdminService[]; page: string | null }
interface App { createdKeys: Map<string, string> }

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
let widgetLoaded: Promise<unknown> | undefined;

/**
 * The snippet to paste, with a live preview of the real widget (widget.js from this server) run
 * with a test key: the dashboard's own origin must then be one the key allows.
 */
export class SnippetPage extends Page<Data> {
  static override properties = { ...Page.properties, opts: { state: true } };
  declare app: App;
  opts = { key: '', service: '', locale: '', theme: 'light', accent: '', radius: '', density: 'comfortable' };

  protected async fetch(signal: AbortSignal): Promise<Data> {
    const [keys, services, business] = await Promise.all([
      call<{ data: ApiKey[] }>('GET', `${this.base}/api-keys`, undefined, signal),
      call<{ data: AdminService[] }>('GET', `${this.base}/services`, undefined, signal),
      call<{ booking_page_url: string | null }>('GET', `${this.base}/business`, undefined, signal),
    ]);
    if (!this.opts.key) {
      const known = keys.data.find((k) => k.status === 'active' && this.app.createdKeys.has(k.id));
      if (known) this.opts = { ...this.opts, key: this.app.createdKeys.get(known.id)! };
    }
    return { keys: keys.data, services: services.data, page: business.booking_page_url };
  }

  private set(name: keyof SnippetPage['opts'], value: string) {
    this.opts = { ...this.opts, [name]: value.trim() };
  }

  private snippet(d: Data) {
    const o = this.opts;
    const attrs: [string, string][] = [['publishable-key', o.key || 'pk_…']];
    if (o.service) attrs.push(['service', o.service]);
    if (o.locale) attrs.push(['locale', o.locale]);
    if (o.theme !== 'light') attrs.push(['theme', o.theme]);
    if (o.accent) attrs.push(['accent', o.accent]);
    if (o.radius) attrs.push(['radius', o.radius]);
    if (o.density !== 'comfortable') attrs.push(['density', o.density]);
    return `<script type="module" src="${location.origin}/widget.js"></script>\n<booking-widget ${attrs.map(([k, v]) => `${k}="${attr(v)}"`).join(' ')}>\n  <a href="${attr(d.page ?? location.origin)}">Book online</a>\n</booking-widget>`;
  }

  /** The key behind what was pasted, by its visible prefix and last four characters. */
  private keyOf(d: Data): ApiKey | undefined {
    const k = this.opts.key;
    return d.keys.find((x) => x.type === 'publishable' && k.startsWith(x.prefix) && k.endsWith(x.last4));
  }

  private async allowHere(key: ApiKey) {
    await this.change(() => call('PATCH', `${this.base}/api-keys/${key.id}`, { allowed_origins: [...key.allowed_origins, location.origin] }));
  }

  private preview(d: Data) {
    const o = this.opts;
    if (!o.key.startsWith('pk_test_')) return html`<p class="muted">${t.previewNeedsTestKey}</p>`;
    const key = this.keyOf(d);
    if (key && key.allowed_origins.length && !key.allowed_origins.includes(location.origin)) {
      return html`<p class="warn">${t.previewOriginMissing(location.origin)}</p>
        <button type="button" @click=${() => void this.allowHere(key)}>${t.allowHere}</button>`;
    }
    widgetLoaded ??= import(/* @vite-ignore */ `${location.origin}/widget.js`);
    return html`<div class="preview-frame"><booking-widget publishable-key=${o.key} service=${o.service || nothing} locale=${o.locale || nothing}
      theme=${o.theme} accent=${o.accent || nothing} radius=${o.radius || nothing} density=${o.density}>
      <a href=${d.page ?? location.origin}>Book online</a></booking-widget></div>`;
  }

  override render() {
    const o = this.opts;
    const mode: Mode = this.ctx.mode;
    return html`<h1 tabindex="-1">${t.snippetTitle}</h1>
      ${this.formMessage()}
      ${this.loaded((d) => {
        const known = d.keys.filter((k) => k.status === 'active' && this.app.createdKeys.has(k.id));
        const text = this.snippet(d);
        return html`<div class="snippet-grid">
          <form class="stack" @submit=${(e: Event) => e.preventDefault()}>
            ${known.length ? html`<div class="field"><label for="sn-known">${t.publishableKey}</label>
              <select id="sn-known" @change=${(e: Event) => this.set('key', this.app.createdKeys.get((e.target as HTMLSelectElement).value) ?? '')}>
                <option value="">—</option>
                ${known.map((k) => html`<option value=${k.id} ?selected=${this.app.createdKeys.get(k.id) === o.key}>${k.name} (${k.prefix}…${k.last4})</option>`)}
              </select></div>` : nothing}
            <div class="field"><label for="sn-key">${t.pasteKey}</label>
              <input id="sn-key" .value=${o.key} autocomplete="off" spellcheck="false" aria-describedby="sn-key-hint" @change=${(e: Event) => this.set('key', (e.target as HTMLInputElement).value)}>
              <small id="sn-key-hint" class="muted">${t.pasteKeyHint} (${mode === 'test' ? t.modeTest : t.modeLive})</small></div>
            <div class="field"><label for="sn-service">${t.service}</label>
              <select id="sn-service" @change=${(e: Event) => this.set('service', (e.target as HTMLSelectElement).value)}>
                <option value="">${t.anyService}</option>
                ${d.services.filter((s) => s.active).map((s) => html`<option value=${s.id} ?selected=${s.id === o.service}>${s.name}</option>`)}
              </select></div>
            <div class="field"><label for="sn-locale">${t.locale}</label>
              <select id="sn-locale" @change=${(e: Event) => this.set('locale', (e.target as HTMLSelectElement).value)}>
                <option value="">${t.localeAuto}</option><option value="en">English</option><option value="de">Deutsch</option><option value="ar">العربية</option>
              </select></div>
            <div class="field"><label for="sn-theme">${t.theme}</label>
              <select id="sn-theme" @change=${(e: Event) => this.set('theme', (e.target as HTMLSelectElement).value)}>
                <option value="light">${t.themeLight}</option><option value="dark">${t.themeDark}</option><option value="auto">${t.themeAuto}</option>
              </select></div>
            <div class="field"><label for="sn-accent">${t.accent}</label>
              <input id="sn-accent" type="color" .value=${o.accent || '#4f46e5'} @change=${(e: Event) => this.set('accent', (e.target as HTMLInputElement).value)}></div>
            <div class="field"><label for="sn-radius">${t.radius}</label>
              <select id="sn-radius" @change=${(e: Event) => this.set('radius', (e.target as HTMLSelectElement).value)}>
                <option value="">10px</option><option value="0px">0px</option><option value="4px">4px</option><option value="16px">16px</option><option value="24px">24px</option>
              </select></div>
            <div class="field"><label for="sn-density">${t.density}</label>
              <select id="sn-density" @change=${(e: Event) => this.set('density', (e.target as HTMLSelectElement).value)}>
                <option value="comfortable">${t.comfortable}</option><option value="compact">${t.compact}</option>
              </select></div>
          </form>
          <section aria-labelledby="sn-code-h">
            <h2 id="sn-code-h">${t.snippet}</h2>
            <pre class="code" data-testid="snippet">${text}</pre>
            <button type="button" class="primary" @click=${(e: Event) => void copyText(text, e.currentTarget as HTMLButtonElement)}>${t.copySnippet}</button>
            <h2>${t.preview}</h2>
            ${this.preview(d)}
          </section>
        </div>`;
      })}`;
  }
}
customElements.define('bw-dash-snippet', SnippetPage);
