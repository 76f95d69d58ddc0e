// The framework fixtures under test/frameworks: type-checked as a project of their own (the lines
// they expect to fail prove the types are strict, not `any`), built with esbuild as a
// developer's bundler would, and each rendered in Chromium on a page of another origin, where it books once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT, e2e, fillDetails, heading, mouseToDetails, until, useWorld } from './helpers.ts';

const world = useWorld();

e2e('the React 19, React wrapper (@lit/react) and Vue fixtures type-check', async () => {
  // Fails with tsc's messages when a fixture does not type-check, or an expected error does not occur.
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(ROOT, 'test/frameworks/tsconfig.json')], { cwd: ROOT });
});

/** A fixture bundled as an app would be; `inpage-booking` is the API's widget.js, as the page's script tag loads it. */
async function bundle(file: string, api: string): Promise<string> {
  const out = await build({
    entryPoints: [join(ROOT, 'test/frameworks', file)], bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022',
    jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    tsconfig: join(ROOT, 'test/frameworks/tsconfig.json'), logLevel: 'silent',
    plugins: [{
      name: 'inpage-booking',
      setup(b) {
        b.onResolve({ filter: /^inpage-booking$/ }, () => ({ path: `${api}/widget.js`, external: true }));
        b.onResolve({ filter: /^inpage-booking\/react$/ }, () => ({ path: join(ROOT, 'src/react/index.ts') }));
      },
    }],
  });
  return out.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
}

for (const [name, file] of [['React 19 (the element in JSX)', 'react19.tsx'], ['React with the @lit/react wrapper', 'react18.tsx'], ['Vue', 'vue.ts']] as const) {
  e2e(`the ${name} fixture renders the widget and books once`, async (_t, track) => {
    const biz = await world.business();
    const code = await bundle(file, world.api);
    const context = track(await world.newContext());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const head = `<script type="module">window.fixture = ${JSON.stringify({ pk: biz.pk })};\n${code}</script>`;
    await page.goto(world.pages.add({ pk: biz.pk, head, main: '<div id="app"></div><p id="booked"></p>' }));
    await heading(page, 'Choose a service').waitFor();
    assert.equal(await page.locator('booking-widget').count(), 1, 'the one element the app rendered');
    await mouseToDetails(page, biz.serviceName);
    await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
    await page.locator('booking-widget button[type=submit]').click();
    await heading(page, 'You are booked').waitFor();
    const { data } = await biz.admin('GET', '/bookings');
    assert.equal(data.length, 1, 'one booking');
    // The app heard bw-booked through its own listener (JSX onbw-booked, the wrapper's onBooked, Vue's onBwBooked).
    await until(() => page.locator('#booked').textContent(), (t) => t === data[0].id, "the app's bw-booked listener got the booking");
    assert.deepEqual(errors, []);
  });
}
