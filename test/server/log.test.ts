// The JSON logger writes the lines of one turn of the event loop together (stdout on a pipe costs
// a system call per write), in order, errors at once, and nothing is lost when the process exits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsonLogger } from '../../src/server/log.ts';

const turn = () => new Promise<void>((r) => setImmediate(r));
const lines = (writes: string[]) => writes.join('').trim().split('\n').map((l) => JSON.parse(l) as { level: string; msg: string; n?: number });

describe('the JSON logger', () => {
  it('writes the lines of one turn in one write at its end, in order, one JSON object per line', async () => {
    const writes: string[] = [];
    const log = jsonLogger((t) => writes.push(t));
    for (let n = 0; n < 5; n++) log.info('request', { n });
    assert.equal(writes.length, 0, 'not yet');
    await turn();
    assert.equal(writes.length, 1);
    assert.deepEqual(lines(writes).map((l) => l.n), [0, 1, 2, 3, 4]);
    log.info('later', { n: 5 });
    await turn();
    assert.equal(writes.length, 2);
  });

  it('writes an error at once, after the lines that waited before it', () => {
    const writes: string[] = [];
    const log = jsonLogger((t) => writes.push(t));
    log.info('request', { n: 1 });
    log.error('unhandled error', { n: 2 });
    assert.equal(writes.length, 1);
    assert.deepEqual(lines(writes).map((l) => [l.level, l.n]), [['info', 1], ['error', 2]]);
  });

  it('writes what waits when the process exits within the turn', () => {
    const log = fileURLToPath(new URL('../../src/server/log.ts', import.meta.url));
    const script = `import { jsonLogger } from ${JSON.stringify(log)}; const l = jsonLogger(); l.info('one'); l.info('two'); process.exit(0);`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(out.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg), ['one', 'two']);
  });
});

describe('request ids', () => {
  it('are 72 random bits as 12 base64url characters, none repeated across pool refills, and each answer carries its own', async () => {
    const { pooledIds } = await import('../../src/server/auth/tokens.ts');
    const next = pooledIds(9, 16);
    const ids = Array.from({ length: 2000 }, next);
    assert.ok(ids.every((id) => /^[A-Za-z0-9_-]{12}$/.test(id)));
    assert.equal(new Set(ids).size, ids.length);
    const { harness } = await import('./helpers.ts');
    const h = await harness();
    const seen = new Set<string>();
    for (let i = 0; i < 5; i++) seen.add((await h.req('GET', '/health')).headers.get('x-request-id') ?? '');
    assert.equal(seen.size, 5);
    assert.ok([...seen].every((id) => /^[A-Za-z0-9_-]{12}$/.test(id)));
  });
});
