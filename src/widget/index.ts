import { config } from 'zod/mini';
import { BookingWidget } from './booking-widget.ts';

// zod compiles object parsers at run time (the Function constructor) when it may; under a strict
// CSP (no 'unsafe-eval') merely trying reports a violation, so the widget never tries.
config({ jitless: true });

export { BookingWidget };
export type { BookingWidgetEvents, BookingWidgetEvent, Step } from './events.ts';

declare global {
  interface HTMLElementTagNameMap {
    'booking-widget': BookingWidget;
  }
}

// Pages we do not control may load us twice, or another version first: warn, never throw.
const existing = customElements.get('booking-widget');
if (!existing) customElements.define('booking-widget', BookingWidget);
else if (existing !== BookingWidget) console.warn('<booking-widget>: another version is already registered on this page; this one is not used.');
