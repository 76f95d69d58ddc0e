import { html } from 'lit';
import type { StepView } from './list.ts';

/** Before the services arrive (and while a manage link opens): a skeleton, said as "Loading…". */
export const loading: StepView<'loading'> = (f) =>
  html`<div aria-busy="true"><p class="sr">${f.msg.loading}</p>${[1, 2, 3].map(() => html`<div class="skeleton"></div>`)}</div>`;
