import { html } from 'lit';
import type { Activity, ApiKey, Usage } from '../../contract/index.ts';
import { call } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { Page } from '../ui.ts';

interface Data { activity: Activity[]; next: string | null; usage: Usage[]; keys: ApiKey[] }

/** What changed and who did it, newest first; requests per key over the last 7 days. */
export class ActivityPage extends Page<Data> {
  protected async fetch(signal: AbortSignal): Promise<Data> {
    const [activity, usage, keys] = await Promise.all([
      call<{ data: Activity[]; next_cursor: string | null }>('GET', `${this.base}/activity?limit=50`, undefined, signal),
      call<{ data: Usage[] }>('GET', `${this.base}/usage?days=7`, undefined, signal),
      call<{ data: ApiKey[] }>('GET', `${this.base}/api-keys`, undefined, signal),
    ]);
    return { activity: activity.data, next: activity.next_cursor, usage: usage.data, keys: keys.data };
  }

  private async more(d: Data) {
    const page = await call<{ data: Activity[]; next_cursor: string | null }>('GET', `${this.base}/activity?limit=50&cursor=${encodeURIComponent(d.next!)}`);
    this.data = { state: 'ok', value: { ...d, activity: [...d.activity, ...page.data], next: page.next_cursor } };
  }

  private actor(a: Activity, me: string) {
    if (a.actor.type === 'operator') return `${me === a.actor.id ? '★ ' : ''}operator`;
    return a.actor.type.replace('_', ' ');
  }

  override render() {
    return html`<h1 tabindex="-1">${t.navActivity}</h1>
      ${this.loaded((d) => {
        const perKey = new Map<string, { requests: number; limited: number }>();
        for (const u of d.usage) {
          const s = perKey.get(u.key_id) ?? { requests: 0, limited: 0 };
          s.requests += u.requests;
          s.limited += u.rate_limited;
          perKey.set(u.key_id, s);
        }
        const keyName = (id: string) => { const k = d.keys.find((x) => x.id === id); return k ? `${k.name} (${k.prefix}…${k.last4})` : id; };
        return html`<section aria-labelledby="usage-h"><h2 id="usage-h">${t.usage}</h2>
          ${perKey.size === 0 ? html`<p class="empty">—</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">${t.key}</th><th scope="col">${t.requests}</th><th scope="col">${t.rateLimited}</th></tr></thead>
            <tbody>${[...perKey].map(([id, s]) => html`<tr><td>${keyName(id)}</td><td>${s.requests}</td><td>${s.limited}</td></tr>`)}</tbody></table></div>`}
        </section>
        <section aria-labelledby="act-h"><h2 id="act-h">${t.activity}</h2>
          ${d.activity.length === 0 ? html`<p class="empty">${t.noActivity}</p>` : html`<div class="table-wrap"><table><thead><tr><th scope="col">${t.when}</th><th scope="col">${t.who}</th><th scope="col">${t.what}</th></tr></thead>
            <tbody>${d.activity.map((a) => html`<tr><td><time datetime=${a.at}>${formatDateTime(a.at, this.ctx.timezone)}</time></td><td>${this.actor(a, '')}</td>
              <td><code>${a.action}</code> <small class="muted">${a.target.id ?? ''}</small></td></tr>`)}</tbody></table></div>`}
          ${d.next ? html`<button type="button" @click=${() => void this.more(d)}>${t.more}</button>` : ''}
        </section>`;
      })}`;
  }
}
customElements.define('bw-dash-activity', ActivityPage);
