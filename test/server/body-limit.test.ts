// A body over the limit gets the 413 envelope over a real socket, not a connection reset: the
// server reads (and drops) a bounded amount of what the client is still sending before it answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initDb, startServerProcess, type ServerProcess } from './process.ts';

describe('request bodies over the limit, on a real socket', () => {
  let dir: string;
  let server: ServerProcess;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'booking-413-'));
    const db = join(dir, 'booking.db');
    await initDb(db, 'Body Co');
    server = await startServerProcess(db, { RATE_LIMIT_PUBLIC_PER_MINUTE: '0', RATE_LIMIT_WIDGET_PER_MINUTE: '0' });
  });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each of ten 1 MB POSTs with the 413 envelope, none with a reset', async () => {
    const body = JSON.stringify({ notes: 'x'.repeat(1024 * 1024) });
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      try {
        const r = await fetch(`${server.url}/api/v1/holds`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body });
        const answer = (await r.json()) as { error?: { code?: string } };
        outcomes.push(`${r.status} ${answer.error?.code}`);
      } catch (err) {
        outcomes.push(`reset: ${(err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`);
      }
    }
    assert.deepEqual(outcomes, Array(10).fill('413 payload_too_large'));
  });

  it('answers a chunked body (no Content-Length) over the limit with the 413 envelope too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 16) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const r = await fetch(`${server.url}/api/v1/holds`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: stream, duplex: 'half' } as RequestInit);
    assert.equal(r.status, 413);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  });
});
