import type { LaterStep, StepViews } from './list.ts';
import { date } from './date.ts';
import { details } from './details.ts';
import { done } from './done.ts';
import { time } from './time.ts';

/** The steps after the service list to a booking, in the flow chunk; steps/first.ts has the first three, manage/manage.ts the manage step. */
export const later: StepViews<LaterStep> = { date, time, details, done };
