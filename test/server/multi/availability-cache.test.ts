// Decision 010 across instances: two API instances on one PostgreSQL database (two pools, two
// caches, one clock), each writing and reading in generated sequences; every answer either
// serves, kept or not, equals a fresh computation, so a write on one is seen by the other at once.
// npm run test:multi runs this file on PostgreSQL whatever TEST_DATABASE says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

process.env.TEST_DATABASE = 'postgres';
const { harness, sibling } = await import('../helpers.ts');
const { property } = await import('../availability-model.ts');

describe('kept availability answers on two instances on one PostgreSQL database', () => {
  it('equal fresh ones whichever instance wrote and whichever reads', async () => {
    const a = await harness();
    assert.equal(a.database.engine, 'postgres');
    await property('two instances on PostgreSQL', [a, await sibling(a)], Number(process.env.AVAILABILITY_RUNS ?? 60));
  });
});
