import { css, type CSSResult } from 'lit';
import type { BookingWidget } from '../booking-widget.ts';
import { fire } from '../events.ts';

// The popup and floating modes' dialog, fetched when a customer first points at an opener. The
// native modal <dialog> does the hard parts (decision 013): showModal() puts it in the top layer,
// makes the rest of the page inert (no clicks, no Tab stops, hidden from screen readers) and
// closes it on Escape. This adds what it leaves to us: the page does not scroll behind it, focus
// goes to the step's heading and back to whatever opened it, and the open/close events.

/** The dialog's look; adopted into the element's shadow root when this chunk arrives. */
const look: CSSResult = css`
  dialog {
    padding: 0; border: none; background: transparent; color: inherit; overflow: visible;
    width: min(var(--bw-max-width, 480px), calc(100vw - 32px)); max-width: none; max-height: calc(100dvh - 32px);
    /* The flow's container queries measure the dialog here, not the element (only a button wide). */
    container: bw / inline-size;
  }
  dialog::backdrop { background: rgb(15 18 28 / 0.55); }
  dialog .root { max-height: calc(100dvh - 32px); overflow: auto; padding-top: calc(var(--_space) * 1.5 + 44px); }
  .close { position: absolute; top: 8px; inset-inline-end: 8px; z-index: 1; font-size: 1.4em; line-height: 1; background: var(--_bg); border-color: transparent; }
  /* Phones: the flow fills the screen. */
  @media (max-width: 479.98px) {
    dialog { width: 100vw; height: 100dvh; max-height: none; margin: 0; }
    dialog .root { min-height: 100%; max-height: 100dvh; border: none; border-radius: 0; }
  }
`;

const MODAL = 'booking-widget[mode=popup],booking-widget[mode=floating]';

/** The widget a page's opener names: its selector, or the page's only popup or floating widget. */
function target(opener: Element, warn: boolean): BookingWidget | undefined {
  const sel = opener.getAttribute('data-booking-widget-open');
  const all = document.querySelectorAll<BookingWidget>(MODAL);
  const found = sel ? document.querySelector(sel) : all.length === 1 ? all[0] : null;
  if (found && [...all].includes(found as BookingWidget)) return found as BookingWidget;
  if (warn) console.warn(`<booking-widget>: data-booking-widget-open="${sel ?? ''}" names no popup or floating widget on this page${sel ? '' : ' (with several, give a selector)'}.`);
}

/**
 * Page-wide listeners for every `data-booking-widget-open` element, present and future; and a link
 * from an email or an ad (`bw_service`, a manage link) opens the page's first such widget at once.
 */
export function listen() {
  const opener = (e: Event) => (e.target as Element | null)?.closest?.('[data-booking-widget-open]');
  document.addEventListener('click', (e) => {
    const o = opener(e);
    const w = o && target(o, true);
    if (!w) return;
    // An opener may be a link to the booking page (what shows when the script fails): here it opens the dialog instead.
    e.preventDefault();
    void w.open(o as HTMLElement);
  });
  // Pointing at or focusing an opener fetches what the flow needs, so opening it feels instant.
  const wake = (e: Event) => {
    const o = opener(e);
    if (o) target(o, false)?.wake();
  };
  document.addEventListener('pointerover', wake, { passive: true });
  document.addEventListener('focusin', wake);
  if (/[?&](bw_service|bw_date|token)=/.test(location.search)) void document.querySelector<BookingWidget>(MODAL)?.open();
}

/** The elements Tab stops at, in order, through the shadow roots inside (the calendar's). */
function tabbable(root: ParentNode): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('*')].flatMap((el) =>
    el.shadowRoot ? tabbable(el.shadowRoot) : el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.checkVisibility() ? [el] : []);
}

/** The deepest focused element, through open shadow roots: what opened the dialog, when no opener was named. */
function focused(): HTMLElement | undefined {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el instanceof HTMLElement && el !== document.body ? el : undefined;
}

export class Modal {
  #opener: HTMLElement | undefined;
  #overflow = '';

  constructor(readonly host: BookingWidget) {
    const root = host.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, look.styleSheet!];
  }

  get #dialog() {
    return this.host.renderRoot.querySelector('dialog');
  }

  /** Opens the flow where it was left (its step, its hold): the page behind goes inert and still. */
  async open(opener?: HTMLElement) {
    await this.host.updateComplete;
    const d = this.#dialog;
    if (!d || d.open) return;
    this.#opener = opener ?? focused();
    const html = document.documentElement.style;
    this.#overflow = html.getPropertyValue('overflow');
    html.setProperty('overflow', 'hidden');
    d.dir = this.host.msg.dir;
    d.addEventListener('close', this.#closed, { once: true });
    d.addEventListener('keydown', this.#trap);
    d.showModal();
    // Screen readers hear the dialog's name, then the step's heading; keyboard users start there.
    this.host.renderRoot.querySelector<HTMLElement>('dialog h2')?.focus();
    fire(this.host, 'bw-open', { step: this.host.step });
  }

  close() {
    this.#dialog?.close();
  }

  /**
   * The page behind is inert, but past the dialog's last stop Tab would leave for the browser's
   * own controls (or nowhere): from the last it goes round to the first, and back from the first.
   */
  #trap = (e: KeyboardEvent) => {
    if (e.key !== 'Tab') return;
    const stops = tabbable(e.currentTarget as HTMLDialogElement);
    let at: Element | null = this.host.shadowRoot!.activeElement;
    while (at?.shadowRoot?.activeElement) at = at.shadowRoot.activeElement;
    const to = e.shiftKey ? (at === stops[0] ? stops.at(-1) : undefined) : at === stops.at(-1) ? stops[0] : undefined;
    if (!to) return;
    e.preventDefault();
    to.focus();
  };

  /** However it closed (the close button, Escape, `close()`): the page scrolls again and focus goes back. */
  #closed = () => {
    this.#dialog?.removeEventListener('keydown', this.#trap);
    const html = document.documentElement.style;
    if (this.#overflow) html.setProperty('overflow', this.#overflow);
    else html.removeProperty('overflow');
    if (this.#opener?.isConnected) this.#opener.focus();
    this.#opener = undefined;
    fire(this.host, 'bw-close', { step: this.host.step });
  };
}
