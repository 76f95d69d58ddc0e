// Widget weight against DESIGN.md's budgets: the first-paint script (widget.js and anything it
// imports statically: what paints the widget's skeleton and sends the first API call), what the
// service list needs on top (the chunk with zod and the schemas, fetched beside that call), and everything (lazy
// chunks and every locale), raw, gzip and brotli, plus what each package or source folder
// contributes (tree-shaken source, before minification).
// Run: npm run bench:bundle   (builds first)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';

// DESIGN.md's budgets: the first paint, and one customer's path to a booking; the total of every
// chunk (the manage chunk, other locales) is reported, not budgeted.
const BUDGET = { firstPaint: 16 * 1024, firstPaintAim: 13 * 1024, path: 26 * 1024 };
const dir = 'dist/widget';

const out = (await build({ logLevel: 'silent' })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
const chunks = (Array.isArray(out) ? out[0] : out).output.filter((c): c is Rolldown.OutputChunk => c.type === 'chunk');

const size = (code: Buffer) => ({
  raw: code.length,
  gzip: gzipSync(code, { level: 9 }).length,
  brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const files = ['widget.js', ...readdirSync(join(dir, 'chunks')).map((f) => `chunks/${f}`)];
const rows = files.map((f) => ({ file: f, ...size(readFileSync(join(dir, f))) }));

// First paint: the entry and its static imports, transitively.
const byName = new Map(chunks.map((c) => [c.fileName, c]));
const first = new Set<string>();
const visit = (name: string, into: Set<string>) => {
  if (into.has(name)) return;
  into.add(name);
  for (const i of byName.get(name)?.imports ?? []) visit(i, into);
};
visit('widget.js', first);
// One customer's path: the first paint plus the chunk with zod and the schemas, which holds the steps to a booking.
const list = new Set(first);
const schemasChunk = chunks.find((c) => Object.keys(c.modules).some((id) => id.includes('/node_modules/zod/')));
if (schemasChunk) visit(schemasChunk.fileName, list);
const sum = (pick: (r: (typeof rows)[number]) => boolean) =>
  rows.filter(pick).reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip, brotli: a.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const fp = sum((r) => first.has(r.file));
const toList = sum((r) => list.has(r.file));
const all = sum(() => true);
const kb = (n: number) => (n / 1024).toFixed(2).padStart(6);

console.log('file                                   raw KB  gzip KB  brotli KB');
for (const r of rows) console.log(`${r.file.padEnd(36)} ${kb(r.raw)}   ${kb(r.gzip)}    ${kb(r.brotli)}`);
console.log();
console.log(`first paint (${[...first].join(' + ')}): gzip ${kb(fp.gzip)} KB, brotli ${kb(fp.brotli)} KB — budget ${BUDGET.firstPaint / 1024} KB (aim ${BUDGET.firstPaintAim / 1024}) ${fp.gzip <= BUDGET.firstPaint ? 'OK' : 'OVER'}`);
console.log(`one customer's path to a booking (+ ${[...list].filter((f) => !first.has(f)).join(' + ')}, fetched beside the first API call): gzip ${kb(toList.gzip)} KB, brotli ${kb(toList.brotli)} KB — budget ${BUDGET.path / 1024} KB ${toList.gzip <= BUDGET.path ? 'OK' : 'OVER'}`);
console.log(`everything (every chunk, every locale; reported): gzip ${kb(all.gzip)} KB, brotli ${kb(all.brotli)} KB`);

function contributions(title: string, pick: (c: Rolldown.OutputChunk) => boolean) {
  console.log(`\nwhat each part contributes to ${title} (tree-shaken source before minification):`);
  const parts = new Map<string, number>();
  for (const c of chunks.filter(pick)) {
    for (const [id, m] of Object.entries(c.modules)) {
      const pkg = id.includes('node_modules/') ? id.split('node_modules/').pop()!.split('/').slice(0, id.includes('node_modules/@') ? 2 : 1).join('/') : `src/${id.split('/src/')[1]?.split('/').slice(0, 2).join('/')}`;
      parts.set(pkg, (parts.get(pkg) ?? 0) + m.renderedLength);
    }
  }
  for (const [k, v] of [...parts].sort((a, b) => b[1] - a[1])) if (v > 0) console.log(`  ${k.padEnd(40)} ${kb(v)} KB`);
}
contributions('the first paint', (c) => first.has(c.fileName));
contributions('everything', () => true);
