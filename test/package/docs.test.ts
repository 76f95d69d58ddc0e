import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LOCALES } from '../../src/contract/locales.ts';
import { STEPS } from '../../src/widget/steps/list.ts';

// The README states what the code knows; these hold it to the code's own lists.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('names every step bw-step-change can carry, and no other', () => {
    const row = readme.split('\n').find((l) => l.startsWith('| `bw-step-change` |'));
    assert.ok(row, 'a bw-step-change row in the events table');
    const named = [...row.split('|')[2].matchAll(/`([a-z]+)`/g)].map((m) => m[1]);
    assert.deepEqual(named.filter((n) => n !== 'step' && n !== 'previous').sort(), [...STEPS].sort());
  });

  it('says where a new step, route, locale, email and migration go', () => {
    for (const thing of ['a step of the widget', 'a route of the API', 'a locale', 'an email', 'a migration']) assert.match(readme, new RegExp(`\\| ${thing} \\|`));
  });

  it('has a widget message table for every supported locale', async () => {
    for (const lang of LOCALES) {
      const mod = (await import(`../../src/widget/i18n/${lang}.ts`)) as Record<string, unknown>;
      assert.ok(mod[lang], `src/widget/i18n/${lang}.ts exports ${lang}`);
    }
  });
});
