import { css } from 'lit';

/**
 * Three layers: `--bw-*` tokens with defaults (set them on the element or any ancestor), dark
 * mode as a token override plus `color-scheme`, and stable `part` names for everything else.
 */
/** Dark mode is a token override plus color-scheme, for theme="dark" and for theme="auto" at night. */
const dark = css`
  color-scheme: dark;
  --_bg: var(--bw-background, #151821);
  --_fg: var(--bw-foreground, #eef0f4);
  --_muted: var(--bw-muted, #a7aebb);
  --_surface: var(--bw-surface, #1f2330);
  --_border: var(--bw-border, #394051);
  --_field-border: var(--bw-field-border, #6b7385);
  --_accent: var(--bw-accent, #a5b4fc);
  --_accent-fg: var(--bw-accent-foreground, #111827);
  --_danger: var(--bw-danger, #fda29b);
`;

export const tokens = css`
  :host {
    --_accent: var(--bw-accent, #4f46e5);
    --_accent-fg: var(--bw-accent-foreground, #fff);
    --_bg: var(--bw-background, #fff);
    --_fg: var(--bw-foreground, #1f2937);
    --_muted: var(--bw-muted, #5b6472);
    --_surface: var(--bw-surface, #f4f5f7);
    --_border: var(--bw-border, #d5d9e0);
    --_field-border: var(--bw-field-border, #858c99);
    --_danger: var(--bw-danger, #b42318);
    --_radius: var(--bw-radius, 10px);
    --_space: var(--bw-space, 12px);
    --_focus: var(--bw-focus-ring, 0 0 0 2px var(--_bg), 0 0 0 4px var(--_accent));
    display: block;
    color-scheme: light;
    font: inherit;
    font-family: var(--bw-font, inherit);
    color: var(--_fg);
    max-width: var(--bw-max-width, 960px);
    container: bw / inline-size;
  }
  :host([hidden]) { display: none; }
  :host([theme='dark']) { ${dark} }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) { ${dark} }
  }
  :host([density='compact']) { --_space: var(--bw-space, 8px); }
`;

/** Shared element styles; inner elements take these without the tokens, which they inherit. */
export const base = css`
  * { box-sizing: border-box; }
  .root { background: var(--_bg); border: 1px solid var(--_border); border-radius: var(--_radius); padding: calc(var(--_space) * 1.5); }
  h2 { font-size: 1.15em; margin: 0 0 var(--_space); outline: none; }
  p { margin: 0 0 var(--_space); }
  .muted { color: var(--_muted); }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
  button, .btn, select, input, textarea { font: inherit; color: inherit; }
  button, .btn {
    min-height: 44px; min-width: 44px; padding: 0 calc(var(--_space) * 1.25);
    border-radius: var(--_radius); border: 1px solid var(--_border); background: var(--_surface); cursor: pointer;
    display: inline-flex; align-items: center; justify-content: center; gap: 6px; text-decoration: none;
  }
  button.primary, .btn.primary { background: var(--_accent); border-color: var(--_accent); color: var(--_accent-fg); font-weight: 600; }
  button.danger { background: var(--_bg); border-color: var(--_danger); color: var(--_danger); }
  button:disabled { opacity: 0.6; cursor: progress; }
  button:focus-visible, .btn:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, [tabindex]:focus-visible { outline: none; box-shadow: var(--_focus); }
  ul { list-style: none; margin: 0; padding: 0; display: grid; gap: calc(var(--_space) * 0.75); }
  .service { width: 100%; text-align: start; display: grid; gap: 4px; padding: var(--_space); justify-items: start; justify-content: stretch; }
  .service .name { font-weight: 600; }
  .steps { display: flex; flex-wrap: wrap; align-items: center; gap: 0 6px; list-style: none; margin: 0 0 var(--_space); padding: 0; font-size: 0.875em; color: var(--_muted); }
  .steps li + li::before { content: '·'; margin-inline-end: 6px; }
  .steps .now { color: var(--_fg); font-weight: 600; }
  button.link { padding: 0 4px; border: 0; background: none; text-decoration: underline; }
  .wide-only { display: none; }
  @container bw (min-width: 640px) {
    .split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: calc(var(--_space) * 2); align-items: start; }
    .split > .wide-only { display: block; }
  }
  .row { display: flex; flex-wrap: wrap; gap: var(--_space); align-items: center; }
  .spread { justify-content: space-between; }
  .times { grid-template-columns: repeat(auto-fill, minmax(88px, 1fr)); }
  .times button { width: 100%; }
  label { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; margin-bottom: var(--_space); font-weight: 500; }
  bw-calendar { display: block; margin-bottom: var(--_space); }
  .times { margin-bottom: var(--_space); }
  input, select, textarea { max-width: 100%; min-height: 44px; padding: 8px 10px; border: 1px solid var(--_field-border); border-radius: calc(var(--_radius) * 0.6); background: var(--_bg); }
  textarea { min-height: 88px; resize: vertical; }
  [aria-invalid='true'] { border-color: var(--_danger); }
  .error { color: var(--_danger); font-weight: 500; font-size: 0.9em; }
  .notice { padding: var(--_space); margin: 0 0 var(--_space); border-radius: var(--_radius); background: var(--_surface); border-inline-start: 4px solid var(--_accent); }
  .notice > :last-child { margin-bottom: 0; }
  .notice.bad { border-inline-start-color: var(--_danger); }
  .skeleton { height: 56px; border-radius: var(--_radius); background: linear-gradient(90deg, var(--_surface), var(--_border), var(--_surface)); background-size: 200% 100%; animation: pulse 1.2s ease-in-out infinite; }
  .skeleton + .skeleton { margin-top: 8px; }
  input[type='checkbox'] { min-height: auto; width: 20px; height: 20px; }
  @keyframes pulse { from { background-position: 100% 0; } to { background-position: -100% 0; } }
  @media (prefers-reduced-motion: reduce) { .skeleton { animation: none; } }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px var(--_space); margin: 0 0 var(--_space); }
  dt { color: var(--_muted); }
  dd { margin: 0; overflow-wrap: anywhere; }
  dd, bdi, .name { unicode-bidi: isolate; }
  .service .desc, .name { overflow-wrap: anywhere; }
  @media (forced-colors: active) {
    .root, button, .btn, input, select, textarea { border: 1px solid CanvasText; }
    button.primary, .btn.primary { forced-color-adjust: none; background: Highlight; color: HighlightText; }
    button:focus-visible, [tabindex]:focus-visible { outline: 2px solid Highlight; }
  }
`;

export const styles = [tokens, base];
