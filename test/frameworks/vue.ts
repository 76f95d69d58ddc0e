// Vue 3: <booking-widget> typed through GlobalComponents (`inpage-booking/vue`), rendered with h().
import { createApp, h, type GlobalComponents } from 'vue';
import type {} from 'inpage-booking/vue';
import 'inpage-booking';
import { config, showBooked } from './config.ts';

type Props = InstanceType<GlobalComponents['booking-widget']>['$props'];
const props: Props = { publishableKey: config.pk, theme: 'light', onBwBooked: (e) => showBooked(e.detail.booking.id) };

// @ts-expect-error: not a mode
export const badMode: Props = { mode: 'modal' };
// @ts-expect-error: bw-hold's detail has a hold, not a booking
export const badEvent: Props = { onBwHold: (e) => { void e.detail.booking; } };

const app = createApp({ render: () => h('booking-widget', props, [h('a', { href: 'tel:+493012345678' }, 'Call us to book')]) });
app.config.compilerOptions.isCustomElement = (tag) => tag === 'booking-widget';
app.mount('#app');
