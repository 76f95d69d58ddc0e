// Where a V8 CPU profile spent its time: self time by function and by source file, the top rows.
// Run: BENCH_CPU_PROF=.tmp/prof npm run bench:api && tsx bench/profile.ts .tmp/prof/*.cpuprofile
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
const file = process.argv[2];
if (!file) throw new Error('usage: tsx bench/profile.ts <file.cpuprofile>');
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const total = profile.samples.length;
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
const where = (url: string) => url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, 'npm:').replace(/.*\/src\//, 'src/') || '(native)';
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0;
  if (!hits) continue;
  const f = where(n.callFrame.url);
  const fn = `${n.callFrame.functionName || '(anonymous)'}  ${f}:${n.callFrame.lineNumber + 1}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
  const pkg = f.startsWith('npm:') ? f.split('/').slice(0, f.startsWith('npm:@') ? 2 : 1).join('/') : f;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + hits);
}
const show = (title: string, m: Map<string, number>, n: number) => {
  console.log(`\n${title} (share of ${total} samples)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
};
show('self time by file or package', byFile, 25);
show('self time by function', byFn, 30);
