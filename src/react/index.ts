import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
// The package's own entry, not a second copy of the element: bundlers resolve it to widget.js.
import { BookingWidget, type BookingWidgetAttributes, type BookingWidgetEvent, type BookingWidgetEventProps, type BookingWidgetEvents } from 'inpage-booking';

// `inpage-booking/react`. Two ways to use the element from React:
// - React 19 passes properties and events to custom elements itself: importing this module types
//   `<booking-widget publishable-key="…" onbw-booked={…}>` in JSX (the declaration below).
// - React 18 does not: `<BookingWidgetElement publishableKey="…" onBooked={…}>`, a wrapper made with
//   `@lit/react`, sets properties and adds listeners for it (and works in React 19 too).
// Either way this module loads the element (`inpage-booking`), which registers <booking-widget>.

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'booking-widget': BookingWidgetAttributes & BookingWidgetEventProps & React.HTMLAttributes<BookingWidget> & React.RefAttributes<BookingWidget>;
    }
  }
}

const event = <K extends keyof BookingWidgetEvents>(name: K) => name as unknown as EventName<BookingWidgetEvent<K>>;

/** `<booking-widget>` as a React component (React 18 and 19): properties in camelCase, events as `on…` props. */
export const BookingWidgetElement = createComponent({
  react: React,
  tagName: 'booking-widget',
  elementClass: BookingWidget,
  displayName: 'BookingWidget',
  events: {
    onReady: event('bw-ready'),
    onStepChange: event('bw-step-change'),
    onHold: event('bw-hold'),
    onBeforeBook: event('bw-before-book'),
    onBooked: event('bw-booked'),
    onCancelled: event('bw-cancelled'),
    onRescheduled: event('bw-rescheduled'),
    onError: event('bw-error'),
    onOpen: event('bw-open'),
    onClose: event('bw-close'),
  },
});

export { BookingWidget };
