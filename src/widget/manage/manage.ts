// The manage chunk: the manage step and what it does. It builds on the flow chunk, which it imports.
import type { StepViews } from '../steps/list.ts';
import { manage } from '../steps/manage.ts';

export const views: StepViews<'manage'> = { manage };
export { loadMine, move, openManage } from './transitions.ts';
