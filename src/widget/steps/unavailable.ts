import { html } from 'lit';
import type { StepView } from './list.ts';

/** The key cannot work here (revoked, unknown, another origin) or the service is out of reach: the page's own fallback. */
export const unavailable: StepView<'unavailable'> = (f) =>
  html`<div part="notice" class="notice bad"><p>${f.msg.unavailable}</p><slot></slot></div>`;
