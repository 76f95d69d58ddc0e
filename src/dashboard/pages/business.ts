import { html } from 'lit';
import type { BusinessSettings } from '../../contract/index.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { Page, field, formValues } from '../ui.ts';

/** Name, zone, the booking page (manage links) and the notification addresses. */
export class BusinessPage extends Page<BusinessSettings> {
  protected fetch(signal: AbortSignal) {
    return call<BusinessSettings>('GET', `${this.base}/business`, undefined, signal);
  }

  private async save(e: SubmitEvent) {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const orNull = (s: string | undefined) => (s?.trim() ? s.trim() : null);
    await this.change(() => call('PATCH', `${this.base}/business`, {
      name: v.name?.trim() ?? '', timezone: v.timezone?.trim() ?? '',
      booking_page_url: orNull(v.booking_page_url), notification_email: orNull(v.notification_email), reply_to: orNull(v.reply_to),
    }), t.saved);
  }

  override render() {
    const e = this.formError;
    return html`<h1 tabindex="-1">${t.navBusiness}</h1>
      ${this.formMessage(['name', 'timezone', 'booking_page_url', 'notification_email', 'reply_to'])}
      ${this.loaded((b) => html`<form class="stack narrow" @submit=${(ev: SubmitEvent) => void this.save(ev)} novalidate>
        ${field({ label: t.businessName, name: 'name', value: b.name, error: e, required: true })}
        ${field({ label: t.timezone, name: 'timezone', value: b.timezone, error: e, hint: 'Europe/Berlin' })}
        ${field({ label: t.bookingPageUrl, name: 'booking_page_url', type: 'url', value: b.booking_page_url, error: e })}
        ${field({ label: t.notificationEmail, name: 'notification_email', type: 'email', value: b.notification_email, error: e })}
        ${field({ label: t.replyTo, name: 'reply_to', type: 'email', value: b.reply_to, error: e })}
        <button class="primary" type="submit">${t.save}</button>
      </form>`)}`;
  }
}
customElements.define('bw-dash-business', BusinessPage);
