/**
 * Text colour for the accent as it resolves here (attribute, --bw-accent, light or dark default):
 * white or near-black, whichever contrasts more, unless the page sets --bw-accent-foreground.
 */
export function readableOn(root: HTMLElement): string {
  const probe = root.querySelector<HTMLElement>('.sr')!;
  probe.style.setProperty('color', 'var(--_accent)');
  const color = getComputedStyle(probe).color;
  const [r, g, b] = (/^rgba?\(/.test(color) ? color.match(/[\d.]+/g) ?? [] : []).map(Number).map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  probe.style.removeProperty('color');
  if (r === undefined || g === undefined || b === undefined) return '#fff';
  const light = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (light + 0.05) >= (light + 0.05) / 0.0616 ? '#fff' : '#111827';
}
