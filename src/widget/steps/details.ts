import { html, nothing } from 'lit';
import type { Flow, Values } from '../controllers/flow.ts';
import { holdLeft } from '../flow/countdown.ts';
import * as to from '../flow/transitions.ts';
import { progress } from './progress.ts';
import type { StepView } from './list.ts';
import { back, heading, notice, when, zoneName } from './parts.ts';
import { serviceLine } from './summary.ts';

function field(f: Flow, name: keyof Values, label: string, type: string, autocomplete: string) {
  const error = f.errors[name];
  const id = `bw-${name}`;
  const input = (e: Event) => to.setValue(f, name, (e.target as HTMLInputElement).value);
  return html`<label part="label" for=${id}>${label}
    ${name === 'notes'
      ? html`<textarea id=${id} part="input" maxlength="2000" .value=${f.values[name]} @input=${input} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-err` : nothing}></textarea>`
      : html`<input id=${id} part="input" type=${type} autocomplete=${autocomplete} .value=${f.values[name]} @input=${input}
          @blur=${() => f.state.step === 'details' && to.setValue(f, name, f.values[name])} aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? `${id}-err` : nothing}
          ?required=${name === 'name' || name === 'email'} />`}
    ${error ? html`<span id="${id}-err" class="error" part="field-error">${error}</span>` : nothing}
  </label>`;
}

/** The hold's time left, m:ss. */
function countdown(f: Flow) {
  const left = Math.max(0, holdLeft(f));
  return `${Math.floor(left / 60_000)}:${String(Math.floor((left % 60_000) / 1000)).padStart(2, '0')}`;
}

/** The held time and its countdown (until it runs out: then the notice says so), and the customer's details. */
export const details: StepView<'details'> = (f, s) => {
  const m = f.msg;
  const expired = holdLeft(f) <= 0;
  return html`${progress(f)}${heading(m.yourDetails)}${serviceLine(f, s.service)}
    <p part="summary"><strong>${when(f, s.hold.start)}</strong> <span class="muted">(${zoneName(f.zone)})</span></p>
    ${expired ? nothing : html`<p class="muted" part="hold">${m.heldFor(countdown(f))}</p>`}
    ${notice(f)}
    <form novalidate @submit=${(e: Event) => { e.preventDefault(); void to.submit(f); }}>
      ${field(f, 'name', m.name, 'text', 'name')}
      ${field(f, 'email', m.email, 'email', 'email')}
      ${field(f, 'phone', m.phone, 'tel', 'tel')}
      ${field(f, 'notes', m.notes, 'text', 'off')}
      <div class="row spread">
        ${back(f, () => to.backToTimes(f))}
        <button type="submit" part="button primary" class="primary" ?disabled=${f.busy || expired} aria-busy=${f.busy ? 'true' : 'false'}>${f.busy ? m.booking : m.book}</button>
      </div>
    </form>`;
};
