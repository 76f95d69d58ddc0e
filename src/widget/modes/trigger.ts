import { css, html, type TemplateResult } from 'lit';
import type { BookingWidget } from '../booking-widget.ts';

// The popup and floating modes' first paint: the button that opens the flow and the dialog's
// shell. The rest (the page's `data-booking-widget-open` openers, showModal, scroll lock, focus,
// the dialog's look) is the modal chunk's (modal.ts): fetched after the first paint of a page that
// has such a widget, never by a page with inline widgets only (decision 013).

export type Mode = 'inline' | 'popup' | 'floating';
export const isModal = (mode: string | undefined) => mode === 'popup' || mode === 'floating';

let chunk: Promise<typeof import('./modal.ts')> | undefined;
/** The modal chunk, fetched once; on arrival it listens for the page's openers. */
export const modalChunk = () => (chunk ??= import('./modal.ts').then((m) => (m.listen(), m)));

/** The trigger (the merchant's own slotted opener, or ours) and the dialog that holds the flow. */
// The slot hears the clicks of the button in it (ours, or the merchant's), which makes them from keys itself.
/* eslint-disable lit-a11y/click-events-have-key-events */
export function modal(w: BookingWidget, flow: TemplateResult) {
  modalChunk().catch(() => {});
  const label = w.label || w.msg.bookNow;
  return html`<slot name="trigger" @click=${(e: Event) => void w.open(e.target as HTMLElement)} @pointerover=${w.wake} @focusin=${w.wake}
      ><button part="button primary trigger" class="primary trigger">${label}</button></slot
    ><dialog part="dialog" aria-label=${label}
      ><button part="button close" class="close" aria-label=${w.msg.close} @click=${() => w.close()}>×</button>${flow}</dialog
    >`;
}
/* eslint-enable lit-a11y/click-events-have-key-events */

/** The trigger, and the floating button's corner; the dialog's own look comes with modal.ts. */
export const modeStyles = css`
  /* Only the trigger is in the page: the element is as big as it (no size container, which would collapse it). */
  :host([mode='popup']), :host([mode='floating']) { container-type: normal; }
  :host([mode='popup']) { display: inline-block; }
  :host([mode='floating']) { position: fixed; bottom: 16px; right: 16px; z-index: 2147483000; }
  :host([mode='floating'][position='bottom-left']) { right: auto; left: 16px; }
  :host([mode='floating']) .trigger { border-radius: 99px; box-shadow: 0 4px 16px #0004; }
  /* Text that reads on whatever accent the page gives (black on light, white on dark): the flow's own buttons learn it from the flow chunk, which this button does not wait for. */
  button.trigger { color: var(--bw-accent-foreground, oklch(from var(--_accent) clamp(0, (0.65 - l) * 99, 1) 0 0)); }
`;
