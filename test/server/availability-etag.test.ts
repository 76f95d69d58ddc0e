// GET /availability answers with a strong ETag (the business's generation and a digest of the
// bytes), answers a matching If-None-Match with 304 and no body, and after any write of the
// business answers 200 with a new ETag (decision 010). CORS lets a page read the ETag.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { API, SHOP, WEEKDAYS_9_TO_17, booking, idemKey, ok, shop, type Res, type Shop } from './helpers.ts';

const month = (s: Shop, extra = '') => `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-31&timezone=Europe/Berlin${extra}`;
// The publishable key, which does not expire when a test moves the clock past the session's hour.
const read = (s: Shop, headers: Record<string, string> = {}, extra = '') => s.h.req('GET', month(s, extra), { auth: s.pk, origin: SHOP, headers });

function strongTag(r: Res): string {
  const tag = r.headers.get('etag');
  assert.ok(tag, 'an ETag');
  assert.match(tag, /^"[^"]+"$/, `a strong ETag: ${tag}`);
  return tag;
}

/** The answer is 304 to its own ETag, then `write` runs, then the old ETag gets a 200 with a new one. */
async function changesTag(s: Shop, write: () => Promise<unknown>, what: string) {
  const first = await read(s);
  assert.equal(first.status, 200);
  const tag = strongTag(first);
  const again = await read(s, { 'if-none-match': tag });
  assert.equal(again.status, 304, `${what}: unchanged before the write`);
  await write();
  const after = await read(s, { 'if-none-match': tag });
  assert.equal(after.status, 200, `${what}: a write answers 200`);
  assert.notEqual(strongTag(after), tag, `${what}: a new ETag`);
  assert.ok(Array.isArray(after.body.days), `${what}: with the answer`);
}

