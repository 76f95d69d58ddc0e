// Attacks on the credentials, against the real app and database: forged and altered session
// tokens, guessed keys, borrowed manage tokens. Every one is refused; none is half-accepted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignJWT, base64url } from 'jose';
import { SHOP, booking, expectError, idemKey, ok, shop, type Shop } from './helpers.ts';

const ISSUER = 'booking-api';
const AUDIENCE = 'booking-widget';
const enc = (value: unknown) => base64url.encode(JSON.stringify(value));

/** The server's own signing key, read from its database: what an attacker must not have. */
async function signingKey(s: Shop) {
  const row = await s.h.store.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
  return { kid: row.kid, secret: Buffer.from(row.secret, 'base64url') };
}

/** A token with the real claims of `s`'s session, changed as the test says and signed as it says. */
async function forge(s: Shop, o: { alg?: string; kid?: string; secret?: Uint8Array; claims?: Record<string, unknown>; iat?: number; exp?: number } = {}) {
  const real = await signingKey(s);
  const now = Math.floor(s.h.clock.now / 1000);
  const [, payload] = s.session.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...o.claims };
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: o.alg ?? 'HS256', kid: o.kid ?? real.kid, typ: 'JWT' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt(o.iat ?? now).setExpirationTime(o.exp ?? now + 3600);
  return jwt.sign(o.secret ?? real.secret);
}

const services = (s: Shop, token: string) => s.h.req('GET', '/services', { auth: token, origin: SHOP });

describe('session token attacks', () => {
  it('accepts a token forged with the real key (the control for every case below)', async () => {
    const s = await shop();
    await ok(services(s, await forge(s)), 200);
  });

  it('refuses alg "none" with 401', async () => {
    const s = await shop();
    const [, payload] = s.session.split('.');
    expectError(await services(s, `${enc({ alg: 'none', typ: 'JWT' })}.${payload}.`), 401, 'unauthorized');
    expectError(await services(s, `${enc({ alg: 'none', typ: 'JWT', kid: (await signingKey(s)).kid })}.${payload}.`), 401, 'unauthorized');
  });

  it('refuses an algorithm not on the allow-list, even signed with the real secret', async () => {
    const s = await shop();
    for (const alg of ['HS384', 'HS512']) expectError(await services(s, await forge(s, { alg })), 401, 'unauthorized');
  });

  it('refuses an unknown kid and a missing kid', async () => {
    const s = await shop();
    expectError(await services(s, await forge(s, { kid: 'sig_doesnotexist' })), 401, 'unauthorized');
    const now = Math.floor(s.h.clock.now / 1000);
    const noKid = await new SignJWT({ bid: s.businessId }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE)
      .setIssuedAt(now).setExpirationTime(now + 3600).setJti('x').sign((await signingKey(s)).secret);
    expectError(await services(s, noKid), 401, 'unauthorized');
  });

  it('refuses a token signed with another key under the real kid', async () => {
    const s = await shop();
    expectError(await services(s, await forge(s, { secret: crypto.getRandomValues(new Uint8Array(32)) })), 401, 'unauthorized');
  });

  it('refuses a modified payload (another business, another mode, another origin) under the original signature', async () => {
    const s = await shop();
    const other = await shop();
    const [header, payload, signature] = s.session.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    for (const change of [{ bid: other.businessId }, { mode: 'live' }, { origin: 'https://evil.example' }, { exp: claims.exp + 86_400 }]) {
      expectError(await services(s, `${header}.${enc({ ...claims, ...change })}.${signature}`), 401, 'unauthorized');
    }
  });

  it('refuses an expired token with 401 session_expired, and one not valid yet with 401', async () => {
    const s = await shop();
    const now = Math.floor(s.h.clock.now / 1000);
    expectError(await services(s, await forge(s, { iat: now - 7200, exp: now - 60 })), 401, 'session_expired');
    const early = await forge(s, { claims: { nbf: now + 600 } });
    expectError(await services(s, early), 401, 'unauthorized');
  });

  it('refuses tokens missing a required claim (jti) or with the wrong audience', async () => {
    const s = await shop();
    const { kid, secret } = await signingKey(s);
    const now = Math.floor(s.h.clock.now / 1000);
    const claims = JSON.parse(Buffer.from(s.session.split('.')[1], 'base64url').toString());
    delete claims.jti;
    const noJti = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(secret);
    expectError(await services(s, noJti), 401, 'unauthorized');
    const wrongAud = await new SignJWT({ ...claims, jti: 'x' }).setProtectedHeader({ alg: 'HS256', kid }).setIssuer(ISSUER).setAudience('someone-else')
      .setIssuedAt(now).setExpirationTime(now + 3600).sign(secret);
    expectError(await services(s, wrongAud), 401, 'unauthorized');
  });

  it("scopes a valid token to its own business: another business's service is not found", async () => {
    const h = (await shop()).h;
    const a = await shop(h);
    const b = await shop(h);
    const r = await h.req('POST', '/holds', { auth: b.session, origin: SHOP, body: { service_id: a.serviceId, start: '2027-03-02T09:00:00Z' } });
    expectError(r, 404, 'not_found');
    const avail = await h.req('GET', `/availability?service_id=${a.serviceId}&from=2027-03-02&to=2027-03-02&timezone=Europe/Berlin`, { auth: b.session, origin: SHOP });
    expectError(avail, 404, 'not_found');
  });
});

