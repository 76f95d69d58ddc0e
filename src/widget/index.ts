import { BookingWidget } from './booking-widget.ts';

export { BookingWidget };
export type { BookingWidgetEvents, BookingWidgetEvent, Step } from './events.ts';
export type { BookingWidgetAttributes, BookingWidgetEventProps } from './attributes.ts';

declare global {
  interface HTMLElementTagNameMap {
    'booking-widget': BookingWidget;
  }
}

// Pages we do not control may load us twice, or another version first: warn, never throw.
const existing = customElements.get('booking-widget');
if (!existing) customElements.define('booking-widget', BookingWidget);
else if (existing !== BookingWidget) console.warn('<booking-widget>: another version is already registered on this page; this one is not used.');
