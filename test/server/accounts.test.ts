// Customer accounts (API.md "Customer accounts", decision 012): settings, sign-up and email
// verification, password reset, the one-time code step, enumeration, isolation, the customer's
// own routes, and bookings that belong to an account.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { SHOP, booking, expectError, idemKey, ok, shop } from './helpers.ts';
import { PASSWORD, accountShop, dpopKey, url, type AccountShop } from './accounts-helpers.ts';
import { CODE_ATTEMPTS, CODE_TTL_MS, RESET_TTL_MS, VERIFY_TTL_MS } from '../../src/server/domain/customers.ts';
import { createKey } from '../../src/server/auth/keys.ts';

const MON_10 = '2027-03-01T09:00:00Z';
const TUE_10 = '2027-03-02T09:00:00Z';
const linkIn = (text: string) => new URL(/https:\S+/.exec(text)![0]);
const me = (a: AccountShop, access: string) => a.h.req('GET', '/customers/me', { auth: access, origin: SHOP });

describe('business settings', () => {
  it('accounts are off by default: sign-up is refused; PATCH /business turns them and the code step on', async () => {
    const s = await shop();
    const biz = await ok(s.h.req('GET', '/business', { auth: s.sk }), 200);
    assert.equal(biz.accounts, 'off');
    assert.equal(biz.sign_in_code, 'off');
    const key = await dpopKey();
    const headers = { DPoP: await key.proof('POST', url('/auth/sign-up'), { now: s.h.clock.now }) };
    expectError(await s.h.req('POST', '/auth/sign-up', { auth: s.session, origin: SHOP, headers, body: { email: 'a@example.com', password: PASSWORD, name: 'A' } }), 403, 'forbidden');
    const on = await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { accounts: 'optional', sign_in_code: 'required' } }), 200);
    assert.deepEqual([on.accounts, on.sign_in_code], ['optional', 'required']);
    expectError(await s.h.req('PATCH', '/business', { auth: s.sk, body: { accounts: 'required' } }), 400, 'invalid_request');
  });
});

