import { html, nothing } from 'lit';
import type { Flow } from '../controllers/flow.ts';
import * as to from '../flow/transitions.ts';

/**
 * Where the customer is: Service · Date & time · Details · Done. The steps before this one are
 * buttons that go back to them (a hold in hand is released on the way); after the booking is
 * made there is no way back, and a booking being moved has a path of its own (no indicator).
 */
export function progress(f: Flow) {
  const s = f.state;
  if (('moving' in s && s.moving) || !['date', 'time', 'details', 'done'].includes(s.step)) return nothing;
  const at = s.step === 'details' ? 2 : s.step === 'done' ? 3 : 1;
  const back = [() => to.backToServices(f), () => to.backToDates(f)];
  return html`<ol class="steps" part="steps" aria-label=${f.msg.stepsLabel}>${f.msg.stepNames.map((name, i) => html`<li part="step" class=${i < at ? 'past' : i === at ? 'now' : ''}>${
    i < at && at < 3 && back[i] ? html`<button part="button step-back" class="link" @click=${back[i]}>${name}</button>`
      : html`<span aria-current=${i === at ? 'step' : nothing}>${name}</span>`}</li>`)}</ol>`;
}
