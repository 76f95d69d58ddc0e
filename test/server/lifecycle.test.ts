import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import { buildDeps, createApp, openStore } from '../../src/server/index.ts';
import { defaultConfig } from '../../src/server/config.ts';
import { silentLogger } from '../../src/server/log.ts';
import { ENGINE, freshDatabase } from './database.ts';
import { initDb, startServerProcess } from './process.ts';

const OFF = { sessionPerMinute: 0, widgetPerMinute: 0, widgetPerHour: 0, adminPerMinute: 0, publicPerMinute: 0, catalogPerMinute: 0 };

describe(`readiness and shutdown (${ENGINE})`, () => {
  it('answers GET /ready 200 while the database answers, 503 (not 500) once it does not, and /health stays 200', async () => {
    const database = await freshDatabase();
    try {
      const store = await openStore({ databaseUrl: database.url, sqlitePath: database.path });
      const app = createApp(await buildDeps(store, { config: { ...defaultConfig, limits: OFF }, log: silentLogger }));
      const ready = await app.request('http://api.test/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ready' });
      await store.close();
      const down = await app.request('http://api.test/ready');
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), { status: 'unavailable' });
      assert.equal((await app.request('http://api.test/health')).status, 200);
    } finally {
      await database.drop();
    }
  });

  it('on SIGTERM finishes a request already in flight, then exits 0', async () => {
    const database = await freshDatabase();
    const { secret_key: sk } = await initDb(database.path, 'Drain Co', 'UTC', database.env);
    const server = await startServerProcess(database.path, database.env);
    try {
      assert.equal((await fetch(`${server.url}/ready`)).status, 200);
      // A request whose body is still arriving when the signal comes: in flight, not yet answered.
      const body = JSON.stringify({ name: 'Late Larry' });
      const url = new URL(`${server.url}/api/v1/staff`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: {
        authorization: `Bearer ${sk}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)),
      } });
      const answered = once(req, 'response');
      req.write(body.slice(0, 5));
      // Time for the server to read the headers: until it has, the connection counts as idle and
      // the drain would rightly close it (a second is ample even on a loaded machine).
      await new Promise((r) => setTimeout(r, 1000));
      const exited = once(server.child, 'exit');
      server.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server.child.exitCode, null, 'still draining while a request is in flight');
      req.end(body.slice(5));
      const [res] = (await answered) as [import('node:http').IncomingMessage];
      let text = '';
      for await (const chunk of res) text += chunk;
      assert.equal(res.statusCode, 201, text);
      const [code] = await exited;
      assert.equal(code, 0);
      const rows = await database.query<{ name: string }>('select name from staff');
      assert.deepEqual(rows.map((r) => r.name), ['Late Larry']);
      await assert.rejects(fetch(`${server.url}/health`), 'no longer accepting');
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});
