import type { Booking, BookingRequest, Business, Hold } from '../contract/widget.ts';
import type { Step } from './steps/list.ts';

export type { Step };

/** Every event the element fires: one prefix, `bubbles` and `composed`, a readonly detail. */
export interface BookingWidgetEvents {
  /** The session is ready and the first step is shown. */
  'bw-ready': { business: Business };
  /** The customer moved to another step. */
  'bw-step-change': { step: Step; previous: Step };
  /** A time is held for this customer until `hold.expires_at`. */
  'bw-hold': { hold: Hold };
  /** Cancelable: fired before the booking request is sent; `preventDefault()` stops it. */
  'bw-before-book': { request: BookingRequest };
  /** The booking is confirmed. */
  'bw-booked': { booking: Booking };
  'bw-cancelled': { booking: Booking };
  'bw-rescheduled': { booking: Booking };
  /** The popup or floating dialog opened, at `step` (where the flow was left, when it is opened again). */
  'bw-open': { step: Step };
  /** The dialog closed (its close button, Escape, or `close()`); the flow and its hold wait at `step`. */
  'bw-close': { step: Step };
  /** Something failed; `code` is the API's error code, or `network`. */
  'bw-error': { code: string; message: string };
}

export type BookingWidgetEvent<K extends keyof BookingWidgetEvents> = CustomEvent<Readonly<BookingWidgetEvents[K]>>;

declare global {
  interface GlobalEventHandlersEventMap {
    'bw-ready': BookingWidgetEvent<'bw-ready'>;
    'bw-step-change': BookingWidgetEvent<'bw-step-change'>;
    'bw-hold': BookingWidgetEvent<'bw-hold'>;
    'bw-before-book': BookingWidgetEvent<'bw-before-book'>;
    'bw-booked': BookingWidgetEvent<'bw-booked'>;
    'bw-cancelled': BookingWidgetEvent<'bw-cancelled'>;
    'bw-rescheduled': BookingWidgetEvent<'bw-rescheduled'>;
    'bw-error': BookingWidgetEvent<'bw-error'>;
    'bw-open': BookingWidgetEvent<'bw-open'>;
    'bw-close': BookingWidgetEvent<'bw-close'>;
  }
}

/** Fires a typed event; answers false when a cancelable one was vetoed. */
export function fire<K extends keyof BookingWidgetEvents>(host: EventTarget, type: K, detail: BookingWidgetEvents[K], cancelable = false): boolean {
  return host.dispatchEvent(new CustomEvent(type, { detail: Object.freeze(detail), bubbles: true, composed: true, cancelable }));
}
