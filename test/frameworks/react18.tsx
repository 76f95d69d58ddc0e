// The @lit/react wrapper, for React 18 (which sets attributes, not properties, on custom elements
// and cannot listen to their events): properties in camelCase, events as `on…` props.
import { createRoot } from 'react-dom/client';
import { BookingWidgetElement } from 'inpage-booking/react';
import { config, showBooked } from './config.ts';

function App() {
  return (
    <BookingWidgetElement publishableKey={config.pk} theme="light" onBooked={(e) => showBooked(e.detail.booking.id)} onReady={(e) => console.log(e.detail.business.name)}>
      <a href="tel:+493012345678">Call us to book</a>
    </BookingWidgetElement>
  );
}

// @ts-expect-error: not a theme
export const badTheme = <BookingWidgetElement theme="purple" />;
// @ts-expect-error: onBooked's event has a booking, not a hold
export const badEvent = <BookingWidgetElement onBooked={(e) => { void e.detail.hold; }} />;

createRoot(document.querySelector('#app')!).render(<App />);
