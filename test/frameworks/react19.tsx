// React 19 passes properties and events to custom elements itself: the element in plain JSX,
// typed by `inpage-booking/react`'s JSX declaration. No wrapper at run time.
import { createRoot } from 'react-dom/client';
import type {} from 'inpage-booking/react';
import 'inpage-booking';
import { config, showBooked } from './config.ts';

function App() {
  return (
    <booking-widget publishable-key={config.pk} theme="light" mode="inline" onbw-booked={(e) => showBooked(e.detail.booking.id)}>
      <a href="tel:+493012345678">Call us to book</a>
    </booking-widget>
  );
}

// The declaration is strict: these must not type-check (tsc fails on an unused @ts-expect-error).
// @ts-expect-error: not a mode
export const badMode = <booking-widget mode="modal" />;
// @ts-expect-error: the detail of bw-booked has no `id`; it has the booking
export const badDetail = <booking-widget onbw-booked={(e) => { void e.detail.id; }} />;

createRoot(document.querySelector('#app')!).render(<App />);
