import { html, nothing } from 'lit';
import type { StepView } from './list.ts';
import { heading, notice, price, when } from './parts.ts';

/** The service list, and the guest's upcoming bookings below it. */
export const services: StepView<'services'> = (f, s) => {
  const m = f.msg;
  const list = f.services ?? [];
  const name = (id: string) => list.find((x) => x.id === id)?.name ?? '';
  return html`${heading(m.chooseService)}${notice(f)}
    ${list.length === 0 ? html`<p class="muted">${m.noServices}</p>` : html`<ul>${list.map((x) => html`<li>
      <button part="button service" class="service" @click=${() => f.openService(x.id)}>
        <span class="name" part="service-name">${x.name}</span>
        <span class="muted" part="service-meta">${m.minutes(x.duration_minutes)} · <span part="service-price">${price(f, x)}</span></span>
        ${x.description ? html`<span class="desc muted">${x.description}</span>` : nothing}
      </button></li>`)}</ul>`}
    ${s.mine.length ? html`<h3>${m.yourBookings}</h3><ul>${s.mine.map((b) => html`<li class="row spread">
      <span><bdi>${name(b.service_id)}</bdi> · ${when(f, b.start)}</span>
      <button part="button" @click=${() => f.openManage(b.id)}>${m.manage}</button></li>`)}</ul>` : nothing}`;
};
