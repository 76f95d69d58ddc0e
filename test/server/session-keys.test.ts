// Session tokens are verified with each signing key imported once (a WebCrypto key kept per
// `kid`), not once per request; what is kept never outlives the stored key: a key removed from
// the database (retired by another instance, or deleted by an operator) stops verifying at once
// on every instance, and new sessions are signed with a stored key again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SHOP, expectError, ok, shop, sibling } from './helpers.ts';

/** Counts WebCrypto key imports while `fn` runs (jose imports a raw HMAC secret each time it is handed one). */
async function importsDuring(fn: () => Promise<void>): Promise<number> {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>;
  let n = 0;
  subtle.importKey = ((...args: unknown[]) => {
    n++;
    return original(...args);
  }) as SubtleCrypto['importKey'];
  try {
    await fn();
  } finally {
    delete (subtle as Partial<SubtleCrypto>).importKey; // the prototype's method again
  }
  return n;
}

describe('session signing keys, kept imported', () => {
  it('verifies twenty requests of a session without importing its signing key again', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    const imports = await importsDuring(async () => {
      for (let i = 0; i < 20; i++) await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    });
    assert.equal(imports, 0);
  });

  it('a signing key removed from the database stops verifying at once on the instance that kept it and on another; new sessions work again', async () => {
    const s = await shop();
    const other = await sibling(s.h);
    const read = (h: typeof s.h, token: string) => h.req('GET', '/services', { auth: token, origin: SHOP });
    await ok(read(s.h, s.session), 200);
    await ok(read(other, s.session), 200);
    await s.h.store.db.deleteFrom('signing_keys').execute();
    expectError(await read(s.h, s.session), 401, 'unauthorized');
    expectError(await read(other, s.session), 401, 'unauthorized');
    // Asked again, it is still refused (the kept key was dropped, and the row is gone).
    expectError(await read(s.h, s.session), 401, 'unauthorized');
    for (const h of [s.h, other]) {
      const fresh = await ok(h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201);
      await ok(read(s.h, fresh.session_token), 200);
      await ok(read(other, fresh.session_token), 200);
    }
  });

  it('a token signed with a removed key stays refused even when its key is put back under another kid', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    const row = await s.h.store.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
    await s.h.store.db.deleteFrom('signing_keys').execute();
    await s.h.store.db.insertInto('signing_keys').values({ ...row, kid: `${row.kid}_again` }).execute();
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'unauthorized');
  });
});

/** Counts HMAC signature checks while `fn` runs. */
async function signatureChecksDuring(fn: () => Promise<void>): Promise<number> {
  const subtle = globalThis.crypto.subtle;
  const original = subtle.verify.bind(subtle) as (...args: unknown[]) => Promise<boolean>;
  let n = 0;
  subtle.verify = ((...args: unknown[]) => {
    n++;
    return original(...args);
  });
  try {
    await fn();
  } finally {
    delete (subtle as Partial<SubtleCrypto>).verify;
  }
  return n;
}

describe('session tokens, verified once', () => {
  it('checks a token\'s signature once, then its expiry at every request: expired at exp to the second, even when seen before', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    const checks = await signatureChecksDuring(async () => {
      for (let i = 0; i < 20; i++) await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    });
    assert.equal(checks, 0);
    const exp = (JSON.parse(Buffer.from(s.session.split('.')[1], 'base64url').toString()) as { exp: number }).exp;
    s.h.clock.now = exp * 1000 - 1;
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    s.h.clock.now = exp * 1000;
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'session_expired');
  });

  it('a token altered in any character is checked afresh and refused, though its original was seen', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    const [head, body, sig] = s.session.split('.');
    const flip = (t: string) => t.slice(0, -2) + (t.at(-2) === 'A' ? 'B' : 'A') + t.at(-1);
    for (const altered of [`${head}.${body}.${flip(sig)}`, `${head}.${flip(body)}.${sig}`, `${s.session}x`]) {
      expectError(await s.h.req('GET', '/services', { auth: altered, origin: SHOP }), 401, 'unauthorized');
    }
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
  });

  it('a revoked publishable key ends its sessions at once though their tokens were seen', async () => {
    const s = await shop();
    await ok(s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 200);
    await ok(s.h.req('DELETE', `/api-keys/${s.pkId}`, { auth: s.sk }), 200);
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 401, 'key_revoked');
  });
});
