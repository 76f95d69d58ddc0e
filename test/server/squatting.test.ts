// Slot squatting, tried as an attacker would at the published limits: hold every free slot of a
// business without booking, so that real customers find it fully booked. Holds are capped per
// session and per client network; a read never creates state; a real customer still books.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SHOP, booking, expectError, idemKey, ok, shop, type Shop } from './helpers.ts';
import { defaultConfig } from '../../src/server/config.ts';

const CAPS = defaultConfig.holdCaps;
const SQUATTER = '198.51.100.66';
const CUSTOMER = '192.0.2.10';
const DAY = '2027-03-02';
/** Every start of the day on the 60-minute grid of `shop()`: 09:00 to 16:00, Berlin. */
const starts = Array.from({ length: 8 }, (_, i) => `${DAY}T${String(9 + i).padStart(2, '0')}:00:00+01:00`);

const newSession = async (s: Shop, ip: string) => (await ok(s.h.req('POST', '/session', { auth: s.pk, origin: SHOP, ip }), 201)).session_token as string;
const hold = (s: Shop, session: string, ip: string, start: string, guest?: string) =>
  s.h.req('POST', '/holds', { auth: session, origin: SHOP, ip, body: { service_id: s.serviceId, start }, headers: guest ? { 'X-Guest-Token': guest } : {} });

async function freeStarts(s: Shop, session: string, ip: string): Promise<string[]> {
  const r = await ok(s.h.req('GET', `/availability?service_id=${s.serviceId}&from=${DAY}&to=${DAY}&timezone=Europe/Berlin`, { auth: session, origin: SHOP, ip }), 200);
  return r.days[0].slots.map((x: { start: string }) => x.start);
}

/** The squatter's whole attack: a fresh session and no guest token for every hold, two staff per start. */
async function squat(s: Shop, ip: string) {
  let held = 0;
  let refused = 0;
  for (const start of starts) {
    for (let staff = 0; staff < 2; staff++) {
      const r = await hold(s, await newSession(s, ip), ip, start);
      if (r.status === 201) held++;
      else {
        expectError(r, 429, 'rate_limited');
        refused++;
      }
    }
  }
  return { held, refused };
}

describe('slot squatting', () => {
  it('one session cannot hold more than its cap by dropping its guest token', async () => {
    const s = await shop();
    for (let i = 0; i < CAPS.perSession; i++) await ok(hold(s, s.session, SQUATTER, starts[i]), 201);
    const refused = await hold(s, s.session, '198.51.100.67', starts[5]);
    expectError(refused, 429, 'rate_limited');
    const retry = Number(refused.headers.get('retry-after'));
    assert.ok(retry > 0 && retry <= 600, `Retry-After ${retry} is when the first hold expires`);
  });

  it('many sessions from one address hold at most the per-network cap of one business', async () => {
    const s = await shop();
    const { held, refused } = await squat(s, SQUATTER);
    assert.equal(held, CAPS.perClientPerBusiness);
    assert.equal(refused, 16 - CAPS.perClientPerBusiness);
  });

  it('rotating addresses inside one IPv6 /64 counts as one network', async () => {
    const s = await shop();
    let held = 0;
    for (let i = 0; i < 8; i++) {
      const ip = `2001:db8:7:9::${(i + 1).toString(16)}`;
      if ((await hold(s, await newSession(s, ip), ip, starts[i])).status === 201) held++;
    }
    assert.equal(held, CAPS.perClientPerBusiness);
  });

  it('a real customer still finds free times and books while a squatter holds all it may', async () => {
    const s = await shop();
    await squat(s, SQUATTER);
    const session = await newSession(s, CUSTOMER);
    const free = await freeStarts(s, session, CUSTOMER);
    assert.ok(free.length >= starts.length - 2, `only ${free.length} starts left free`);
    const r = await hold(s, session, CUSTOMER, free[0]);
    const { hold: h } = await ok(Promise.resolve(r), 201);
    const guest = r.headers.get('x-guest-token')!;
    await ok(s.h.req('POST', '/bookings', {
      auth: session, origin: SHOP, ip: CUSTOMER, headers: { 'Idempotency-Key': idemKey(), 'X-Guest-Token': guest },
      body: booking(s.serviceId, free[0], { hold_id: h.id }),
    }), 201);
  });

  it('counts only open holds: once they expire the same network may hold again', async () => {
    const s = await shop();
    await squat(s, SQUATTER);
    s.h.clock.now += (s.h.deps.config.holdMinutes * 60 + 1) * 1000;
    await ok(hold(s, await newSession(s, SQUATTER), SQUATTER, starts[7]), 201);
  });

  it('a guest moving its one hold from time to time is never refused', async () => {
    const s = await shop();
    let guest: string | undefined;
    for (const start of [...starts, ...starts]) {
      const r = await hold(s, s.session, SQUATTER, start, guest);
      assert.equal(r.status, 201);
      guest = r.headers.get('x-guest-token')!;
    }
  });

  it('GET /guest/bookings without a known guest creates no guest and issues no token', async () => {
    const s = await shop();
    const count = async () => Number((await s.h.store.db.selectFrom('guests').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    for (let i = 0; i < 5; i++) {
      const r = await s.h.req('GET', '/guest/bookings', { auth: s.session, origin: SHOP });
      assert.deepEqual(r.body, { data: [] });
      assert.equal(r.headers.get('x-guest-token'), null);
    }
    assert.equal(await count(), before);
  });
});