describe('sign-up and email verification', () => {
  it('signs up and in at once, mails a verification link to the asking page in the customer\'s language', async () => {
    const a = await accountShop();
    const pair = await a.signUp('ada@example.com', { locale: 'de', page: '/salon/book?x=1' });
    assert.equal(pair.token_type, 'Bearer');
    assert.equal(pair.expires_in, 900);
    assert.equal(pair.refresh_expires_in, 30 * 24 * 3600);
    const [mail] = await a.deliver();
    assert.equal(mail.to, 'ada@example.com');
    assert.match(mail.subject, /Bestätigen Sie Ihre E-Mail-Adresse/);
    const link = linkIn(mail.text);
    assert.equal(link.origin + link.pathname, `${SHOP}/salon/book`);
    assert.equal(link.searchParams.get('x'), '1');
    assert.match(link.searchParams.get('bw_verify') ?? '', /^ev_/);
    // Only a digest of the link's token is stored, nowhere the token itself.
    const rows = await a.h.database.query<{ hash: string }>('select hash from customer_secrets');
    assert.ok(!rows.some((r) => r.hash.includes(link.searchParams.get('bw_verify')!)));
    const outbox = await a.h.database.query<{ payload: string }>("select payload from outbox where kind like 'account_%'");
    assert.ok(!outbox.some((r) => r.payload.includes(link.searchParams.get('bw_verify')!)));
    assert.equal((await ok(me(a, pair.access), 200)).email_verified, false);
    const profile = await ok(a.post('/auth/verify-email', { token: link.searchParams.get('bw_verify') }, { auth: pair.access, key: null }), 200);
    assert.equal(profile.email_verified, true);
  });

  it('a verification link is single-use, expires, and a wrong one is refused', async () => {
    const a = await accountShop();
    const pair = await a.signUp('ada@example.com');
    const token = linkIn((await a.deliver())[0].text).searchParams.get('bw_verify')!;
    expectError(await a.post('/auth/verify-email', { token: 'ev_wrong' }, { auth: pair.access, key: null }), 400, 'invalid_request');
    await ok(a.post('/auth/verify-email', { token }, { auth: pair.access, key: null }), 200);
    expectError(await a.post('/auth/verify-email', { token }, { auth: pair.access, key: null }), 400, 'invalid_request');

    const b = await accountShop();
    const other = await b.signUp('bob@example.com');
    await ok(b.post('/auth/request-email-verification', {}, { auth: other.access, key: null }), 202);
    const mails = await b.deliver();
    const late = linkIn(mails.at(-1)!.text).searchParams.get('bw_verify')!;
    b.h.clock.now += VERIFY_TTL_MS + 1;
    await b.renew();
    // The access token has expired by then too: sign in again, then the link is refused as expired.
    const again = await ok(b.signIn('bob@example.com'), 200);
    expectError(await b.post('/auth/verify-email', { token: late }, { auth: again.access, key: null }), 400, 'invalid_request');
  });

  it('a link works only for the account it was mailed for (someone who signed up with another\'s address gains nothing)', async () => {
    const a = await accountShop();
    const squatter = await a.signUp('victim@example.com');
    const token = linkIn((await a.deliver())[0].text).searchParams.get('bw_verify')!;
    const victim = await a.signUp('victim@example.com', {}, { key: await dpopKey() });
    await a.deliver();
    expectError(await a.post('/auth/verify-email', { token }, { auth: victim.access, key: null }), 403, 'forbidden');
    expectError(await a.post('/auth/verify-email', { token }, { auth: a.s.session, key: null }), 401, 'unauthorized');
    assert.equal((await ok(me(a, squatter.access), 200)).email_verified, false);
  });

  it('signing up with an email that has an account answers the same, and mails the owner a note instead of a link', async () => {
    const a = await accountShop();
    await a.verified('ada@example.com');
    const again = await a.signUp('ada@example.com', {}, { key: await dpopKey() });
    assert.deepEqual(Object.keys(again).sort(), ['access', 'expires_in', 'refresh', 'refresh_expires_in', 'token_type']);
    const [mail] = await a.deliver();
    assert.match(mail.subject, /Your account at/);
    assert.ok(!mail.text.includes('bw_verify'));
    // The unverified duplicate sees none of the owner's bookings.
    const mine = await ok(a.h.req('GET', '/customers/me/bookings', { auth: again.access, origin: SHOP }), 200);
    assert.deepEqual(mine.data, []);
  });

  it('refuses short and common passwords with the field named', async () => {
    const a = await accountShop();
    for (const password of ['short1', 'password1234', 'QWERTYUIOP']) {
      const r = await a.post('/auth/sign-up', { email: 'a@example.com', password, name: 'A' });
      expectError(r, 400, 'invalid_request');
      assert.equal(r.body.error.fields[0].property, 'password');
    }
  });
});