describe('key guessing', () => {
  it('answers a key with the right prefix and last four but a wrong middle exactly as a random key', async () => {
    const s = await shop();
    const near = s.pk.slice(0, 12) + 'A'.repeat(s.pk.length - 16) + s.pk.slice(-4);
    const random = s.pk.slice(0, 8) + 'Z'.repeat(s.pk.length - 8);
    const a = await s.h.req('POST', '/session', { auth: near, origin: SHOP });
    const b = await s.h.req('POST', '/session', { auth: random, origin: SHOP });
    expectError(a, 401, 'unauthorized');
    assert.deepEqual(a.body, b.body);
  });

  it('keeps no key in the database, only its SHA-256 digest, looked up whole (no prefix comparison to time)', async () => {
    const s = await shop();
    const rows = await s.h.store.db.selectFrom('api_keys').selectAll().execute();
    const dump = JSON.stringify(rows);
    assert.ok(!dump.includes(s.pk) && !dump.includes(s.sk));
    const digest = (key: string) => createHash('sha256').update(key).digest('base64url');
    assert.ok(rows.some((r) => r.key_hash === digest(s.pk)) && rows.some((r) => r.key_hash === digest(s.sk)));
  });
});

describe('manage token attacks', () => {
  async function twoBookings() {
    const s = await shop();
    const a = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(s.serviceId, '2027-03-02T09:00:00+01:00') }), 201);
    const b = await ok(s.h.req('POST', '/bookings', { auth: s.session, origin: SHOP, headers: { 'idempotency-key': idemKey() }, body: booking(s.serviceId, '2027-03-02T11:00:00+01:00') }), 201);
    return { s, a, b };
  }

  it("refuses another booking's token, and a guessed one, with the same 404 as a missing booking", async () => {
    const { s, a, b } = await twoBookings();
    const borrowed = await s.h.req('GET', `/bookings/${a.booking.id}?token=${b.manage_token}`);
    const guessed = await s.h.req('GET', `/bookings/${a.booking.id}?token=${'x'.repeat(b.manage_token.length)}`);
    const missing = await s.h.req('GET', `/bookings/bk_doesnotexist?token=${a.manage_token}`);
    for (const r of [borrowed, guessed, missing]) expectError(r, 404, 'not_found');
    assert.deepEqual(borrowed.body, guessed.body);
    expectError(await s.h.req('POST', `/bookings/${a.booking.id}/cancel?token=${b.manage_token}`, { body: {} }), 404, 'not_found');
    const still = await ok(s.h.req('GET', `/bookings/${a.booking.id}?token=${a.manage_token}`), 200);
    assert.equal(still.booking.status, 'confirmed');
  });

  it("refuses to reschedule a cancelled booking with its own token, and leaves it where it was", async () => {
    const { s, a } = await twoBookings();
    await ok(s.h.req('POST', `/bookings/${a.booking.id}/cancel?token=${a.manage_token}`, { body: {} }), 200);
    const r = await s.h.req('POST', `/bookings/${a.booking.id}/reschedule?token=${a.manage_token}`, { body: { start: '2027-03-03T09:00:00+01:00' } });
    expectError(r, 403, 'forbidden');
    const after = await ok(s.h.req('GET', `/bookings/${a.booking.id}?token=${a.manage_token}`), 200);
    assert.equal(after.booking.status, 'cancelled');
    assert.equal(after.booking.start, a.booking.start);
  });
});
