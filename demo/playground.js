// The theming playground: every control writes an attribute or a --bw-* property on the widget,
// and the snippet shows what a merchant would paste.
const widget = document.getElementById('preview');
const form = document.getElementById('controls');
const snippet = document.getElementById('snippet');
const key = widget.getAttribute('publishable-key');

// A control counts once it is touched: one left at its starting value must neither pin the widget
// (an untouched --bw-background would keep the dark theme white, an untouched --bw-space would undo
// density="compact") nor land in the snippet (a pasted locale="en" would override the page's language).
const touched = new Set();

function apply() {
  const attrs = [`publishable-key="${key}"`];
  const css = [];
  for (const el of form.elements) {
    if (!el.name) continue;
    let value = touched.has(el.name) ? el.value : '';
    if (value && (el.name === 'radius' || el.name === '--bw-space')) value = `${value}px`;
    if (el.dataset.css !== undefined) {
      if (value) { widget.style.setProperty(el.name, value); css.push(`  ${el.name}: ${value};`); } else widget.style.removeProperty(el.name);
    } else if (value) {
      widget.setAttribute(el.name, value);
      attrs.push(`${el.name}="${value}"`);
    } else widget.removeAttribute(el.name);
  }
  snippet.textContent = `<script type="module" src="${location.origin}/widget.js"></script>\n<booking-widget\n  ${attrs.join('\n  ')}>\n  <a href="/book">Book online</a>\n</booking-widget>${css.length ? `\n\n<style>\n booking-widget {\n${css.join('\n')}\n }\n</style>` : ''}`;
}
form.addEventListener('input', (e) => {
  touched.add(e.target.name);
  apply();
});
apply();