describe('bookings and accounts', () => {
  it('links a guest\'s bookings with the verified email; books signed in on the account; lists them with manage tokens', async () => {
    const a = await accountShop();
    const guest = await ok(a.h.req('POST', '/bookings', { auth: a.s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(a.s.serviceId, MON_10, { customer: { name: 'Ada', email: 'ADA@example.com' } }) }), 201);
    const pair = await a.verified('ada@example.com');
    const signed = await ok(a.h.req('POST', '/bookings', { auth: pair.access, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(a.s.serviceId, TUE_10, { customer: { name: 'Ada', email: 'other@example.com' } }) }), 201);
    const mine = await ok(a.h.req('GET', '/customers/me/bookings', { auth: pair.access, origin: SHOP }), 200);
    assert.deepEqual(mine.data.map((b: { id: string }) => b.id), [guest.booking.id, signed.booking.id]);
    const token = mine.data[1].manage_token;
    await ok(a.h.req('POST', `/bookings/${signed.booking.id}/cancel?token=${token}`, { origin: SHOP, body: {} }), 200);
  });

  it('create_account on a booking signs up and books in one step; the answer adds the tokens', async () => {
    const a = await accountShop();
    const headers = { 'Idempotency-Key': idemKey(), DPoP: await a.key.proof('POST', url('/bookings'), { now: a.h.clock.now }) };
    const res = await ok(a.h.req('POST', '/bookings', { auth: a.s.session, origin: SHOP, headers, body: booking(a.s.serviceId, MON_10, { create_account: { password: PASSWORD } }) }), 201);
    assert.equal(res.tokens.token_type, 'Bearer');
    const mine = await ok(a.h.req('GET', '/customers/me/bookings', { auth: res.tokens.access, origin: SHOP }), 200);
    assert.deepEqual(mine.data.map((b: { id: string }) => b.id), [res.booking.id]);
    assert.match((await a.deliver()).map((m) => m.subject).join('|'), /Confirm your email/);
    // The password never reaches the idempotency table.
    const kept = await a.h.database.query<{ request_hash: string; response_body: string }>('select request_hash, response_body from idempotency_keys');
    assert.ok(!JSON.stringify(kept).includes(PASSWORD));
    expectError(await a.h.req('POST', '/bookings', { auth: a.s.session, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(a.s.serviceId, TUE_10, { create_account: { password: PASSWORD } }) }), 401, 'unauthorized');
  });

  it('erasing the account ends its sign-ins; its bookings stay for the merchant without the link', async () => {
    const a = await accountShop();
    const pair = await a.verified('ada@example.com');
    const b = await ok(a.h.req('POST', '/bookings', { auth: pair.access, origin: SHOP, headers: { 'Idempotency-Key': idemKey() }, body: booking(a.s.serviceId, MON_10) }), 201);
    assert.equal((await a.h.req('DELETE', '/customers/me', { auth: pair.access, origin: SHOP })).status, 204);
    expectError(await me(a, pair.access), 401, 'unauthorized');
    expectError(await a.refresh(pair.refresh), 401, 'unauthorized');
    const rows = await a.h.database.query<{ customer_id: string | null; customer_email: string }>('select customer_id, customer_email from bookings where id = ?', [b.booking.id]);
    assert.deepEqual(rows, [{ customer_id: null, customer_email: 'ada@example.com' }]);
    assert.equal((await a.h.database.query('select id from customers')).length, 0);
    expectError(await a.signIn('ada@example.com'), 401, 'unauthorized');
  });

  it('changes name and phone; changing the password signs out the other devices only', async () => {
    const a = await accountShop();
    const here = await a.verified('ada@example.com');
    const there = await ok(a.signIn('ada@example.com', { key: await dpopKey() }), 200);
    const p = await ok(a.h.req('PATCH', '/customers/me', { auth: here.access, origin: SHOP, body: { name: 'Ada King', phone: '+44 20 7946 0000' } }), 200);
    assert.deepEqual([p.name, p.phone], ['Ada King', '+44 20 7946 0000']);
    expectError(await a.post('/auth/change-password', { password: 'wrong password!', new_password: 'a new long passphrase' }, { auth: here.access, key: null }), 400, 'invalid_request');
    assert.equal((await a.post('/auth/change-password', { password: PASSWORD, new_password: 'a new long passphrase' }, { auth: here.access, key: null })).status, 204);
    await ok(me(a, here.access), 200);
    await ok(a.refresh(here.refresh), 200);
    expectError(await me(a, there.access), 401, 'unauthorized');
    expectError(await a.signIn('ada@example.com'), 401, 'unauthorized');
    await ok(a.signIn('ada@example.com', { password: 'a new long passphrase' }), 200);
  });
});

describe('password reset', () => {
  const resetLink = async (a: AccountShop, email: string) => {
    await ok(a.post('/auth/request-password-reset', { email, page: '/book' }, { key: null }), 202);
    const mails = (await a.deliver()).filter((m) => /bw_reset/.test(m.text));
    return linkIn(mails.at(-1)!.text).searchParams.get('bw_reset')!;
  };

  it('a reset signs out every device, and its link is single-use', async () => {
    const a = await accountShop();
    const one = await a.verified('ada@example.com');
    const two = await ok(a.signIn('ada@example.com', { key: await dpopKey() }), 200);
    const token = await resetLink(a, 'ada@example.com');
    assert.equal((await a.post('/auth/reset-password', { token, password: 'brand new passphrase' }, { key: null })).status, 204);
    for (const pair of [one, two]) {
      expectError(await me(a, pair.access), 401, 'unauthorized');
      expectError(await a.refresh(pair.refresh), 401, 'unauthorized');
    }
    expectError(await a.post('/auth/reset-password', { token, password: 'another passphrase x' }, { key: null }), 400, 'invalid_request');
    await ok(a.signIn('ada@example.com', { password: 'brand new passphrase' }), 200);
  });

  it('a reset link expires, a wrong one is refused, and the new password must be strong', async () => {
    const a = await accountShop();
    await a.verified('ada@example.com');
    const token = await resetLink(a, 'ada@example.com');
    expectError(await a.post('/auth/reset-password', { token: 'pr_wrong', password: 'brand new passphrase' }, { key: null }), 400, 'invalid_request');
    expectError(await a.post('/auth/reset-password', { token, password: 'password123' }, { key: null }), 400, 'invalid_request');
    a.h.clock.now += RESET_TTL_MS + 1;
    await a.renew();
    expectError(await a.post('/auth/reset-password', { token, password: 'brand new passphrase' }, { key: null }), 400, 'invalid_request');
    await ok(a.signIn('ada@example.com'), 200);
  });
});

