import { html, nothing } from 'lit';
import { WEBHOOK_EVENTS, type Webhook, type WebhookDelivery } from '../../contract/index.ts';
import { call } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { Page, checkedValues, closeDialog, copyText, field, formValues, openDialog } from '../ui.ts';

/** Webhook endpoints: add (the secret shown once), on/off, delete, the delivery log and retries. */
export class WebhooksPage extends Page<Webhook[]> {
  static override properties = { ...Page.properties, secret: { state: true }, deliveries: { state: true } };
  secret: string | undefined = undefined;
  deliveries: { hook: Webhook; list: WebhookDelivery[] | undefined } | undefined = undefined;

  protected async fetch(signal: AbortSignal) {
    return (await call<{ data: Webhook[] }>('GET', `${this.base}/webhooks`, undefined, signal)).data;
  }

  private async add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    let made: (Webhook & { secret: string }) | undefined;
    if (await this.change(async () => (made = await call('POST', `${this.base}/webhooks`, { url: v.url?.trim() ?? '', events: checkedValues(form, 'events') })))) {
      closeDialog(this, 'wh-new');
      this.secret = made?.secret;
      await this.updateComplete;
      openDialog(this, 'wh-secret');
    }
  }

  private async showDeliveries(hook: Webhook) {
    this.deliveries = { hook, list: undefined };
    await this.updateComplete;
    openDialog(this, 'wh-deliveries');
    const list = (await call<{ data: WebhookDelivery[] }>('GET', `${this.base}/webhooks/${hook.id}/deliveries`).catch(() => ({ data: [] }))).data;
    this.deliveries = { hook, list };
  }

  private async retry(hook: Webhook, d: WebhookDelivery) {
    await this.change(() => call('POST', `${this.base}/webhooks/${hook.id}/deliveries/${d.id}/retry`));
    await this.showDeliveries(hook);
  }

  override render() {
    const dl = this.deliveries;
    return html`<div class="section-head"><h1 tabindex="-1">${t.navWebhooks}</h1>
        <button type="button" class="primary" @click=${() => { this.formError = undefined; openDialog(this, 'wh-new'); }}>${t.newWebhook}</button></div>
      ${this.formMessage(['url', 'events'])}
      ${this.loaded((hooks) => hooks.length === 0 ? html`<p class="empty">${t.noWebhooks}</p>` : html`<ul class="cards">${hooks.map((h) => html`<li class="card">
        <h2><code>${h.url}</code></h2>
        <p class="muted">${h.events.join(', ')} · ${formatDateTime(h.created_at)}</p>
        ${h.disabled_reason ? html`<p class="warn">${h.disabled_reason}</p>` : nothing}
        <div class="buttons">
          <label class="switch"><input type="checkbox" .checked=${h.active} @change=${(e: Event) => void this.change(() => call('PATCH', `${this.base}/webhooks/${h.id}`, { active: (e.target as HTMLInputElement).checked }))}> ${h.active ? t.on : t.off}</label>
          <button type="button" @click=${() => void this.showDeliveries(h)}>${t.deliveries}</button>
          <button type="button" class="danger" aria-label="${t.delete}: ${h.url}" @click=${() => void this.change(() => call('DELETE', `${this.base}/webhooks/${h.id}`))}>${t.delete}</button>
        </div></li>`)}</ul>`)}
      <dialog id="wh-new" aria-labelledby="wh-new-h">
        <form @submit=${(e: SubmitEvent) => void this.add(e)} novalidate>
          <h2 id="wh-new-h">${t.newWebhook}</h2>
          ${field({ label: t.url, name: 'url', type: 'url', required: true, error: this.formError, hint: 'https://example.com/hooks/bookings' })}
          <fieldset><legend>${t.events}</legend>${WEBHOOK_EVENTS.map((ev) => html`<label><input type="checkbox" name="events" value=${ev} checked> <code>${ev}</code></label>`)}
            ${this.formError?.field('events') ? html`<small class="field-error">${this.formError.field('events')}</small>` : nothing}</fieldset>
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'wh-new')}>${t.cancel}</button><button class="primary" type="submit">${t.create}</button></div>
        </form>
      </dialog>
      <dialog id="wh-secret" aria-labelledby="wh-secret-h" @close=${() => (this.secret = undefined)}>
        ${this.secret ? html`<h2 id="wh-secret-h">${t.signingSecret}</h2><p class="warn" role="alert">${t.secretShownOnce}</p>
          <p><code class="secret-value">${this.secret}</code></p>
          <div class="buttons"><button type="button" class="primary" @click=${(e: Event) => void copyText(this.secret!, e.currentTarget as HTMLButtonElement)}>${t.copy}</button>
            <button type="button" @click=${() => closeDialog(this, 'wh-secret')}>${t.close}</button></div>` : nothing}
      </dialog>
      <dialog id="wh-deliveries" aria-labelledby="wh-del-h" @close=${() => (this.deliveries = undefined)}>
        ${dl ? html`<h2 id="wh-del-h">${t.deliveries}: <code>${dl.hook.url}</code></h2>
          ${dl.list === undefined ? html`<p role="status">${t.loading}</p>` : dl.list.length === 0 ? html`<p class="empty">${t.noDeliveries}</p>` : html`<ul class="plain">
            ${dl.list.map((d) => html`<li><strong>${d.event_type}</strong> · ${d.status} · ${formatDateTime(d.created_at)}
              <details><summary>${t.attempts}: ${d.attempts.length}</summary><ul>${d.attempts.map((a) => html`<li>${formatDateTime(a.at)} · ${a.status_code ?? '—'} · ${a.duration_ms} ms ${a.error ? `· ${a.error}` : ''}</li>`)}</ul></details>
              ${d.status !== 'delivered' ? html`<button type="button" @click=${() => void this.retry(dl.hook, d)}>${t.retryDelivery}</button>` : nothing}</li>`)}</ul>`}
          <div class="buttons"><button type="button" @click=${() => closeDialog(this, 'wh-deliveries')}>${t.close}</button></div>` : nothing}
      </dialog>`;
  }
}
customElements.define('bw-dash-webhooks', WebhooksPage);
