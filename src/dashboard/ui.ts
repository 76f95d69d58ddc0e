import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ApiFailure } from './api.ts';
import { t } from './i18n.ts';

export type Mode = 'test' | 'live';
export interface Ctx { business: string; mode: Mode; timezone: string }

/** Loading, loaded or failed: every list renders all three (and its empty state). */
export type Load<T> = { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: ApiFailure };

const failure = (err: unknown) => (err instanceof ApiFailure ? err : new ApiFailure(0, 'internal', String(err)));

/**
 * A dashboard page: light DOM (the dashboard's one stylesheet applies), the chosen business and
 * mode, and a `load()` that runs when they change; a change's failure is kept for its form.
 */
export abstract class Page<T> extends LitElement {
  static override properties = { ctx: { attribute: false }, data: { state: true }, formError: { state: true }, notice: { state: true } };
  declare ctx: Ctx;
  data: Load<T> = { state: 'loading' };
  formError: ApiFailure | undefined = undefined;
  notice = '';
  private aborter: AbortController | undefined;

  protected override createRenderRoot() {
    return this;
  }

  get base() {
    return `/b/${this.ctx.business}/${this.ctx.mode}`;
  }

  protected abstract fetch(signal: AbortSignal): Promise<T>;

  async reload() {
    this.aborter?.abort();
    const aborter = (this.aborter = new AbortController());
    this.data = { state: 'loading' };
    try {
      const value = await this.fetch(aborter.signal);
      if (!aborter.signal.aborted) this.data = { state: 'ok', value };
    } catch (err) {
      if (!aborter.signal.aborted && (err as Error).name !== 'AbortError') this.data = { state: 'error', error: failure(err) };
    }
  }

  protected override willUpdate(changed: PropertyValues) {
    if (changed.has('ctx') && this.ctx) void this.reload();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.aborter?.abort();
  }

  /** Runs a change; its failure goes to `formError` (shown beside the fields), success reloads. */
  protected async change(fn: () => Promise<unknown>, done?: string): Promise<boolean> {
    this.formError = undefined;
    this.notice = '';
    try {
      await fn();
      if (done) this.notice = done;
      await this.reload();
      return true;
    } catch (err) {
      this.formError = failure(err);
      return false;
    }
  }

  /** The three states around a loaded value. */
  protected loaded(ok: (value: T) => TemplateResult | typeof nothing) {
    switch (this.data.state) {
      case 'loading': return html`<p class="muted" role="status">${t.loading}</p>`;
      case 'error': return html`<div class="error" role="alert"><p>${t.errorTitle}: ${this.data.error.message}</p>
        <button type="button" @click=${() => void this.reload()}>${t.retry}</button></div>`;
      case 'ok': return ok(this.data.value);
    }
  }

  /** The form's failure that belongs to no field. */
  protected formMessage(fields: string[] = []) {
    const e = this.formError;
    if (!e) return this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing;
    const other = e.fields.length === 0 || e.fields.some((f) => !fields.some((n) => f.property === n || f.property.startsWith(`${n}.`)));
    return other ? html`<p class="error" role="alert">${e.message}${e.fields.length ? `: ${e.fields.map((f) => `${f.property} ${f.messages.join(' ')}`).join('; ')}` : ''}</p>` : nothing;
  }
}

let ids = 0;
const nextId = () => `f${++ids}`;

/**
 * A labelled input with its hint and its error from the envelope next to it (`aria-invalid`,
 * `aria-describedby`).
 */
export function field(o: { label: string; name: string; value?: string | number | null; type?: string; error?: ApiFailure | undefined; hint?: string; required?: boolean; min?: number; step?: string; textarea?: boolean; autocomplete?: string; errorName?: string }) {
  const id = nextId();
  const message = o.error?.field(o.errorName ?? o.name);
  const described = [o.hint ? `${id}-hint` : '', message ? `${id}-err` : ''].filter(Boolean).join(' ');
  const value = o.value === null || o.value === undefined ? '' : String(o.value);
  return html`<div class="field">
    <label for=${id}>${o.label}</label>
    ${o.textarea
      ? html`<textarea id=${id} name=${o.name} .value=${value} aria-invalid=${message ? 'true' : 'false'} aria-describedby=${described || nothing}></textarea>`
      : html`<input id=${id} name=${o.name} type=${o.type ?? 'text'} .value=${value} ?required=${o.required ?? false}
          min=${o.min ?? nothing} step=${o.step ?? nothing} autocomplete=${o.autocomplete ?? 'off'}
          aria-invalid=${message ? 'true' : 'false'} aria-describedby=${described || nothing}>`}
    ${o.hint ? html`<small id="${id}-hint" class="muted">${o.hint}</small>` : nothing}
    ${message ? html`<small id="${id}-err" class="field-error">${message}</small>` : nothing}
  </div>`;
}

/** A form's values by name (text as given; checkboxes under their name as a list). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new FormData(form)) if (typeof v === 'string') out[k] = v;
  return out;
}
export const checkedValues = (form: HTMLFormElement, name: string) => new FormData(form).getAll(name).filter((v): v is string => typeof v === 'string');

/** Copies text and says so in the button for a moment. */
export async function copyText(text: string, button: HTMLButtonElement) {
  await navigator.clipboard.writeText(text).catch(() => {});
  const was = button.textContent;
  button.textContent = t.copied;
  setTimeout(() => (button.textContent = was), 1500);
}

/** Opens the `<dialog>` with this id as a modal (focus trapped, page inert, Escape closes). */
export function openDialog(host: HTMLElement, id: string) {
  const d = host.querySelector<HTMLDialogElement>(`#${id}`);
  if (d && !d.open) d.showModal();
}
export function closeDialog(host: HTMLElement, id: string) {
  host.querySelector<HTMLDialogElement>(`#${id}`)?.close();
}
