import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SHOP, expectError, harness, ok, shop } from './helpers.ts';

describe('rate limits', () => {
  it('refuses the 21st POST /session in a minute from one IP with 429 and Retry-After; another IP is unaffected', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 20 } }));
    // shop() already made one session from the default IP.
    for (let i = 2; i <= 20; i++) {
      const r = await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP });
      assert.equal(r.status, 201, `request ${i}`);
      assert.equal(r.headers.get('x-ratelimit-limit'), '20');
      assert.equal(r.headers.get('x-ratelimit-remaining'), String(20 - i));
    }
    const refused = await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP });
    expectError(refused, 429, 'rate_limited');
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(refused.headers.get('x-ratelimit-reset')) > Date.now() / 1000);
    assert.equal(refused.headers.get('access-control-allow-origin'), SHOP, 'the widget can read the 429 and its Retry-After');
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip: '198.51.100.9' }), 201);
  });

  it('an IPv6 client cannot escape the per-IP limit by rotating addresses within its /64', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 3 } }));
    const session = (ip: string) => s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip });
    // One /64, written three ways: each address is new, the network is not.
    for (const ip of ['2001:db8:1:2::1', '2001:DB8:1:2:0:0:0:a', '2001:db8:1:2:ffff:ffff:ffff:ffff']) await ok(session(ip), 201);
    expectError(await session('2001:0db8:0001:0002:1234::99'), 429, 'rate_limited');
    await ok(session('2001:db8:1:3::1'), 201);
  });

  it('an IPv4 client cannot double its limit by arriving IPv4-mapped, and mapped clients do not share one /64', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 2 } }));
    const session = (ip: string) => s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip });
    await ok(session('198.51.100.20'), 201);
    await ok(session('::ffff:198.51.100.20'), 201);
    expectError(await session('::FFFF:198.51.100.20'), 429, 'rate_limited');
    await ok(session('::ffff:198.51.100.21'), 201);
  });

  it('does not believe X-Forwarded-For without a trusted proxy', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 3 } }));
    for (let i = 0; i < 2; i++) await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': `10.0.0.${i}` } }), 201);
    expectError(await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': '10.9.9.9' } }), 429, 'rate_limited');
  });

  it('counts by the client address a trusted proxy appended when TRUST_PROXY is set', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 2 }, config: { trustProxy: 1 } }));
    // The proxy's own address is the socket's; the client is the last X-Forwarded-For entry.
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': 'spoofed, 192.0.2.1' } }), 201);
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': '192.0.2.1' } }), 201);
    expectError(await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': 'other, 192.0.2.1' } }), 429, 'rate_limited');
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': '192.0.2.2' } }), 201);
  });

  it('with TRUST_PROXY=2, a client that writes a one-entry X-Forwarded-For itself cannot choose the address it is limited under', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 3 }, config: { trustProxy: 2 } }));
    const logged: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
    s.h.deps.log = { info: (msg, fields) => logged.push({ level: 'info', msg, fields }), error: (msg, fields) => logged.push({ level: 'error', msg, fields }) };
    // Fewer entries than two proxies append: none of them is a proxy's, so the socket's address counts.
    // shop() made one session from this socket already.
    const spoofed = (ip: string) => s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, headers: { 'x-forwarded-for': ip } });
    await ok(spoofed('192.0.2.101'), 201);
    await ok(spoofed('192.0.2.102'), 201);
    expectError(await spoofed('192.0.2.103'), 429, 'rate_limited');
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip: '198.51.100.9', headers: { 'x-forwarded-for': '192.0.2.103' } }), 201);
    const warnings = logged.filter((l) => l.msg.includes('X-Forwarded-For'));
    assert.equal(warnings.length, 1, 'warned once, not per request');
    assert.doesNotMatch(JSON.stringify(warnings), /192\.0\.2|203\.0\.113|198\.51\.100/, 'no address in the log');
  });

  it('limits widget routes per session and reports the tightest limit', async () => {
    const s = await shop(await harness({ limits: { widgetPerMinute: 5, widgetPerHour: 1000 } }));
    for (let i = 0; i < 5; i++) {
      const r = await s.h.req('GET', '/services', { auth: s.session, origin: SHOP });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ratelimit-limit'), '5', 'the minute limit is the tighter one');
    }
    expectError(await s.h.req('GET', '/services', { auth: s.session, origin: SHOP }), 429, 'rate_limited');
    const other = await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201);
    await ok(s.h.req('GET', '/services', { auth: other.session_token, origin: SHOP }), 200);
  });

  it('bounds a burst from many sessions of one IP: sessions are capped per IP, and each session by its own limit', async () => {
    const s = await shop(await harness({ limits: { sessionPerMinute: 4, widgetPerMinute: 3, widgetPerHour: 1000 } }));
    // shop() made one session from this IP; the attacker makes as many more as it may.
    const sessions = [s.session];
    for (let i = 0; i < 10; i++) {
      const r = await s.h.req('POST', '/session', { auth: s.pk, origin: SHOP });
      if (r.status === 201) sessions.push(r.body.session_token);
      else expectError(r, 429, 'rate_limited');
    }
    assert.equal(sessions.length, 4, 'no more sessions than the per-IP cap');
    // Then fires at every session at once: no more than 3 answers each get through.
    const answers = await Promise.all(sessions.flatMap((token) => Array.from({ length: 6 }, () => s.h.req('GET', '/services', { auth: token, origin: SHOP }))));
    assert.equal(answers.filter((r) => r.status === 200).length, 4 * 3, 'sessions × the per-session limit, and not one more');
    for (const r of answers.filter((a) => a.status !== 200)) expectError(r, 429, 'rate_limited');
  });

  it('limits admin routes per secret key', async () => {
    // shop() itself makes six admin calls: two staff, two schedules, a service and a key.
    const s = await shop(await harness({ limits: { adminPerMinute: 8 } }));
    await ok(s.h.req('GET', '/staff', { auth: s.sk }), 200);
    const last = await s.h.req('GET', '/staff', { auth: s.sk });
    assert.equal(last.headers.get('x-ratelimit-remaining'), '0');
    expectError(await s.h.req('GET', '/staff', { auth: s.sk }), 429, 'rate_limited');
  });

  it('puts X-RateLimit headers on answers to unauthenticated requests too', async () => {
    const s = await shop(await harness({ limits: { publicPerMinute: 50 } }));
    for (const r of [await s.h.req('GET', '/health'), await s.h.req('GET', '/nope'), await s.h.req('GET', '/staff')]) {
      assert.equal(r.headers.get('x-ratelimit-limit'), '50');
      assert.ok(r.headers.get('x-ratelimit-remaining'));
      assert.ok(r.headers.get('x-ratelimit-reset'));
    }
  });
});

