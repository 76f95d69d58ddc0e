import type { StepViews, FirstStep } from './list.ts';
import { loading } from './loading.ts';
import { services } from './services.ts';
import { unavailable } from './unavailable.ts';

/** The steps widget.js paints itself; the others arrive with the flow chunk (steps/index.ts). */
export const first: StepViews<FirstStep> = { loading, unavailable, services };
