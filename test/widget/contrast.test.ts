import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { BookingWidget } from '../../src/widget/booking-widget.ts';
import { $, apiFixture, mount, resetWorld, toDetails } from './helpers.ts';

// What axe does not check: the contrast of every theme's tokens as the browser resolves them,
// against the backgrounds they sit on. WCAG 1.4.3 asks 4.5:1 for text, 1.4.11 3:1 for the
// boundaries of form fields and for the focus indicator.

type Rgba = [number, number, number, number];

/** A computed colour (`rgb(…)`, `rgba(…)` or `color(srgb …)`) as 0–255 channels and alpha. */
function parse(c: string): Rgba {
  const srgb = /color\(srgb ([\d.]+) ([\d.]+) ([\d.]+)(?: \/ ([\d.]+))?\)/.exec(c);
  if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, srgb[4] === undefined ? 1 : Number(srgb[4])];
  const n = c.match(/[\d.]+/g)!.map(Number);
  return [n[0], n[1], n[2], n[3] ?? 1];
}

/** A colour with alpha laid over an opaque background. */
const over = ([r, g, b, a]: Rgba, [R, G, B]: Rgba): Rgba => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a), 1];

function luminance([r, g, b]: Rgba) {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function ratio(fg: string | Rgba, bg: string | Rgba) {
  const b = typeof bg === 'string' ? parse(bg) : bg;
  const f = over(typeof fg === 'string' ? parse(fg) : fg, b);
  const [x, y] = [luminance(f), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** The colours of the box-shadow layers (the focus ring), outermost last. */
const shadowColors = (shadow: string) => [...shadow.matchAll(/(rgba?\([^)]*\)|color\([^)]*\))/g)].map((m) => m[1]);

/** A token as the widget resolves it: read through a probe element inside the frame. */
function token(el: BookingWidget, name: string): string {
  const probe = document.createElement('span');
  $(el, '.root')!.append(probe);
  probe.style.color = `var(${name})`;
  const c = getComputedStyle(probe).color;
  probe.remove();
  return c;
}

describe('<booking-widget> theme contrast', () => {
  beforeEach(resetWorld);

  for (const theme of ['light', 'dark']) {
    it(`${theme}: text tokens reach 4.5:1 on the backgrounds they sit on`, async () => {
      const f = await apiFixture();
      const el = await mount(f, { theme });
      await toDetails(el);
      const bg = token(el, '--_bg');
      const surface = token(el, '--_surface');
      expect(ratio(token(el, '--_fg'), bg), 'text on the background').to.be.at.least(4.5);
      expect(ratio(token(el, '--_fg'), surface), 'text on buttons').to.be.at.least(4.5);
      expect(ratio(token(el, '--_muted'), bg), 'secondary text on the background').to.be.at.least(4.5);
      expect(ratio(token(el, '--_muted'), surface), 'secondary text on notices').to.be.at.least(4.5);
      expect(ratio(token(el, '--_danger'), bg), 'errors on the background').to.be.at.least(4.5);
      expect(ratio(token(el, '--_danger'), surface), 'errors on notices').to.be.at.least(4.5);
      const primary = $(el, 'button.primary')!;
      const p = getComputedStyle(primary);
      expect(ratio(p.color, p.backgroundColor), 'text on the accent').to.be.at.least(4.5);
      expect(ratio(token(el, '--_accent'), bg), 'the accent against the background').to.be.at.least(3);
    });

    it(`${theme}: form fields' borders and the focus ring reach 3:1 against the background`, async () => {
      const f = await apiFixture();
      const el = await mount(f, { theme });
      await toDetails(el);
      const bg = token(el, '--_bg');
      const input = $<HTMLInputElement>(el, '#bw-name')!;
      expect(ratio(getComputedStyle(input).borderTopColor, bg), 'input border').to.be.at.least(3);
      // Focus by keyboard, so :focus-visible applies: from the name field to the email field.
      input.focus();
      await sendKeys({ press: 'Tab' });
      const email = $<HTMLInputElement>(el, '#bw-email')!;
      expect(el.shadowRoot!.activeElement).to.equal(email);
      const ring = shadowColors(getComputedStyle(email).boxShadow);
      expect(ring.length, getComputedStyle(email).boxShadow).to.be.greaterThan(0);
      // The ring's outer layer is what meets the background around the field.
      expect(ratio(ring.at(-1)!, bg), 'focus ring').to.be.at.least(3);
      const button = $(el, 'button.back')!;
      button.focus();
      await sendKeys({ press: 'Tab' });
      const focusedButton = el.shadowRoot!.activeElement as HTMLElement;
      const buttonRing = shadowColors(getComputedStyle(focusedButton).boxShadow);
      expect(ratio(buttonRing.at(-1)!, bg), 'focus ring on a button').to.be.at.least(3);
    });
  }
});
