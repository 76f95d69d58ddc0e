import { html, nothing } from 'lit';
import { ApiKeyCreate, issuesToFields, type ApiKey } from '../../contract/index.ts';
import { ApiFailure, call } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { Page, closeDialog, copyText, field, formValues, openDialog, type Mode } from '../ui.ts';

interface Keys { test: ApiKey[]; live: ApiKey[] }
interface App { createdKeys: Map<string, string>; go(to: { business: string; mode: Mode; page: 'snippet' }): void }

const originsOf = (text: string) => text.split(/[\s,]+/).map((s) => s.trim().replace(/\/$/, '')).filter(Boolean);

/** API keys, test and live side by side: create (shown once), edit, revoke. */
export class KeysPage extends Page<Keys> {
  static override properties = { ...Page.properties, creating: { state: true }, editing: { state: true }, revoking: { state: true }, shown: { state: true } };
  declare app: App;
  creating: Mode | undefined = undefined;
  editing: ApiKey | undefined = undefined;
  revoking: ApiKey | undefined = undefined;
  shown: (ApiKey & { key: string }) | undefined = undefined;

  protected async fetch(signal: AbortSignal): Promise<Keys> {
    const at = (m: Mode) => call<{ data: ApiKey[] }>('GET', `/b/${this.ctx.business}/${m}/api-keys`, undefined, signal).then((r) => r.data);
    const [test, live] = await Promise.all([at('test'), at('live')]);
    return { test, live };
  }

  private startCreate(mode: Mode) {
    this.creating = mode;
    this.formError = undefined;
    void this.updateComplete.then(() => openDialog(this, 'key-create'));
  }

  private async create(e: SubmitEvent) {
    e.preventDefault();
    const mode = this.creating!;
    const v = formValues(e.target as HTMLFormElement);
    const body = { name: v.name ?? '', type: v.type ?? 'publishable', ...(v.type === 'secret' ? {} : { allowed_origins: originsOf(v.origins ?? '') }) };
    // The contract's own schema first, so a mistake is named at its field before any request.
    const parsed = ApiKeyCreate.safeParse(body);
    if (!parsed.success) {
      this.formError = new ApiFailure(400, 'invalid_request', 'Validation failed', issuesToFields(parsed.error.issues));
      return;
    }
    if (mode === 'live' && body.type === 'publishable' && !body.allowed_origins?.length) {
      this.formError = new ApiFailure(400, 'invalid_request', 'Validation failed', [{ property: 'allowed_origins', messages: [t.liveNeedsOrigins] }]);
      return;
    }
    let created: ApiKey & { key: string } | undefined;
    const ok = await this.change(async () => (created = await call('POST', `/b/${this.ctx.business}/${mode}/api-keys`, parsed.data)));
    if (ok && created) {
      closeDialog(this, 'key-create');
      this.creating = undefined;
      if (created.type === 'publishable') this.app.createdKeys.set(created.id, created.key);
      this.shown = created;
      await this.updateComplete;
      openDialog(this, 'key-shown');
    }
  }

  private async saveEdit(e: SubmitEvent) {
    e.preventDefault();
    const k = this.editing!;
    const v = formValues(e.target as HTMLFormElement);
    const body = { name: v.name ?? '', ...(k.type === 'publishable' ? { allowed_origins: originsOf(v.origins ?? '') } : {}) };
    if (await this.change(() => call('PATCH', `/b/${this.ctx.business}/${k.mode}/api-keys/${k.id}`, body))) {
      closeDialog(this, 'key-edit');
      this.editing = undefined;
    }
  }

  private async revoke() {
    const k = this.revoking!;
    if (await this.change(() => call('DELETE', `/b/${this.ctx.business}/${k.mode}/api-keys/${k.id}`))) {
      closeDialog(this, 'key-revoke');
      this.revoking = undefined;
    }
  }

  private originsCell(k: ApiKey) {
    if (k.type === 'secret') return html`<span class="muted">—</span>`;
    return k.allowed_origins.length ? html`<ul class="plain">${k.allowed_origins.map((o) => html`<li><code>${o}</code></li>`)}</ul>` : html`<span class="warn">${t.allOrigins}</span>`;
  }

