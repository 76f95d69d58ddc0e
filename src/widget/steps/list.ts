import type { TemplateResult } from 'lit';
import type { Booking, Hold, PublicService } from '../../contract/widget.ts';
import type { Flow } from '../controllers/flow.ts';

/**
 * The flow's steps: the one list that the render table (steps/first.ts, steps/index.ts), the names
 * `bw-step-change` carries and the README's table of them all come from. A new step is a name here,
 * what it holds in `StepData`, a file in this folder, its place in a table, and its messages.
 */
export const STEPS = ['loading', 'unavailable', 'services', 'date', 'time', 'details', 'done', 'manage'] as const;
export type Step = (typeof STEPS)[number];

/** The steps painted before the flow chunk arrives: they ship in widget.js. */
export type FirstStep = 'loading' | 'unavailable' | 'services';
/** The step a returning customer sees: in the manage chunk, which a first booking never loads. */
export type ManageStep = 'manage';
/** The steps from the calendar to the confirmation: the flow chunk. */
export type LaterStep = Exclude<Step, FirstStep | ManageStep>;

/** A booking in hand, with the token that manages it (none when it was opened by the guest token alone). */
export interface Held { booking: Booking; token: string | undefined }

/**
 * What each step holds: a step cannot be shown without its data (the time step has a service and
 * a date; the confirmation has a booking), so no template ever meets a missing one.
 */
export interface StepData {
  loading: object;
  unavailable: object;
  services: { mine: Booking[] };
  /** `onward`: a month with no free time left gives way to the next, once. `moving`: a reschedule. */
  date: { service: PublicService; month: string; date?: string | undefined; onward?: boolean; moving?: Held | undefined };
  /** `confirm`: the time a booking being moved would go to, asked about before it moves. */
  time: { service: PublicService; date: string; moving?: Held | undefined; confirm?: string | undefined };
  details: { service: PublicService; date: string; hold: Hold };
  done: Held;
  manage: Held & { confirming?: boolean };
}

/** The flow's state: one value, of one step. */
export type FlowState = { [K in Step]: { step: K } & StepData[K] }[Step];
export type StateOf<K extends Step> = Extract<FlowState, { step: K }>;

/** A step's template: the flow (settings, messages, transitions) and the step's own state. */
export type StepView<K extends Step> = (f: Flow, s: StateOf<K>) => TemplateResult;
/** A table of step templates; a step left out of the table it belongs to fails the type check. */
export type StepViews<K extends Step> = { [P in K]: StepView<P> };

// The list and StepData name the same steps, or this fails to compile.
const same: [Step, keyof StepData] extends [keyof StepData, Step] ? true : never = true;
void same;
