// The theming playground: every control writes an attribute or a --bw-* property on the widget,
// and the snippet shows what a merchant would paste.
const widget = document.getElementById('preview');
const form = document.getElementById('controls');
const snippet = document.getElementById('snippet');
const key = widget.getAttribute('publishable-key');

function apply() {
  const attrs = [`publishable-key="${key}"`];
  const css = [];
  for (const el of form.elements) {
    if (!el.name) continue;
    let value = el.value;
    if (el.name === 'radius' || el.name === '--bw-space') value = `${value}px`;
    if (el.dataset.css !== undefined) {
      if (value) { widget.style.setProperty(el.name, value); css.push(`  ${el.name}: ${value};`); } else widget.style.removeProperty(el.name);
    } else if (value) {
      widget.setAttribute(el.name, value);
      attrs.push(`${el.name}="${value}"`);
    } else widget.removeAttribute(el.name);
  }
  snippet.textContent = `<script type="module" src="${location.origin}/widget.js"></script>\n<booking-widget\n  ${attrs.join('\n  ')}>\n  <a href="/book">Book online</a>\n</booking-widget>${css.length ? `\n\n<style>\n booking-widget {\n${css.join('\n')}\n }\n</style>` : ''}`;
}
form.addEventListener('input', apply);
apply();
