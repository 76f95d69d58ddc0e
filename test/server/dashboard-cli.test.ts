import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv } from './process.ts';
import { openSqlite } from '../../src/server/index.ts';
import { verifyPassword } from '../../src/server/dashboard/passwords.ts';

const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: childEnv(), input: input ?? '' });

describe('booking-api operator', () => {
  it('should create, list and remove dashboard operators, the password from stdin stored only as a scrypt hash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-op-'));
    try {
      const db = join(dir, 'shop.db');
      const init = run(['init', '--db', db, '--name', 'Salon', '--timezone', 'Europe/Berlin', '--operator-email', 'Owner@Salon.example', '--password-stdin'], 'correct horse battery\n');
      assert.equal(init.status, 0, init.stderr);
      // init's stdout is still exactly its one JSON object.
      const out = JSON.parse(init.stdout);
      assert.deepEqual(Object.keys(out).sort(), ['business', 'secret_key']);
      const made = run(['operator', 'create', '--db', db, '--email', 'desk@salon.example', '--password-stdin'], 'another good password');
      assert.equal(made.status, 0, made.stderr);
      assert.deepEqual(JSON.parse(made.stdout).businesses, [out.business.id]);
      const listed = run(['operator', 'list', '--db', db]).stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(listed.map((o) => o.email), ['desk@salon.example', 'owner@salon.example']);
      assert.ok(listed.every((o) => !('password_hash' in o)));
      const store = await openSqlite(db);
      try {
        const row = await store.db.selectFrom('operators').selectAll().where('email', '=', 'owner@salon.example').executeTakeFirstOrThrow();
        assert.match(row.password_hash, /^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
        assert.ok(!row.password_hash.includes('correct horse'));
        assert.ok(await verifyPassword('correct horse battery', row.password_hash));
        assert.ok(!(await verifyPassword('correct horse batterY', row.password_hash)));
      } finally {
        await store.close();
      }
      assert.equal(run(['operator', 'remove', '--db', db, '--email', 'desk@salon.example']).status, 0);
      assert.equal(run(['operator', 'list', '--db', db]).stdout.trim().split('\n').length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should refuse a short password, an unknown business and a missing terminal with exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'booking-op-'));
    try {
      const db = join(dir, 'shop.db');
      assert.equal(run(['init', '--db', db, '--name', 'Salon', '--timezone', 'UTC']).status, 0);
      const short = run(['operator', 'create', '--db', db, '--email', 'a@salon.example', '--password-stdin'], 'short');
      assert.equal(short.status, 2);
      assert.match(short.stderr, /at least 10 characters/);
      const unknown = run(['operator', 'create', '--db', db, '--email', 'a@salon.example', '--business', 'biz_nope', '--password-stdin'], 'long enough password');
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /no business biz_nope/);
      const noTty = run(['operator', 'create', '--db', db, '--email', 'a@salon.example']);
      assert.equal(noTty.status, 2);
      assert.match(noTty.stderr, /--password-stdin/);
      assert.equal(run(['operator', 'list', '--db', db]).stdout.trim(), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
