import { html, nothing } from 'lit';
import type { PublicService } from '../../contract/widget.ts';
import type { Flow } from '../controllers/flow.ts';
import { fmt } from '../dates.ts';

// Pieces every step uses. Merchant and customer text goes in as text (lit escapes it), never as HTML.

/** A moment in the customer's zone and hour cycle (the step names the zone once: `zoneName`). */
export const when = (f: Flow, iso: string) => fmt.when(f.lang, f.zone, iso, f.h12);

/** The customer's zone as people read it ("America/New York"). */
export const zoneName = (zone: string) => zone.replace(/_/g, ' ');

/**
 * A message with merchant or customer text in it (names, addresses, times): each piece is
 * isolated (`<bdi>`) from the words around it, so a Latin name keeps its place in Arabic text.
 */
export function withText<A extends string[]>(make: (...a: A) => string, ...values: A) {
  return make(...(values.map((_, i) => `\uE000${i}\uE000`) as A)).split(/\uE000(\d+)\uE000/)
    .map((part, i) => (i % 2 ? html`<bdi>${values[Number(part)]}</bdi>` : part));
}

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

/** After the next render, focus what `selector` finds (a keyboard user's place after an action). */
export const focusSoon = (f: Flow, selector: string) =>
  void f.host.updateComplete.then(() => f.host.renderRoot.querySelector<HTMLElement>(selector)?.focus());

export function price(f: Flow, s: PublicService) {
  return s.price ? fmt.price(f.lang, s.price.amount_minor, s.price.currency) : f.msg.free;
}
