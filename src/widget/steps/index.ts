import type { LaterStep, StepViews } from './list.ts';
import { date } from './date.ts';
import { details } from './details.ts';
import { done } from './done.ts';
import { manage } from './manage.ts';
import { time } from './time.ts';

/** The steps after the service list, in the flow chunk; steps/first.ts has the others. */
export const later: StepViews<LaterStep> = { date, time, details, done, manage };
