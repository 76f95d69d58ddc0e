// `npm run build` writes custom-elements.json for editors and tools (lit's analyzer plugin, plus
// one plugin of ours): only the public surface of <booking-widget>, not its internal state.
export default {
  globs: ['src/widget/booking-widget.ts'],
  outdir: process.env.CEM_OUTDIR ?? 'dist',
  // package.json names dist/custom-elements.json already; a test's run into another outdir must not rewrite it.
  packagejson: false,
  litelement: true,
  plugins: [
    {
      name: 'booking-widget-public-surface',
      analyzePhase({ ts, node, moduleDoc }) {
        // Lit's `state: true` properties are internal: drop them from attributes and members.
        if (!ts.isPropertyDeclaration(node) || node.name.getText() !== 'properties') return;
        const init = node.initializer;
        if (!init || !ts.isObjectLiteralExpression(init)) return;
        const state = new Set(
          init.properties
            .filter((p) => ts.isPropertyAssignment(p) && ts.isObjectLiteralExpression(p.initializer) && /state:\s*true/.test(p.initializer.getText()))
            .map((p) => p.name.getText()),
        );
        moduleDoc.__state = state;
      },
      moduleLinkPhase({ moduleDoc }) {
        const state = moduleDoc.__state ?? new Set();
        delete moduleDoc.__state;
        for (const d of moduleDoc.declarations ?? []) {
          if (d.name !== 'BookingWidget') continue;
          d.tagName = 'booking-widget';
          d.customElement = true;
          d.attributes = (d.attributes ?? []).filter((a) => !state.has(a.fieldName ?? a.name));
          d.members = (d.members ?? []).filter((m) => !state.has(m.name) && m.privacy !== 'private' && m.privacy !== 'protected');
        }
        moduleDoc.exports = [
          ...(moduleDoc.exports ?? []),
          { kind: 'custom-element-definition', name: 'booking-widget', declaration: { name: 'BookingWidget', module: moduleDoc.path } },
        ];
      },
    },
  ],
};
