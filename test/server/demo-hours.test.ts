// The demo shop page's opening hours are the seeded stylists' hours taken together: a customer
// who reads "until 19:00" must not find a 19:00 appointment in the widget (issue 15).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DEMO_STAFF } from '../../src/cli/demo.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const clock = (t: string) => t.replace(/^0/, '');

describe('the demo shop page', () => {
  it("states opening hours that match the seeded staff hours, day by day", () => {
    const page = readFileSync(new URL('../../demo/index.html', import.meta.url), 'utf8');
    const table = /<table class="hours">([^]*?)<\/table>/.exec(page)![1];
    const stated = new Map<string, string>();
    for (const [, days, hours] of table.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><\/tr>/g)) {
      const [from, to = from] = days.split(' – ').map((d) => NAMES.indexOf(d.trim()));
      assert.ok(from >= 0 && to >= from, days);
      for (let d = from; d <= to; d++) stated.set(DAYS[d], hours.trim());
    }
    for (const day of DAYS) {
      const intervals = Object.values(DEMO_STAFF).flatMap((s) => s.weekly[day]);
      const open = intervals.length ? `${clock(intervals.map((i) => i[0]).sort()[0])} – ${clock(intervals.map((i) => i[1]).sort().at(-1)!)}` : 'closed';
      assert.equal(stated.get(day), open, day);
    }
  });
});
