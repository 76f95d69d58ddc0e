import type { DefineComponent } from 'vue';
import type { BookingWidgetAttributes, BookingWidgetEvent, BookingWidgetEvents } from 'inpage-booking';

// `inpage-booking/vue`: types for Vue. Importing it (`import type {} from 'inpage-booking/vue'`)
// declares <booking-widget> in Vue's GlobalComponents, so templates (vue-tsc, Volar) and `h()`
// check its attributes and `@bw-…` listeners. Tell Vue's compiler it is a custom element:
// `compilerOptions.isCustomElement: (tag) => tag === 'booking-widget'`.

type Camel<S extends string> = S extends `${infer A}-${infer B}` ? `${A}${Capitalize<Camel<B>>}` : S;

/** The attributes as Vue's props (camelCase, as Vue passes them to the element's properties). */
export type BookingWidgetVueProps = { [K in keyof BookingWidgetAttributes as Camel<K & string>]: BookingWidgetAttributes[K] } & {
  /** `@bw-booked` in a template is the prop `onBwBooked`. */
  [K in keyof BookingWidgetEvents as `on${Capitalize<Camel<K>>}`]?: (event: BookingWidgetEvent<K>) => void;
};

declare module 'vue' {
  interface GlobalComponents {
    'booking-widget': DefineComponent<BookingWidgetVueProps>;
  }
}
