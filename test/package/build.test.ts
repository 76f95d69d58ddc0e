// The built widget as a merchant's page loads it: the build's own transforms (packed locales,
import { execFileSync } from 'node:child_process';
// collapsed template whitespace, one lazy chunk for the steps and the schemas) must not change
// what the widget says or does. The browser flows run on this build in test/e2e; these check the
// transforms' outputs directly.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build, type Rolldown } from 'vite';
import { minifyTemplates } from '../../vite.config.ts';
import { unpack } from '../../src/widget/i18n/index.ts';
import { en } from '../../src/widget/i18n/en.ts';
import { LOCALES } from '../../src/contract/locales.ts';

/** Every locale but English, which ships in widget.js: each is a lazy chunk of its own. */
const lazyLocales = LOCALES.filter((l) => l !== 'en');
const sources = Object.fromEntries(await Promise.all(lazyLocales.map(async (l) => [l, ((await import(`../../src/widget/i18n/${l}.ts`)) as Record<string, unknown>)[l]] as const)));

const root = resolve(import.meta.dirname, '../..');
mkdirSync(join(root, '.tmp'), { recursive: true });
const out = mkdtempSync(join(root, '.tmp', 'build-'));
after(() => rmSync(out, { recursive: true, force: true }));

/** A message's value, comparable: strings as they are, message functions by what they say for sample arguments. */
const said = (v: unknown) => (typeof v === 'function' ? [v(3, 'X'), v('12:34', 'Y')] : v);

describe('widget build', () => {
  const chunk = (prefix: string) => readdirSync(join(out, 'chunks')).find((f) => f.startsWith(prefix))!;
  before(async () => {
    await build({ root, logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
  });

  for (const [lang, source] of Object.entries(sources) as [string, Record<string, unknown>][]) {
    it(`ships ${lang} packed, and it unpacks to every message of the source in its place`, async () => {
      const text = readFileSync(join(out, 'chunks', chunk(`${lang}-`)), 'utf8');
      assert.doesNotMatch(text, /chooseService|yourDetails/, 'no key names in the packed chunk');
      const mod = (await import(pathToFileURL(join(out, 'chunks', chunk(`${lang}-`))).href)) as Record<string, unknown>;
      const shipped = unpack(mod[lang]);
      assert.deepEqual(Object.keys(shipped), Object.keys(en));
      for (const key of Object.keys(en) as (keyof typeof en)[]) assert.deepEqual(said(shipped[key]), said(source[key]), `${lang}.${key}`);
    });
  }

  it('collapses the indentation of the templates and styles, and keeps their text and bindings', () => {
    const code = [join(out, 'widget.js'), join(out, 'chunks', chunk('flow-')), join(out, 'chunks', chunk('manage-')), join(out, 'chunks', chunk('accounts-'))].map((f) => readFileSync(f, 'utf8')).join('\n');
    assert.doesNotMatch(code, /\n {2,}/, 'no indented lines left in any template');
    assert.match(code, /:host\{--_accent:var\(--bw-accent,#4f46e5\);/, 'CSS without spaces around its punctuation');
    assert.match(code, /<button part="button danger" class="danger" \?disabled=\$\{/, 'attributes and bindings intact');
  });

  it('loads nothing but widget.js before the first paint, one chunk for the steps and schemas after it, and the dialog of the popup modes apart', () => {
    const entry = readFileSync(join(out, 'widget.js'), 'utf8');
    assert.doesNotMatch(entry, /^import\b|\bimport\s*\{[^}]*\}\s*from/m, 'no static import in widget.js');
    const lazy = [...entry.matchAll(/import\(`?["'`]?\.\/chunks\/([\w-]+)\.js/g)].map((m) => m[1].split('-')[0]).sort();
    assert.deepEqual([...new Set(lazy)], [...lazyLocales, 'accounts', 'flow', 'manage', 'modal'].sort());
    assert.deepEqual(readdirSync(join(out, 'chunks')).map((f) => f.split('-')[0]).sort(), [...lazyLocales, 'accounts', 'flow', 'manage', 'modal'].sort());
    // Customer accounts (decision 012) are a chunk of their own: neither the first paint nor the flow carries jose's signing or the account's messages.
    for (const f of [join(out, 'widget.js'), join(out, 'chunks', chunk('flow-'))]) assert.doesNotMatch(readFileSync(f, 'utf8'), /dpop\+jwt|bw_verify/);
    assert.doesNotMatch(entry, /showModal/, "the dialog's code is the modal chunk's");
  });
});

describe('template minifier', () => {
  it('leaves quoted CSS strings and <pre>/<textarea> templates as written, and collapses the rest', async () => {
    const dir = join(out, 'fixture', 'src', 'widget');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'fixture.ts'), [
      'const css = (s: TemplateStringsArray) => s.raw.join("|");',
      'const html = (s: TemplateStringsArray, ..._v: unknown[]) => s.raw.join("|");',
      'export const style = css`',
      '  .a::after { content: \'x:  y, z;}\'; color: red; }',
      '  .b { font-family: "Fira  Sans", serif; }`;',
      'export const pre = html`<pre>',
      '  two  spaces',
      '</pre>`;',
      'export const list = html`<ul>',
      '    <li>${1}</li>',
      '  </ul>`;',
    ].join('\n'));
    const result = (await build({
      configFile: false, logLevel: 'silent', plugins: [minifyTemplates()],
      build: { write: false, minify: false, lib: { entry: join(dir, 'fixture.ts'), formats: ['es'], fileName: 'fixture' } },
    })) as Rolldown.RolldownOutput[] | Rolldown.RolldownOutput;
    const code = (Array.isArray(result) ? result[0] : result).output[0].code;
    const mod = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as Record<string, string>;
    assert.equal(mod.style, " .a::after{content:'x:  y, z;}';color:red}.b{font-family:\"Fira  Sans\",serif}");
    assert.equal(mod.pre, '<pre>\n  two  spaces\n</pre>');
    assert.equal(mod.list, '<ul> <li>|</li> </ul>');
  });
});

describe('inpage-booking/react', () => {
  it('builds a wrapper that imports the element from the package, not a second copy of it', () => {
    const dir = mkdtempSync(join(root, '.tmp', 'react-'));
    try {
      const file = join(dir, 'index.js');
      const script = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['build:react'] as string;
      execFileSync(join(root, 'node_modules/.bin/esbuild'), [...script.split(' ').slice(1).filter((a) => !a.startsWith('--outfile=')), `--outfile=${file}`], { cwd: root, stdio: 'pipe' });
      const code = readFileSync(file, 'utf8');
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).sort();
      assert.deepEqual(imports, ['@lit/react', 'inpage-booking', 'react']);
      assert.doesNotMatch(code, /customElements\.define|LitElement/, 'no element code of its own');
      assert.match(code, /onBooked: event\("bw-booked"\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
