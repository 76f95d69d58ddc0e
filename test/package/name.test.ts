// The package's name on the registry: `booking-widget` there is someone else's package, so ours is
// `inpage-booking`, and everything a merchant copies (the tarball's name, the README's steps) says so.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string> };
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');

describe('package name', () => {
  it('is inpage-booking, with the booking-api command', () => {
    assert.equal(pkg.name, 'inpage-booking');
    assert.equal(pkg.bin['booking-api'], 'bin/booking-api.mjs');
  });

  it('packs as inpage-booking-<version>.tgz, with the command, the widget source and the README', () => {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { filename: string; files: { path: string }[] }[];
    assert.equal(packed.filename, `inpage-booking-${pkg.version}.tgz`);
    const paths = packed.files.map((f) => f.path);
    for (const p of ['bin/booking-api.mjs', 'src/cli/main.ts', 'src/widget/booking-widget.ts', 'README.md', 'package.json']) assert.ok(paths.includes(p), p);
  });

  it("gives self-hosting steps that install this package's tarball today and the published package later, and set the booking page", () => {
    const section = readme.slice(readme.indexOf('## Self-hosting the API'), readme.indexOf('## Running several instances'));
    assert.match(section, new RegExp(`npm install \\.\\./inpage-booking/inpage-booking-${pkg.version.replace(/\./g, '\\.')}\\.tgz`));
    assert.match(section, /npm ci && npm run build && npm pack/);
    assert.match(section, /npm install inpage-booking\b/);
    assert.match(section, /booking-api init [^\n]*\\\n\s+--booking-page-url https:\/\//);
    assert.doesNotMatch(readme, /npm install booking-widget|npx booking-widget|from 'booking-widget'/);
  });
});
