// The flow chunk: the steps after the service list, their transitions, and (vite.config.ts puts
// them here too) zod and the schemas, fetched beside the first API call.
export { later as views } from '../steps/index.ts';
export { backToTimes, holdAgain, openLinked, openService, restore, setZone } from './transitions.ts';
export { readableOn } from './look.ts';
export { MonthTask } from './month.ts';
export { Countdown } from './countdown.ts';
