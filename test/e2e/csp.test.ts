// A merchant page with a strict Content-Security-Policy and Trusted Types.
import assert from 'node:assert/strict';
import { e2e, fillDetails, heading, mouseToDetails, useWorld } from './helpers.ts';

const world = useWorld();

e2e('books on a strict-CSP page (script-src self + API, Trusted Types lit-html) with no policy violation and no console error', async (_t, track) => {
  const biz = await world.business();
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${world.api}`,
    `connect-src ${world.api}`,
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
  const url = world.pages.add({ pk: biz.pk, csp, title: 'Strict CSP shop' });
  const context = track(await world.newContext());
  const page = await context.newPage();
  const violations: string[] = [];
  const consoleErrors: string[] = [];
  // Reported to Node the moment they happen, from a listener installed before any page script.
  await page.exposeBinding('__cspViolation', (_src, v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  const res = await page.goto(url);
  assert.equal(res!.headers()['content-security-policy'], csp, 'the page is served with the policy');
  await heading(page, 'Choose a service').waitFor();
  await mouseToDetails(page, biz.serviceName);
  await fillDetails(page, 'Ada Lovelace', 'ada@example.com');
  await page.locator('booking-widget button[type=submit]').click();
  await heading(page, 'You are booked').waitFor();
  await page.locator('booking-widget').getByRole('button', { name: 'Manage booking' }).click();
  await heading(page, 'Manage booking').waitFor();

  assert.deepEqual(violations, [], 'no securitypolicyviolation');
  assert.deepEqual(consoleErrors, [], 'no console error');
  assert.equal((await biz.admin('GET', '/bookings')).data.length, 1, 'the booking was made');
});

e2e('the violation listener of the strict-CSP test does report a violation (control)', async (_t, track) => {
  // Proves the check above can fail: the same policy blocks an inline script and it is reported.
  const biz = await world.business();
  const url = world.pages.add({ pk: biz.pk, csp: `script-src 'self' ${world.api}; require-trusted-types-for 'script'; trusted-types lit-html` });
  const context = track(await world.newContext());
  const page = await context.newPage();
  const violations: string[] = [];
  await page.exposeBinding('__cspViolation', (_src, v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(v: string): void }).__cspViolation(e.violatedDirective));
  });
  await page.goto(url);
  await heading(page, 'Choose a service').waitFor();
  // A page script (not the widget) writing HTML through a sink that Trusted Types guards.
  await page.locator('booking-widget').evaluate((el) => {
    try { (el as HTMLElement).insertAdjacentHTML('beforeend', '<b>x</b>'); } catch { /* blocked, as it should be */ }
  });
  for (let i = 0; i < 50 && violations.length === 0; i++) await page.waitForTimeout(100);
  assert.ok(violations.some((v) => v.includes('require-trusted-types-for')), `a Trusted Types violation was reported (got ${JSON.stringify(violations)})`);
});
