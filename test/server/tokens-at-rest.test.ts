// Secrets at rest, tried as someone holding a copy of the database (a backup) would: look for a
// token that cancels a booking or forges a session. The database keeps digests, not tokens; an
// idempotency key reused by a stranger hands out nothing; retired signing keys are gone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { SHOP, booking, idemKey, ok, shop, type Shop } from './helpers.ts';
import { notifier } from '../../src/server/notify/worker.ts';
import { ROTATE_AFTER_MS } from '../../src/server/auth/sessions.ts';
import { migrationsFor } from '../../src/server/store/migrations.ts';
import { ENGINE } from './database.ts';

const TOKEN = /\b(mt|gt)_[A-Za-z0-9_-]{16,}/g;

/** Every token-shaped string in the tables a backup would carry. */
async function tokensAtRest(s: Shop): Promise<string[]> {
  const { db } = s.h.store;
  const tables = await Promise.all([
    db.selectFrom('outbox').selectAll().execute(), db.selectFrom('idempotency_keys').selectAll().execute(),
    db.selectFrom('delivery_attempts').selectAll().execute(), db.selectFrom('bookings').selectAll().execute(),
    db.selectFrom('guests').selectAll().execute(), db.selectFrom('holds').selectAll().execute(),
  ]);
  return JSON.stringify(tables).match(TOKEN) ?? [];
}

const post = (s: Shop, session: string, key: string, start: string, guest?: string) => s.h.req('POST', '/bookings', {
  auth: session, origin: SHOP, headers: { 'Idempotency-Key': key, ...(guest ? { 'X-Guest-Token': guest } : {}) }, body: booking(s.serviceId, start),
});

describe('tokens at rest', () => {
  it('a database copy holds no manage or guest token: not in the outbox, the mails, the reminder or the idempotency answers', async () => {
    const s = await shop();
    await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book', notification_email: 'owner@example.com' } }), 200);
    const made = await ok(post(s, s.session, idemKey(), '2027-03-04T09:00:00Z'), 201);
    await ok(s.h.req('POST', `/bookings/${made.booking.id}/reschedule?token=${made.manage_token}`, { body: { start: '2027-03-04T11:00:00Z' } }), 200);
    const mailDir = mkdtempSync(join(tmpdir(), 'booking-mail-'));
    await notifier(s.h.deps, { mailDir }).tick();
    const found = await tokensAtRest(s);
    assert.deepEqual(found, [], 'tokens stored in the clear');
    // The reminder, still waiting, will get its link when it is sent.
    const reminder = await s.h.store.db.selectFrom('outbox').select('payload').where('kind', '=', 'reminder').where('status', '=', 'pending').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(reminder.payload).manage, true);
  });

  it("keeps the customer's manage link out of the merchant's notice", async () => {
    const s = await shop();
    await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book', notification_email: 'owner@example.com' } }), 200);
    await ok(post(s, s.session, idemKey(), '2027-03-04T09:00:00Z'), 201);
    const notice = await s.h.store.db.selectFrom('outbox').select('payload').where('kind', '=', 'merchant_new').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(notice.payload).manage, false);
    assert.doesNotMatch(notice.payload, /token=/);
  });
});