describe('the one-time code step', () => {
  const codeFor = async (a: AccountShop) => /(\d{6})/.exec((await a.deliver()).at(-1)!.subject)![1];

  it('asks for a code after the right password, and signs in with it once', async () => {
    const a = await accountShop({ code: true });
    await a.verified('ada@example.com');
    expectError(await a.signIn('ada@example.com', { password: 'wrong password!' }), 401, 'unauthorized');
    assert.deepEqual(await ok(a.signIn('ada@example.com'), 200), { otp_required: true });
    const otp = await codeFor(a);
    const pair = await ok(a.post('/auth/otp/verify', { email: 'ada@example.com', otp }), 200);
    await ok(me(a, pair.access), 200);
    expectError(await a.post('/auth/otp/verify', { email: 'ada@example.com', otp }), 401, 'unauthorized');
  });

  it('refuses a wrong code and an expired one', async () => {
    const a = await accountShop({ code: true });
    await a.verified('ada@example.com');
    await ok(a.signIn('ada@example.com'), 200);
    const otp = await codeFor(a);
    const wrong = otp === '000000' ? '000001' : '000000';
    expectError(await a.post('/auth/otp/verify', { email: 'ada@example.com', otp: wrong }), 401, 'unauthorized');
    a.h.clock.now += CODE_TTL_MS + 1;
    expectError(await a.post('/auth/otp/verify', { email: 'ada@example.com', otp }), 401, 'unauthorized');
  });

  it(`burns the code after ${CODE_ATTEMPTS} wrong guesses`, async () => {
    const a = await accountShop({ code: true });
    await a.verified('ada@example.com');
    await ok(a.signIn('ada@example.com'), 200);
    const otp = await codeFor(a);
    const wrong = otp === '000000' ? '000001' : '000000';
    for (let i = 0; i < CODE_ATTEMPTS; i++) expectError(await a.post('/auth/otp/verify', { email: 'ada@example.com', otp: wrong }), 401, 'unauthorized');
    expectError(await a.post('/auth/otp/verify', { email: 'ada@example.com', otp }), 401, 'unauthorized');
  });

  it('the code step needs a DPoP proof as sign-in does', async () => {
    const a = await accountShop({ code: true });
    await a.verified('ada@example.com');
    await ok(a.signIn('ada@example.com'), 200);
    const otp = await codeFor(a);
    expectError(await a.post('/auth/otp/verify', { email: 'ada@example.com', otp }, { key: null }), 401, 'unauthorized');
  });
});