describe('GET /availability: ETag and If-None-Match', () => {
  it('answers a repeated read with 304, no body, the same ETag, and CORS that lets the page read it', async () => {
    const s = await shop();
    const first = await read(s);
    assert.equal(first.status, 200);
    const tag = strongTag(first);
    assert.match(first.headers.get('access-control-expose-headers') ?? '', /\bETag\b/);
    assert.match(first.headers.get('cache-control') ?? '', /no-cache/);
    const second = await read(s, { 'if-none-match': tag });
    assert.equal(second.status, 304);
    assert.equal(second.body, null, 'no body');
    assert.equal(second.headers.get('etag'), tag);
    assert.equal(second.headers.get('access-control-allow-origin'), SHOP);
    assert.match(second.headers.get('access-control-expose-headers') ?? '', /\bETag\b/);
    // Weak comparison, lists and `*`, as RFC 9110 has If-None-Match.
    assert.equal((await read(s, { 'if-none-match': `W/${tag}` })).status, 304);
    assert.equal((await read(s, { 'if-none-match': `"other", ${tag}` })).status, 304);
    assert.equal((await read(s, { 'if-none-match': '*' })).status, 304);
    assert.equal((await read(s, { 'if-none-match': '"other"' })).status, 200);
    // Another range is another answer with its own tag.
    const week = await s.h.req('GET', `/availability?service_id=${s.serviceId}&from=2027-03-01&to=2027-03-07&timezone=Europe/Berlin`, { auth: s.session, origin: SHOP, headers: { 'if-none-match': tag } });
    assert.equal(week.status, 200);
  });

  it('answers a session the same ETag as the publishable key', async () => {
    const s = await shop();
    const byKey = await read(s);
    const bySession = await s.h.req('GET', month(s), { auth: s.session, origin: SHOP });
    assert.equal(bySession.headers.get('etag'), byKey.headers.get('etag'));
    assert.equal((await s.h.req('GET', month(s), { auth: s.session, origin: SHOP, headers: { 'if-none-match': strongTag(byKey) } })).status, 304);
  });

  it('sends the gzip once made with an ETag of its own, and 304 to either tag', async () => {
    const s = await shop();
    const env = { incoming: { socket: { remoteAddress: '203.0.113.7' } } };
    const get = (headers: Record<string, string>) => s.h.app.request(`${API}${month(s)}`, { headers: { authorization: `Bearer ${s.session}`, origin: SHOP, ...headers } }, env);
    const plain = await get({});
    const plainTag = plain.headers.get('etag')!;
    const plainBody = await plain.text();
    const zipped = await get({ 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    assert.match(zipped.headers.get('vary') ?? '', /Accept-Encoding/i);
    const zippedTag = zipped.headers.get('etag')!;
    assert.match(zippedTag, /^"[^"]+"$/, 'still strong');
    assert.notEqual(zippedTag, plainTag, 'another representation, another strong tag');
    assert.equal(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8'), plainBody);
    for (const tag of [plainTag, zippedTag]) {
      const r = await get({ 'accept-encoding': 'gzip', 'if-none-match': tag });
      assert.equal(r.status, 304, tag);
      assert.equal((await r.arrayBuffer()).byteLength, 0);
    }
  });

  it('answers 200 with a new ETag after every kind of write of the business', async () => {
    const s = await shop();
    const auth = { auth: s.session, origin: SHOP };
    let guest = '';
    let hold = '';
    await changesTag(s, async () => {
      const r = await s.h.req('POST', '/holds', { ...auth, body: { service_id: s.serviceId, start: '2027-03-02T09:00:00.000Z' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      guest = r.headers.get('x-guest-token')!;
      hold = r.body.hold.id;
    }, 'a hold');
    await changesTag(s, () => ok(s.h.req('DELETE', `/holds/${hold}`, { ...auth, headers: { 'x-guest-token': guest } }), 204), 'a released hold');
    let manage = '';
    let id = '';
    await changesTag(s, async () => {
      const r = await ok(s.h.req('POST', '/bookings', { ...auth, headers: { 'idempotency-key': idemKey() }, body: booking(s.serviceId, '2027-03-03T09:00:00.000Z') }), 201);
      manage = r.manage_token;
      id = r.booking.id;
    }, 'a booking');
    await changesTag(s, () => ok(s.h.req('POST', `/bookings/${id}/reschedule?token=${manage}`, { body: { start: '2027-03-04T09:00:00.000Z' } }), 200), 'a reschedule');
    await changesTag(s, () => ok(s.h.req('POST', `/bookings/${id}/cancel?token=${manage}`, { body: {} }), 200), 'a cancellation');
    await changesTag(s, () => ok(s.h.req('PUT', `/staff/${s.staffIds[0]}/schedule`, { auth: s.sk, body: { weekly: WEEKDAYS_9_TO_17, exceptions: [{ date: '2027-03-05', intervals: [] }] } }), 200), 'hours and exceptions');
    await changesTag(s, () => ok(s.h.req('PATCH', `/staff/${s.staffIds[0]}`, { auth: s.sk, body: { timezone: 'Europe/London' } }), 200), 'a staff change');
    await changesTag(s, () => ok(s.h.req('POST', '/staff', { auth: s.sk, body: { name: 'New' } }), 201), 'a new staff member');
    await changesTag(s, () => ok(s.h.req('PATCH', `/services/${s.serviceId}`, { auth: s.sk, body: { buffer_after_minutes: 15 } }), 200), 'a service change');
    await changesTag(s, () => ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book' } }), 200), 'business settings');
    await changesTag(s, () => ok(s.h.req('DELETE', `/staff/${s.staffIds[1]}`, { auth: s.sk }), 204), 'a staff member leaving');
  });

  it('answers 200 with a new ETag when time alone changed the answer, and not before', async () => {
    const s = await shop();
    const first = await read(s);
    const tag = strongTag(first);
    const earliest = Date.parse(first.body.days.flatMap((d: { slots: { start: string }[] }) => d.slots)[0].start);
    s.h.clock.now = earliest - 1; // still offered (no minimum notice)
    assert.equal((await read(s, { 'if-none-match': tag })).status, 304);
    s.h.clock.now = earliest + 1; // started: no longer offered
    const later = await read(s, { 'if-none-match': tag });
    assert.equal(later.status, 200);
    assert.notEqual(strongTag(later), tag);
  });
});
