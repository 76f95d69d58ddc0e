import { html, nothing } from 'lit';
import type { PublicService } from '../../contract/widget.ts';
import type { Flow } from '../controllers/flow.ts';
import { fmt } from '../dates.ts';

// Pieces every step uses. Merchant and customer text goes in as text (lit escapes it), never as HTML.

/** A moment in the customer's zone and hour cycle. */
export const when = (f: Flow, iso: string) => fmt.when(f.lang, f.zone, iso, f.h12);

/** Each step's heading; focus moves here when the step changes by keyboard. */
export const heading = (text: string) => html`<h2 part="heading" tabindex="-1">${text}</h2>`;

export function notice(f: Flow) {
  const n = f.notice;
  if (!n) return nothing;
  return html`<div class="notice ${n.bad ? 'bad' : ''}" part="notice" role=${n.bad ? 'alert' : 'status'}>
    <p>${n.text}</p>
    ${n.action ? html`<button part="button" @click=${n.action.run}>${n.action.label}</button>` : nothing}
  </div>`;
}

export const back = (f: Flow, run: () => void) => html`<button part="button back" class="back" @click=${run}>${f.msg.dir === 'rtl' ? '→' : '←'} ${f.msg.back}</button>`;

export function price(f: Flow, s: PublicService) {
  return s.price ? fmt.price(f.lang, s.price.amount_minor, s.price.currency) : f.msg.free;
}