describe('idempotency keys of strangers', () => {
  it("a stranger who reuses a guest's key with the same body gets none of the guest's tokens", async () => {
    const s = await shop(undefined, { staff: 1 });
    const key = idemKey();
    const hold = await s.h.req('POST', '/holds', { auth: s.session, origin: SHOP, body: { service_id: s.serviceId, start: '2027-03-04T09:00:00Z' } });
    const guest = hold.headers.get('x-guest-token')!;
    const first = await ok(post(s, s.session, key, '2027-03-04T09:00:00Z', guest), 201);
    const stranger = (await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip: '198.51.100.9' }), 201)).session_token;
    const stolen = await post(s, stranger, key, '2027-03-04T09:00:00Z');
    assert.notEqual(stolen.status, 201, 'the stranger was answered with the first booking');
    assert.equal(stolen.body.error.code, 'slot_taken', 'the stranger\'s request is a request of its own');
    assert.equal(JSON.stringify(stolen.body).includes(first.booking.id), false);
    assert.equal(stolen.headers.get('x-guest-token'), null);
  });

  it('a different body under a reused key does not tell a stranger that the key exists', async () => {
    const s = await shop();
    const key = idemKey();
    await ok(post(s, s.session, key, '2027-03-04T09:00:00Z'), 201);
    const stranger = (await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip: '198.51.100.9' }), 201)).session_token;
    await ok(post(s, stranger, key, '2027-03-04T12:00:00Z'), 201);
  });
});

describe('retired signing keys', () => {
  it('a session-signing key from an old backup cannot forge a session once no token it signed can live', async () => {
    const s = await shop();
    const old = await s.h.store.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
    // The key is replaced after its time, and retired once the last token it signed has expired.
    s.h.clock.now += ROTATE_AFTER_MS + 1000;
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201);
    s.h.clock.now += 27 * 3600_000;
    await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP }), 201);
    const kids = (await s.h.store.db.selectFrom('signing_keys').select('kid').execute()).map((r) => r.kid);
    assert.ok(!kids.includes(old.kid), 'the retired key is still stored');
    const now = Math.floor(s.h.clock.now / 1000);
    const forged = await new SignJWT({ bid: s.businessId, kid_api: s.pkId, mode: 'test', origin: SHOP })
      .setProtectedHeader({ alg: 'HS256', kid: old.kid, typ: 'JWT' }).setIssuer('booking-api').setAudience('booking-widget')
      .setIssuedAt(now).setExpirationTime(now + 3600).setJti('forged').sign(Buffer.from(old.secret, 'base64url'));
    const r = await s.h.req('GET', '/services', { auth: forged, origin: SHOP });
    assert.equal(r.status, 401);
  });
});

describe('migrating a database that held tokens', () => {
  it('0006 strips the manage links from stored mails and the tokens from stored answers, and may run again', async () => {
    const s = await shop();
    await ok(s.h.req('PATCH', '/business', { auth: s.sk, body: { booking_page_url: 'https://shop.example.com/book', notification_email: 'owner@example.com' } }), 200);
    await ok(post(s, s.session, idemKey(), '2027-03-04T09:00:00Z'), 201);
    const { db } = s.h.store;
    // The rows as the code before 0006 wrote them.
    for (const m of await db.selectFrom('outbox').select(['id', 'payload']).where('channel', '=', 'email').execute()) {
      const { manage: _m, ...rest } = JSON.parse(m.payload) as Record<string, unknown>;
      await db.updateTable('outbox').set({ payload: JSON.stringify({ ...rest, manage_url: 'https://shop.example.com/book?booking=bk_1&token=mt_legacylegacylegacylegacy' }) }).where('id', '=', m.id).execute();
    }
    await db.updateTable('idempotency_keys').set({ response_body: JSON.stringify({ booking: { id: 'bk_1' }, manage_token: 'mt_legacylegacylegacylegacy' }), response_headers: JSON.stringify({ 'X-Guest-Token': 'gt_legacylegacylegacylegacy' }) }).execute();
    assert.notDeepEqual(await tokensAtRest(s), []);
    const migration = (await migrationsFor(ENGINE).getMigrations())['0006_no_tokens_at_rest'];
    await migration.up(db);
    await migration.up(db);
    assert.deepEqual(await tokensAtRest(s), []);
    const kinds = Object.fromEntries((await db.selectFrom('outbox').select(['kind', 'payload']).where('channel', '=', 'email').execute()).map((m) => [m.kind, JSON.parse(m.payload).manage]));
    assert.equal(kinds.confirmation, true);
    assert.equal(kinds.merchant_new, false);
  });
});