describe('rate-limit fields and where limits apply', () => {
  it('sends the IETF RateLimit-Policy and RateLimit fields beside X-RateLimit-*, for the tightest limit, readable through CORS', async () => {
    const s = await shop(await harness({ limits: { widgetPerMinute: 5, widgetPerHour: 1000 } }));
    const r = await s.h.req('GET', '/services', { auth: s.session, origin: SHOP });
    assert.equal(r.headers.get('ratelimit-policy'), '"widget";q=5;w=60');
    assert.match(r.headers.get('ratelimit') ?? '', /^"widget";r=4;t=([1-9]|[1-5]\d|60)$/);
    const exposed = r.headers.get('access-control-expose-headers')?.split(', ') ?? [];
    for (const h of ['RateLimit-Policy', 'RateLimit', 'X-RateLimit-Limit', 'Retry-After']) assert.ok(exposed.includes(h), h);
  });

  it('never limits a CORS preflight, so the page can read the 429 of the request itself', async () => {
    const s = await shop(await harness({ limits: { publicPerMinute: 2 } }));
    for (let i = 0; i < 5; i++) await s.h.req('GET', '/health', { origin: SHOP });
    expectError(await s.h.req('GET', '/health', { origin: SHOP }), 429, 'rate_limited');
    const pre = await s.h.req('OPTIONS', '/holds', { origin: SHOP, headers: { 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), SHOP);
  });

  it('counts a 401 on an admin route against its IP, with the headers, and answers 429 once the IP has spent its allowance', async () => {
    const s = await shop(await harness({ limits: { publicPerMinute: 3 } }));
    for (let i = 0; i < 3; i++) {
      const r = await s.h.req('GET', '/staff', { auth: 'sk_test_guessed0000000000000000000000', ip: '198.51.100.44' });
      expectError(r, 401, 'unauthorized');
      assert.equal(r.headers.get('x-ratelimit-remaining'), String(2 - i));
      assert.match(r.headers.get('ratelimit-policy') ?? '', /^"public";q=3;w=60$/);
    }
    expectError(await s.h.req('GET', '/staff', { auth: 'sk_test_guessed0000000000000000000000', ip: '198.51.100.44' }), 429, 'rate_limited');
  });
});
