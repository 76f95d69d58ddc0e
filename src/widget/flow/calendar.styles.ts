import { css } from 'lit';

export const calendarStyles = css`
  :host { display: block; }
  .nav { margin-bottom: 6px; }
  .month { font-weight: 600; }
  table { width: 100%; border-collapse: collapse; table-layout: fixed; }
  th { font-weight: 500; color: var(--_muted); padding: 4px 0; font-size: 0.85em; }
  td { padding: 2px; text-align: center; }
  td button { width: 100%; min-width: 0; padding: 0; border-color: transparent; background: transparent; color: var(--_muted); }
  td button.free { background: var(--_surface); border-color: var(--_border); color: var(--_fg); font-weight: 600; }
  td[aria-selected='true'] button { background: var(--_accent); color: var(--_accent-fg); border-color: var(--_accent); }
  td button[aria-disabled='true'] { cursor: default; }
`;
