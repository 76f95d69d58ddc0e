import type { BookingWidgetEvent, BookingWidgetEvents } from './events.ts';

// The element's attributes and events as the frameworks' type tables want them (src/react,
// src/vue): one list, so a new attribute is typed for every framework at once.

/** Every attribute of `<booking-widget>`, by its HTML name (README, "Embedding"). */
export interface BookingWidgetAttributes {
  'publishable-key'?: string;
  'api-base'?: string;
  service?: string;
  staff?: string;
  locale?: string;
  timezone?: string;
  'hour-cycle'?: 'h12' | 'h23';
  'week-start'?: string | number;
  theme?: 'light' | 'dark' | 'auto';
  accent?: string;
  radius?: string;
  density?: 'comfortable' | 'compact';
  name?: string;
  email?: string;
  phone?: string;
  mode?: 'inline' | 'popup' | 'floating';
  position?: 'bottom-right' | 'bottom-left';
  label?: string;
  date?: string;
  'forward-params'?: string;
}

/** A listener prop per event: `on` + the event's name (`onbw-booked`), as React 19 reads them on custom elements. */
export type BookingWidgetEventProps<Prefix extends string = 'on'> = {
  [K in keyof BookingWidgetEvents as `${Prefix}${K}`]?: (event: BookingWidgetEvent<K>) => void;
};
