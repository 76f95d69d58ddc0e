// Customer accounts' tokens (decision 012): refresh rotation with reuse detection, the grace for
// racing tabs, one rotation for many parallel refreshes, and DPoP binding of refresh tokens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { expectError, ok } from './helpers.ts';
import { accountShop, dpopKey, url } from './accounts-helpers.ts';
import { REUSE_GRACE_MS } from '../../src/server/domain/customers.ts';

const generation = async (a: Awaited<ReturnType<typeof accountShop>>, access: string) =>
  Number((await a.h.database.query<{ generation: number }>('select generation from customer_families where id = ?', [decodeJwt(access).fam]))[0].generation);

describe('refresh token rotation', () => {
  it('rotates A to B to C; presenting A again is refused and ends the family, so C is refused too', async () => {
    const a = await accountShop();
    const A = await a.signUp('ada@example.com');
    const B = await ok(a.refresh(A.refresh), 200);
    a.h.clock.now += REUSE_GRACE_MS + 1000;
    const C = await ok(a.refresh(B.refresh), 200);
    assert.notEqual(B.refresh, C.refresh);
    expectError(await a.refresh(A.refresh), 401, 'unauthorized');
    expectError(await a.refresh(C.refresh), 401, 'unauthorized');
    // The family's access tokens stop too.
    expectError(await a.h.req('GET', '/customers/me', { auth: C.access, origin: 'https://shop.example.com' }), 401, 'unauthorized');
  });

  it('answers the just-replaced token within the grace with the current pair, adding no family member', async () => {
    const a = await accountShop();
    const A = await a.signUp('ada@example.com');
    const B = await ok(a.refresh(A.refresh), 200);
    assert.equal(await generation(a, B.access), 2);
    a.h.clock.now += REUSE_GRACE_MS - 1000;
    const again = await ok(a.refresh(A.refresh), 200);
    assert.equal(again.refresh, B.refresh);
    assert.equal(again.access, B.access);
    assert.equal(await generation(a, B.access), 2);
    // B is still the current token and rotates as usual.
    await ok(a.refresh(B.refresh), 200);
  });

  it('refuses the replaced token after the grace, and ends the family', async () => {
    const a = await accountShop();
    const A = await a.signUp('ada@example.com');
    const B = await ok(a.refresh(A.refresh), 200);
    a.h.clock.now += REUSE_GRACE_MS + 1;
    expectError(await a.refresh(A.refresh), 401, 'unauthorized');
    expectError(await a.refresh(B.refresh), 401, 'unauthorized');
  });

  it('20 parallel refreshes of one token make one rotation, and every caller gets the same pair', async () => {
    const a = await accountShop();
    const A = await a.signUp('ada@example.com');
    const answers = await Promise.all(Array.from({ length: 20 }, () => a.refresh(A.refresh)));
    for (const r of answers) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(answers.map((r) => r.body.refresh)).size, 1);
    assert.equal(new Set(answers.map((r) => r.body.access)).size, 1);
    assert.notEqual(answers[0].body.refresh, A.refresh);
    assert.equal(await generation(a, A.access), 2);
    await ok(a.refresh(answers[0].body.refresh), 200);
  });

  it('signs out: the family ends, its refresh and access tokens are refused', async () => {
    const a = await accountShop();
    const A = await a.signUp('ada@example.com');
    const r = await a.post('/auth/sign-out', { refresh: A.refresh }, { key: null });
    assert.equal(r.status, 204);
    expectError(await a.refresh(A.refresh), 401, 'unauthorized');
    expectError(await a.h.req('GET', '/customers/me', { auth: A.access, origin: 'https://shop.example.com' }), 401, 'unauthorized');
  });

  it('a refresh token is not an access token, and a session token opens no customer route', async () => {
    const a = await accountShop();
    const A = await a.signUp('ada@example.com');
    expectError(await a.h.req('GET', '/customers/me', { auth: A.refresh, origin: 'https://shop.example.com' }), 401, 'unauthorized');
    expectError(await a.h.req('GET', '/customers/me', { auth: a.s.session, origin: 'https://shop.example.com' }), 401, 'unauthorized');
    const me = await ok(a.h.req('GET', '/customers/me', { auth: A.access, origin: 'https://shop.example.com' }), 200);
    assert.equal(me.email, 'ada@example.com');
  });
});

describe('DPoP binding of refresh tokens', () => {
  const setup = async () => {
    const a = await accountShop();
    const pair = await a.signUp('ada@example.com');
    return { a, pair };
  };
  /** After each refused attempt the token is still good: a refusal of the proof never ends the family. */
  const stillGood = async (a: Awaited<ReturnType<typeof accountShop>>, refresh: string) => ok(a.refresh(refresh), 200);

  it('refuses a refresh without a proof', async () => {
    const { a, pair } = await setup();
    expectError(await a.refresh(pair.refresh, { key: null }), 401, 'unauthorized');
    await stillGood(a, pair.refresh);
  });

  it('refuses a proof from another key (a copied token used elsewhere)', async () => {
    const { a, pair } = await setup();
    const thief = await dpopKey();
    expectError(await a.refresh(pair.refresh, { key: thief }), 401, 'unauthorized');
    await stillGood(a, pair.refresh);
  });

  it('refuses a replayed proof (same jti)', async () => {
    const { a, pair } = await setup();
    const proof = await a.key.proof('POST', url('/auth/refresh'), { now: a.h.clock.now });
    const first = await ok(a.refresh(pair.refresh, { proof }), 200);
    expectError(await a.refresh(first.refresh, { proof }), 401, 'unauthorized');
    await stillGood(a, first.refresh);
  });

  it('refuses a wrong htu or htm', async () => {
    const { a, pair } = await setup();
    expectError(await a.refresh(pair.refresh, { proof: await a.key.proof('POST', url('/auth/sign-in'), { now: a.h.clock.now }) }), 401, 'unauthorized');
    expectError(await a.refresh(pair.refresh, { proof: await a.key.proof('POST', 'https://evil.example/api/v1/auth/refresh', { now: a.h.clock.now }) }), 401, 'unauthorized');
    expectError(await a.refresh(pair.refresh, { proof: await a.key.proof('GET', url('/auth/refresh'), { now: a.h.clock.now }) }), 401, 'unauthorized');
    await stillGood(a, pair.refresh);
  });

  it('refuses an old (or future) iat, and a proof that is not typ dpop+jwt', async () => {
    const { a, pair } = await setup();
    const now = a.h.clock.now;
    expectError(await a.refresh(pair.refresh, { proof: await a.key.proof('POST', url('/auth/refresh'), { now, iat: Math.floor(now / 1000) - 120 }) }), 401, 'unauthorized');
    expectError(await a.refresh(pair.refresh, { proof: await a.key.proof('POST', url('/auth/refresh'), { now, iat: Math.floor(now / 1000) + 120 }) }), 401, 'unauthorized');
    expectError(await a.refresh(pair.refresh, { proof: await a.key.proof('POST', url('/auth/refresh'), { now, typ: 'JWT' }) }), 401, 'unauthorized');
    await stillGood(a, pair.refresh);
  });

  it('binds the refresh token to the key of the sign-in (cnf.jkt)', async () => {
    const { a, pair } = await setup();
    const claims = decodeJwt(pair.refresh) as { cnf?: { jkt?: string } };
    assert.match(claims.cnf?.jkt ?? '', /^[A-Za-z0-9_-]{43}$/);
    expectError(await a.post('/auth/sign-in', { email: 'ada@example.com', password: 'x' }, { key: null }), 401, 'unauthorized');
  });
});
