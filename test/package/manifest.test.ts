// What developers who install the package get besides widget.js: a custom-elements.json manifest
// for their editors and tools, and type declarations that make the element and its events typed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
// Inside the project (.tmp/ is ignored by git), so a page's imports find lit as an installed app's would.
mkdirSync(join(root, '.tmp'), { recursive: true });
const work = mkdtempSync(join(root, '.tmp', 'package-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('package for developers', () => {
  let manifest: { modules: { declarations?: Record<string, unknown>[]; exports?: { kind: string; name: string }[] }[] };
  before(() => {
    execFileSync(bin('tsc'), ['-p', 'tsconfig.types.json', '--outDir', join(work, 'types')], { cwd: root, stdio: 'pipe' });
    // The analyzer takes its outdir relative to the project.
    const pkg = readFileSync(join(root, 'package.json'), 'utf8');
    execFileSync(bin('cem'), ['analyze'], { cwd: root, stdio: 'pipe', env: { ...process.env, CEM_OUTDIR: relative(root, work) } });
    assert.equal(readFileSync(join(root, 'package.json'), 'utf8'), pkg, 'the analyzer leaves package.json as it was');
    manifest = JSON.parse(readFileSync(join(work, 'custom-elements.json'), 'utf8'));
  });

  it('describes <booking-widget> in custom-elements.json with its attributes, events, parts and properties', () => {
    const el = manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === 'booking-widget') as Record<string, { name: string }[]> | undefined;
    assert.ok(el, 'a declaration with tagName booking-widget');
    const names = (k: string) => el[k].map((x) => x.name);
    assert.deepEqual(names('attributes'), ['publishable-key', 'api-base', 'service', 'staff', 'locale', 'timezone', 'hour-cycle', 'week-start', 'theme', 'accent', 'radius', 'density', 'name', 'email', 'phone', 'accounts', 'mode', 'position', 'label', 'date', 'forward-params']);
    assert.deepEqual(names('events').sort(), ['bw-before-book', 'bw-booked', 'bw-cancelled', 'bw-close', 'bw-error', 'bw-hold', 'bw-open', 'bw-ready', 'bw-rescheduled', 'bw-step-change']);
    for (const method of ['open', 'close']) assert.ok(names('members').includes(method), method);
    for (const part of ['root', 'service', 'calendar', 'day-free', 'slot', 'input', 'primary', 'notice']) assert.ok(names('cssParts').includes(part), part);
    for (const prop of ['--bw-accent', '--bw-radius', '--bw-font', '--bw-space']) assert.ok(names('cssProperties').includes(prop), prop);
    // Internal state (step, services, hold…) is not part of the public surface.
    assert.ok(!names('members').includes('step') && !names('members').includes('hold'));
    assert.ok(manifest.modules.some((m) => m.exports?.some((e) => e.kind === 'custom-element-definition' && e.name === 'booking-widget')));
  });

  it('types the element and its events for a TypeScript page that imports the declarations', () => {
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"type":"module"}');
    writeFileSync(join(app, 'page.ts'), `
      import type { BookingWidget } from '../types/widget/index.js';
      const w = document.querySelector('booking-widget')!;
      const typed: BookingWidget = w;
      typed.publishableKey = 'pk_test_x';
      typed.theme = 'dark';
      w.addEventListener('bw-booked', (e) => console.log(e.detail.booking.id.toUpperCase()));
      w.addEventListener('bw-error', (e) => console.log(e.detail.code));
      // @ts-expect-error: not a theme
      typed.theme = 'purple';
      typed.mode = 'popup';
      // @ts-expect-error: not a mode
      typed.mode = 'modal';
      w.addEventListener('bw-open', (e) => console.log(e.detail.step.toUpperCase()));
      void typed.open();
    `);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'DOM'], types: [] },
      files: ['page.ts'],
    }));
    try {
      execFileSync(bin('tsc'), ['-p', join(app, 'tsconfig.json')], { cwd: app, stdio: 'pipe' });
    } catch (err) {
      assert.fail(String((err as { stdout?: Buffer }).stdout ?? err));
    }
  });
});