  private table(mode: Mode, keys: ApiKey[]) {
    return html`<section class="keys keys-${mode}" aria-labelledby="keys-${mode}-h">
      <div class="section-head">
        <h2 id="keys-${mode}-h"><span class="badge badge-${mode}">${mode === 'test' ? t.modeTest : t.modeLive}</span> ${mode === 'test' ? t.keysTest : t.keysLive}</h2>
        <button type="button" class="primary" @click=${() => this.startCreate(mode)}>${t.newKeyIn(mode === 'test' ? t.modeTest : t.modeLive)}</button>
      </div>
      <p class="muted">${mode === 'test' ? t.keysTestHint : t.keysLiveHint}</p>
      ${keys.length === 0 ? html`<p class="empty">${t.noKeys}</p>` : html`<div class="table-wrap"><table>
        <thead><tr><th scope="col">${t.name}</th><th scope="col">${t.allowedOrigins}</th><th scope="col">${t.status}</th><th scope="col"><span class="sr-only">${t.edit}</span></th></tr></thead>
        <tbody>${keys.map((k) => html`<tr class=${k.status}>
          <th scope="row">${k.name}<br><code>${k.prefix}…${k.last4}</code><br><small class="muted">${k.type === 'secret' ? t.secret : t.publishable}</small></th>
          <td>${this.originsCell(k)}</td>
          <td><span class="status status-${k.status}">${k.status === 'active' ? t.active : t.revoked}</span>
            <br><small class="muted">${t.created}: ${formatDateTime(k.created_at)}</small>
            <br><small class="muted">${t.lastUsed}: ${formatDateTime(k.last_used_at)}</small></td>
          <td class="actions">${k.status === 'active' ? html`
            <button type="button" aria-label="${t.edit}: ${k.name}" @click=${() => { this.editing = k; this.formError = undefined; void this.updateComplete.then(() => openDialog(this, 'key-edit')); }}>${t.edit}</button>
            <button type="button" class="danger" aria-label="${t.revoke}: ${k.name}" @click=${() => { this.revoking = k; this.formError = undefined; void this.updateComplete.then(() => openDialog(this, 'key-revoke')); }}>${t.revoke}</button>` : nothing}</td>
        </tr>`)}</tbody></table></div>`}
    </section>`;
  }

  override render() {
    const shown = this.shown;
    return html`<h1 tabindex="-1">${t.navKeys}</h1>
      ${this.formMessage(['name', 'type', 'allowed_origins'])}
      ${this.loaded((keys) => html`<div class="side-by-side">${this.table('test', keys.test)}${this.table('live', keys.live)}</div>`)}

      <dialog id="key-create" aria-labelledby="key-create-h" @close=${() => (this.creating = undefined)}>
        ${this.creating ? html`<form @submit=${(e: SubmitEvent) => void this.create(e)} novalidate>
          <h2 id="key-create-h">${t.newKeyIn(this.creating === 'test' ? t.modeTest : t.modeLive)}</h2>
          ${field({ label: t.name, name: 'name', required: true, error: this.formError })}
          <fieldset><legend>${t.type}</legend>
            <label><input type="radio" name="type" value="publishable" checked> ${t.publishable}</label>
            <label><input type="radio" name="type" value="secret"> ${t.secret}</label>
          </fieldset>
          ${field({ label: t.allowedOrigins, name: 'origins', errorName: 'allowed_origins', textarea: true, error: this.formError, hint: `${t.allowedOriginsHint}. ${this.creating === 'live' ? t.liveNeedsOrigins : `${t.allOrigins}: ∅`}` })}
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'key-create')}>${t.cancel}</button><button class="primary" type="submit">${t.create}</button></div>
        </form>` : nothing}
      </dialog>

      <dialog id="key-shown" aria-labelledby="key-shown-h" @close=${() => (this.shown = undefined)}>
        ${shown ? html`<h2 id="key-shown-h">${t.yourNewKey}: ${shown.name}</h2>
          <p class="warn" role="alert">${t.keyShownOnce}</p>
          <p><code class="secret-value" data-testid="new-key">${shown.key}</code></p>
          <div class="buttons">
            <button type="button" class="primary" @click=${(e: Event) => void copyText(shown.key, e.currentTarget as HTMLButtonElement)}>${t.copy}</button>
            ${shown.type === 'publishable' ? html`<button type="button" @click=${() => { closeDialog(this, 'key-shown'); this.app.go({ business: this.ctx.business, mode: shown.mode, page: 'snippet' }); }}>${t.useInSnippet}</button>` : nothing}
            <button type="button" @click=${() => closeDialog(this, 'key-shown')}>${t.close}</button>
          </div>` : nothing}
      </dialog>

      <dialog id="key-edit" aria-labelledby="key-edit-h" @close=${() => (this.editing = undefined)}>
        ${this.editing ? html`<form @submit=${(e: SubmitEvent) => void this.saveEdit(e)} novalidate>
          <h2 id="key-edit-h">${t.edit}: ${this.editing.name}</h2>
          ${field({ label: t.name, name: 'name', value: this.editing.name, error: this.formError })}
          ${this.editing.type === 'publishable' ? field({ label: t.allowedOrigins, name: 'origins', errorName: 'allowed_origins', textarea: true, value: this.editing.allowed_origins.join('\n'), error: this.formError, hint: t.allowedOriginsHint }) : nothing}
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'key-edit')}>${t.cancel}</button><button class="primary" type="submit">${t.save}</button></div>
        </form>` : nothing}
      </dialog>

      <dialog id="key-revoke" aria-labelledby="key-revoke-h" @close=${() => (this.revoking = undefined)}>
        ${this.revoking ? html`<h2 id="key-revoke-h">${t.revokeTitle}</h2>
          <p><strong>${this.revoking.name}</strong> <code>${this.revoking.prefix}…${this.revoking.last4}</code></p>
          <p class="warn">${t.revokeWarning}</p>
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'key-revoke')}>${t.cancel}</button>
            <button type="button" class="danger" @click=${() => void this.revoke()}>${t.revoke}</button></div>` : nothing}
      </dialog>`;
  }
}
customElements.define('bw-dash-keys', KeysPage);
