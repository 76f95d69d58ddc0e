import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';

/**
 * Collapses the indentation inside lit's `html` and `css` templates, which minifiers leave alone
 * (a template literal's text is data to them). HTML keeps one space wherever there was whitespace,
 * so inline content renders exactly as before; CSS drops comments, the spaces around its
 * punctuation and each block's last semicolon. Only the templates' static text changes, never an
 * expression.
 */
export function minifyTemplates(): Plugin {
  type Node = { type: string; start: number; end: number; [k: string]: unknown };
  const tight = (t: string) => t.replace(/\/\*[^]*?\*\//g, '').replace(/\s+/g, ' ').replace(/ ?([{};,]) ?/g, '$1').replace(/: /g, ':').replace(/;}/g, '}');
  // Quoted strings (attribute selectors, `content`, font names) pass through untouched.
  const css = (t: string) => t.split(/('[^']*'|"[^"]*")/).map((part, i) => (i % 2 ? part : tight(part))).join('');
  const html = (t: string) => t.replace(/\s*\n\s*/g, ' ');
  return {
    name: 'minify-templates',
    apply: 'build',
    enforce: 'post',
    transform(code, id) {
      if (!/\/src\/widget\/.*\.ts$/.test(id) || !/\b(html|css)`/.test(code)) return;
      const edits: [number, number, string][] = [];
      const visit = (node: unknown): void => {
        if (!node || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach(visit);
        const n = node as Node;
        const tag = n.type === 'TaggedTemplateExpression' ? (n.tag as Node & { name?: string }).name : undefined;
        const quasis = (n.quasi as { quasis: Node[] } | undefined)?.quasis ?? [];
        // Whitespace is content inside <pre> and <textarea>: templates holding one stay as written.
        const verbatim = tag === 'html' && quasis.some((q) => /<(pre|textarea)\b/i.test(code.slice(q.start, q.end)));
        if ((tag === 'html' || tag === 'css') && !verbatim) {
          for (const q of quasis) {
            const raw = code.slice(q.start, q.end);
            const min = (tag === 'css' ? css : html)(raw);
            if (min !== raw) edits.push([q.start, q.end, min]);
          }
        }
        for (const key in n) if (key !== 'type') visit(n[key]);
      };
      visit(this.parse(code));
      if (!edits.length) return;
      let min = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) min = min.slice(0, start) + text + min.slice(end);
      return { code: min, map: null };
    },
  };
}

/**
 * Ships each lazily loaded locale as an array of its messages in `en`'s key order instead of an
 * object: the key names are the same in every locale, and spelled out they were a third of each
 * locale chunk. `loadMessages` zips them back onto `en`'s keys. The source stays a typed object,
 * so translators and the type checker see names; a locale whose keys differ from `en`'s fails the build.
 */
export function packLocales(): Plugin {
  const enKeys = [...readFileSync(new URL('./src/widget/i18n/en.ts', import.meta.url), 'utf8').matchAll(/^ {2}([A-Za-z_$][\w$]*):/gm)].map((m) => m[1]);
  type Node = { type: string; start: number; end: number; [k: string]: any };
  return {
    name: 'pack-locales',
    apply: 'build',
    enforce: 'post',
    transform(code, id) {
      const lang = /\/src\/widget\/i18n\/(\w+)\.ts$/.exec(id)?.[1];
      if (!lang || lang === 'en' || lang === 'index') return;
      const decl = (this.parse(code).body as Node[]).find((n) => n.type === 'ExportNamedDeclaration')?.declaration?.declarations?.[0];
      const table = decl?.init as Node | undefined;
      if (table?.type !== 'ObjectExpression') this.error(`${lang}: expected \`export const ${lang} = { … }\``);
      const values = new Map<string, string>();
      for (const p of table.properties as Node[]) {
        if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') this.error(`${lang}: only plain \`key: value\` messages can be packed`);
        values.set(p.key.name, code.slice(p.value.start, p.value.end));
      }
      const missing = enKeys.filter((k) => !values.has(k));
      const extra = [...values.keys()].filter((k) => !enKeys.includes(k));
      if (missing.length || extra.length) this.error(`${lang}: keys differ from en's (missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'})`);
      const packed = `[${enKeys.map((k) => values.get(k)).join(',')}]`;
      return { code: code.slice(0, table.start) + packed + code.slice(table.end), map: null };
    },
  };
}

// The widget ships as one ES module, `widget.js`, plus lazy chunks beside it: the flow (the steps
// after the service list, zod and the schemas) and each locale but English.
export default defineConfig({
  plugins: [minifyTemplates(), packLocales()],
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    lib: { entry: 'src/widget/index.ts', formats: ['es'], fileName: () => 'widget.js' },
    minify: true,
    rolldownOptions: {
      // Let the entry export what the lazy chunks share with it, instead of splitting the shared
      // modules into a third file that the first paint would have to fetch.
      preserveEntrySignatures: 'allow-extension',
      output: {
        // Vite's library mode leaves whitespace in ES output; minify the chunks themselves.
        minify: true,
        // Licence notices stay; tree-shaking hints (`/* @__PURE__ */`) are spent by now.
        comments: { legal: true, annotation: false, jsdoc: false },
        chunkFileNames: 'chunks/[name]-[hash].js',
        // The network layer asks for the schemas (src/widget/schemas.ts) and the element for the
        // steps (src/widget/flow/index.ts): two dynamic imports, one chunk. Fetched beside the first
        // API call, it brings everything to a booking in one request. The group names what only
        // those two reach (the steps after the service list, the flow's transitions and controllers,
        // the contract's schemas, zod). The manage step and what it does (src/widget/manage/) are a
        // chunk of their own, for returning customers. test/package/build.test.ts fails if widget.js
        // imports either statically or another chunk appears.
        codeSplitting: {
          // Only the modules named here: what widget.js shares with them stays in widget.js.
          includeDependenciesRecursively: false,
          groups: [
            { name: 'flow', test: /\/src\/widget\/(schemas\.ts|flow\/|controllers\/task\.ts|steps\/(?!(list|first|parts|loading|unavailable|services|manage)\.ts))|\/src\/contract\/(?!codes\.ts|locales\.ts|accounts\.ts)|\/node_modules\/zod\//, priority: 1 },
          ],
        },
      },
    },
  },
});