describe('enumeration', () => {
  const strip = (r: { status: number; body: unknown }) => ({ status: r.status, body: r.body });
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  /**
   * Times `f(known)` and `f(unknown)` interleaved, `n` times each, on this process's clock, and
   * compares the medians to each other (no wall-clock threshold): the difference must stay within
   * half the larger median. An unknown email that skipped the password hash would take a fraction
   * of a known one's time (scrypt is most of it) and fail this; noise on a loaded machine moves
   * both sides alike.
   */
  async function timings(f: (email: string) => Promise<unknown>, known: string, unknown: () => string, n = 9) {
    const k: number[] = [];
    const u: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = performance.now();
      await f(known);
      k.push(performance.now() - t);
      t = performance.now();
      await f(unknown());
      u.push(performance.now() - t);
    }
    return { known: median(k), unknown: median(u) };
  }
  const close = (t: { known: number; unknown: number }, what: string) =>
    assert.ok(Math.abs(t.known - t.unknown) <= 0.5 * Math.max(t.known, t.unknown), `${what}: median ${t.known.toFixed(1)} ms for a known email, ${t.unknown.toFixed(1)} ms for an unknown one`);

  it('sign-in answers a wrong password and an unknown email alike, in like time', async () => {
    const a = await accountShop();
    await a.verified('ada@example.com');
    const wrong = (email: string) => a.post('/auth/sign-in', { email, password: 'not the password' });
    assert.deepEqual(strip(await wrong('ada@example.com')), strip(await wrong('nobody@example.com')));
    let i = 0;
    close(await timings(wrong, 'ada@example.com', () => `nobody${i++}@example.com`), 'sign-in');
  });

  it('sign-up and reset requests answer alike for known and unknown emails, in like time', async () => {
    const a = await accountShop();
    await a.verified('ada@example.com');
    const reset = (email: string) => a.post('/auth/request-password-reset', { email }, { key: null });
    assert.deepEqual(strip(await reset('ada@example.com')), strip(await reset('nobody@example.com')));
    let i = 0;
    close(await timings(reset, 'ada@example.com', () => `nobody${i++}@example.com`), 'reset request');
    const up = (email: string) => a.post('/auth/sign-up', { email, password: PASSWORD, name: 'X' });
    const known = await up('ada@example.com');
    const fresh = await up('new@example.com');
    assert.equal(known.status, fresh.status);
    assert.deepEqual(Object.keys(known.body).sort(), Object.keys(fresh.body).sort());
    close(await timings(up, 'ada@example.com', () => `new${i++}@example.com`, 5), 'sign-up');
  });

  it('limits sign-ins per email, known or not, with the same 429', async () => {
    const a = await accountShop({ limits: { signInPerAccountPerHour: 3 } });
    await a.verified('ada@example.com');
    // Ada's sign-up took one of her three.
    for (const [email, left] of [['ada@example.com', 2], ['nobody@example.com', 3]] as const) {
      for (let i = 0; i < left; i++) expectError(await a.post('/auth/sign-in', { email, password: 'not the password' }, { ip: `198.51.100.${i + 1}` }), 401, 'unauthorized');
      expectError(await a.post('/auth/sign-in', { email, password: PASSWORD }, { ip: '198.51.100.9' }), 429, 'rate_limited');
    }
  });

  it('limits sign-ins per client IP across emails', async () => {
    const a = await accountShop({ limits: { signInPerMinute: 2 } });
    expectError(await a.post('/auth/sign-in', { email: 'x1@example.com', password: 'not the password' }), 401, 'unauthorized');
    expectError(await a.post('/auth/sign-in', { email: 'x2@example.com', password: 'not the password' }), 401, 'unauthorized');
    expectError(await a.post('/auth/sign-in', { email: 'x3@example.com', password: 'not the password' }), 429, 'rate_limited');
  });
});

describe('isolation', () => {
  it("an account of business A is unknown to business B", async () => {
    const a = await accountShop();
    await a.verified('ada@example.com');
    const b = await shop(a.h);
    await ok(a.h.req('PATCH', '/business', { auth: b.sk, body: { accounts: 'optional' } }), 200);
    const headers = { DPoP: await a.key.proof('POST', url('/auth/sign-in'), { now: a.h.clock.now }) };
    expectError(await a.h.req('POST', '/auth/sign-in', { auth: b.session, origin: SHOP, headers, body: { email: 'ada@example.com', password: PASSWORD } }), 401, 'unauthorized');
  });

  it('a test-mode account is unknown in live mode, and its tokens do not work there', async () => {
    const a = await accountShop();
    const pair = await a.verified('ada@example.com');
    const { key } = await createKey(a.h.store.db, { businessId: a.s.businessId, mode: 'live', type: 'publishable', name: 'Live', allowedOrigins: [SHOP], now: a.h.clock.now });
    const live = (await ok(a.h.req('POST', '/session', { auth: key, origin: SHOP }), 201)).session_token;
    const headers = { DPoP: await a.key.proof('POST', url('/auth/sign-in'), { now: a.h.clock.now }) };
    expectError(await a.h.req('POST', '/auth/sign-in', { auth: live, origin: SHOP, headers, body: { email: 'ada@example.com', password: PASSWORD } }), 401, 'unauthorized');
    const refresh = { DPoP: await a.key.proof('POST', url('/auth/refresh'), { now: a.h.clock.now }) };
    expectError(await a.h.req('POST', '/auth/refresh', { auth: live, origin: SHOP, headers: refresh, body: { refresh: pair.refresh } }), 401, 'unauthorized');
  });
});
