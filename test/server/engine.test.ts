import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime, Settings } from 'luxon';
import {
  availability,
  blockedRange,
  canonicalZone,
  dayStart,
  freeStaffAt,
  localDate,
  type Busy,
} from '../../src/server/scheduling/index.ts';
import {
  assertWellFormed,
  at,
  everyDay,
  hhmm,
  hhmmOffset,
  noHours,
  query,
  service,
  staffMember,
  startsOf,
} from './engine-fixtures.ts';

function weekAround(date: string): [string, string] {
  const d = DateTime.fromISO(date, { zone: 'utc' });
  return [d.minus({ days: 3 }).toISODate()!, d.plus({ days: 3 }).toISODate()!];
}

describe('slot engine: 09:00-17:00 across DST change weeks', () => {
  const cases: [string, string, string][] = [
    ['New York spring-forward', 'America/New_York', '2027-03-14'],
    ['New York fall-back', 'America/New_York', '2027-11-07'],
    ['Berlin spring-forward', 'Europe/Berlin', '2027-03-28'],
    ['Berlin fall-back', 'Europe/Berlin', '2027-10-31'],
    ["St John's spring-forward (-3:30 → -2:30)", 'America/St_Johns', '2027-03-14'],
    ["St John's fall-back", 'America/St_Johns', '2027-11-07'],
    ['Lord Howe 30-minute fall-back', 'Australia/Lord_Howe', '2027-04-04'],
    ['Lord Howe 30-minute spring-forward', 'Australia/Lord_Howe', '2027-10-03'],
  ];
  for (const [label, zone, change] of cases) {
    it(`offers the first slot at 09:00 local and the same number of slots every day of the ${label} week`, () => {
      const [from, to] = weekAround(change);
      const q = query([staffMember('a', zone, everyDay(['09:00', '17:00']))], from, to, zone);
      const days = availability(q);
      assertWellFormed(q, days);
      assert.equal(days.length, 7);
      assert.ok(days.some((d) => d.date === change));
      for (const day of days) {
        assert.equal(hhmm(day.slots[0].start, zone), '09:00', `${day.date} opens at 09:00`);
        assert.equal(hhmm(day.slots.at(-1)!.start, zone), '16:00', `${day.date} last start 16:00`);
        assert.equal(day.slots.length, 15, `${day.date} has 15 slots`);
      }
    });
  }
});

describe('slot engine: gaps and repeated hours', () => {
  const ny = 'America/New_York';
  const night = (from: string, hours: [string, string]) =>
    query([staffMember('a', ny, everyDay(hours))], from, from, ny, { service: { durationMinutes: 30 } });

  it('never offers 02:00 or 02:30 on the New York spring-forward night', () => {
    const q = night('2027-03-14', ['00:00', '06:00']);
    const [day] = availability(q);
    assertWellFormed(q, [day]);
    assert.deepEqual(startsOf(day, ny), ['00:00', '00:30', '01:00', '01:30', '03:00', '03:30', '04:00', '04:30', '05:00', '05:30']);
  });

  it('offers 01:00 and 01:30 once each, at the earlier (EDT) instant, on the New York fall-back night', () => {
    const q = night('2027-11-07', ['00:00', '04:00']);
    const [day] = availability(q);
    assertWellFormed(q, [day]);
    assert.deepEqual(
      day.slots.map((s) => hhmmOffset(s.start, ny)),
      ['00:00-04:00', '00:30-04:00', '01:00-04:00', '01:30-04:00', '02:00-05:00', '02:30-05:00', '03:00-05:00', '03:30-05:00'],
    );
  });

  it('offers the repeated half hour once, at +11:00, on the Lord Howe fall-back night', () => {
    const zone = 'Australia/Lord_Howe';
    const q = query([staffMember('a', zone, everyDay(['00:00', '03:00']))], '2027-04-04', '2027-04-04', zone, {
      service: { durationMinutes: 30 },
    });
    const [day] = availability(q);
    assert.deepEqual(
      day.slots.map((s) => hhmmOffset(s.start, zone)),
      ['00:00+11:00', '00:30+11:00', '01:00+11:00', '01:30+11:00', '02:00+10:30', '02:30+10:30'],
    );
  });

  it('resolves the repeated hour identically whatever season the real clock is in', () => {
    // luxon seeds its reading of a repeated wall time from Settings.now.
    const saved = Settings.now;
    try {
      const answers = [Date.UTC(2030, 0, 15), Date.UTC(2030, 6, 15)].map((real) => {
        Settings.now = () => real;
        return availability(night('2027-11-07', ['01:00', '03:00']));
      });
      assert.deepEqual(answers[0], answers[1]);
      assert.equal(hhmmOffset(answers[0][0].slots[0].start, ny), '01:00-04:00');
    } finally {
      Settings.now = saved;
    }
  });

  it('treats a window end inside the gap as the end of the gap', () => {
    // 00:00-02:30 on the spring-forward night ends at 03:00 EDT, so a 60-minute
    // slot at 01:00 EST (ending 03:00 EDT) fits and 01:30 does not.
    const q = query([staffMember('a', ny, everyDay(['00:00', '02:30']))], '2027-03-14', '2027-03-14', ny);
    assert.deepEqual(startsOf(availability(q)[0], ny), ['00:00', '00:30', '01:00']);
  });

  it('keeps the wall-clock grid when a window starts inside the gap', () => {
    const q = query([staffMember('a', ny, everyDay(['02:30', '06:00']))], '2027-03-14', '2027-03-14', ny, {
      service: { slotIntervalMinutes: 60 },
    });
    assert.deepEqual(startsOf(availability(q)[0], ny), ['03:30', '04:30']);
  });

  for (const [zone, date] of [
    ['America/Santiago', '2027-09-05'],
    ['America/Havana', '2027-03-14'],
    ['Asia/Beirut', '2027-03-28'],
  ] as const) {
    it(`opens at 01:00 on ${date} in ${zone}, a day whose midnight does not exist`, () => {
      const midnight = DateTime.fromISO(date, { zone });
      assert.equal(midnight.toFormat('HH:mm'), '01:00', 'premise: luxon has a 00:00 → 01:00 gap here');
      const q = query([staffMember('a', zone, everyDay(['00:00', '03:00']))], date, date, zone);
      const [day] = availability(q);
      assertWellFormed(q, [day]);
      assert.deepEqual(startsOf(day, zone), ['01:00', '01:30', '02:00']);
      assert.equal(dayStart(date, zone), midnight.toMillis());
    });
  }
});

describe('slot engine: agreement with luxon on every 2027 transition day', () => {
  // Reference reading of a wall time straight from luxon, one call per time:
  // skip it if luxon moved it (gap), else keep the earliest possible instant.
  function reference(zone: string, date: string): number[] {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const out: number[] = [];
    for (let m = 0; m < 1440; m += 30) {
      const dt = DateTime.fromObject({ year, month, day, hour: Math.floor(m / 60), minute: m % 60 }, { zone });
      if (dt.hour * 60 + dt.minute !== m || dt.day !== day) continue;
      out.push(Math.min(...dt.getPossibleOffsets().map((p) => p.toMillis())));
    }
    return out;
  }

  const zones = [
    'America/New_York', 'Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'America/Santiago',
    'America/Havana', 'Asia/Beirut', 'Africa/Casablanca', 'Pacific/Chatham', 'Antarctica/Troll', 'Europe/Dublin',
  ];
  for (const zone of zones) {
    it(`matches luxon wall time by wall time around each 2027 change in ${zone}`, () => {
      const changes: string[] = [];
      for (let d = DateTime.fromISO('2027-01-01', { zone }); d.year === 2027; d = d.plus({ days: 1 })) {
        if (d.plus({ days: 1 }).diff(d, 'hours').hours !== 24) changes.push(d.toISODate()!);
      }
      assert.ok(changes.length >= 1, 'premise: the zone changes offset in 2027');
      const staff = [staffMember('a', zone, everyDay(['00:00', '24:00']))];
      for (const change of changes) {
        const q = query(staff, DateTime.fromISO(change, { zone: 'utc' }).minus({ days: 1 }).toISODate()!, change, zone, {
          service: { durationMinutes: 30 },
        });
        const days = availability(q);
        assertWellFormed(q, days);
        for (const day of days) {
          assert.deepEqual(day.slots.map((s) => s.start), reference(zone, day.date), `${zone} ${day.date}`);
        }
      }
    });
  }
});

describe('slot engine: windows', () => {
  const zone = 'Europe/Berlin';

  it('gives a last slot at 23:00 for hours ending at 24:00', () => {
    const q = query([staffMember('a', zone, everyDay(['20:00', '24:00']))], '2027-06-07', '2027-06-08', zone, {
      service: { slotIntervalMinutes: 60 },
    });
    const days = availability(q);
    assertWellFormed(q, days);
    for (const day of days) assert.deepEqual(startsOf(day, zone), ['20:00', '21:00', '22:00', '23:00']);
  });

  it('runs an overnight shift from 22:00 to 05:00 with the small hours on the next date', () => {
    const weekly = { ...noHours(), mon: [['22:00', '06:00'] as [string, string]] };
    const q = query([staffMember('a', zone, weekly)], '2027-06-07', '2027-06-09', zone, {
      service: { slotIntervalMinutes: 60 },
    });
    const days = availability(q);
    assertWellFormed(q, days);
    assert.deepEqual(days.map((d) => [d.date, startsOf(d, zone)]), [
      ['2027-06-07', ['22:00', '23:00']],
      ['2027-06-08', ['00:00', '01:00', '02:00', '03:00', '04:00', '05:00']],
      ['2027-06-09', []],
    ]);
  });

  it('lets an exception replace the weekly hours, and [] take the day off', () => {
    const q = query(
      [
        staffMember('a', zone, everyDay(['09:00', '12:00']), [
          { date: '2027-06-08', intervals: [['14:00', '16:00']] },
          { date: '2027-06-09', intervals: [] },
        ]),
      ],
      '2027-06-07',
      '2027-06-09',
      zone,
      { service: { slotIntervalMinutes: 60 } },
    );
    assert.deepEqual(availability(q).map((d) => startsOf(d, zone)), [['09:00', '10:00', '11:00'], ['14:00', '15:00'], []]);
  });

  it('offers each start once when a day has overlapping intervals', () => {
    const q = query([staffMember('a', zone, everyDay(['09:00', '12:00'], ['11:00', '13:00']))], '2027-06-07', '2027-06-07', zone);
    const days = availability(q);
    assertWellFormed(q, days);
    assert.deepEqual(startsOf(days[0], zone), ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00']);
  });

  it('lists every date from..to, with [] where nothing is free, and nothing when to < from', () => {
    const weekly = { ...noHours(), wed: [['09:00', '10:00'] as [string, string]] };
    const days = availability(query([staffMember('a', zone, weekly)], '2027-06-07', '2027-06-13', zone));
    assert.deepEqual(days.map((d) => d.date), ['2027-06-07', '2027-06-08', '2027-06-09', '2027-06-10', '2027-06-11', '2027-06-12', '2027-06-13']);
    assert.deepEqual(days.map((d) => d.slots.length), [0, 0, 1, 0, 0, 0, 0]);
    assert.deepEqual(availability(query([staffMember('a', zone, weekly)], '2027-06-13', '2027-06-07', zone)), []);
  });
});

describe('slot engine: zones', () => {
  it('canonicalises aliases and rejects invalid names', () => {
    const cases: [string, string | null][] = [
      ['Asia/Calcutta', 'Asia/Kolkata'],
      ['US/Eastern', 'America/New_York'],
      ['Europe/Kiev', 'Europe/Kyiv'],
      ['UTC', 'UTC'],
      ['Etc/UTC', 'UTC'],
      ['America/New_York', 'America/New_York'],
      ['america/new_york', 'America/New_York'],
      ['US/Pacific-New', 'America/Los_Angeles'],
      ['', null],
      ['Mars/Base', null],
      ['+02:00', null],
      ['UTC+2', null],
      ['local', null],
    ];
    for (const [name, expected] of cases) assert.equal(canonicalZone(name), expected, JSON.stringify(name));
  });

  for (const [alias, canonical] of [
    ['US/Eastern', 'America/New_York'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
  ] as const) {
    it(`answers identically for ${alias} canonicalised and ${canonical}`, () => {
      const run = (zone: string) =>
        availability(query([staffMember('a', zone, everyDay(['09:00', '17:00']))], '2027-03-10', '2027-03-16', zone));
      const viaAlias = run(canonicalZone(alias)!);
      assert.deepEqual(viaAlias, run(canonical));
      assert.ok(viaAlias.every((d) => d.slots.length > 0));
    });
  }

  it('gives New York dates and 03:00 starts to a New York customer of Berlin staff', () => {
    const q = query([staffMember('a', 'Europe/Berlin', everyDay(['09:00', '17:00']))], '2027-06-07', '2027-06-11', 'America/New_York');
    const days = availability(q);
    assertWellFormed(q, days);
    for (const day of days) {
      assert.equal(hhmm(day.slots[0].start, 'America/New_York'), '03:00');
      assert.equal(hhmm(day.slots.at(-1)!.start, 'America/New_York'), '10:00');
      assert.equal(localDate(day.slots[0].start, 'America/New_York'), day.date);
    }
  });

  it('splits one Berlin working day across two Auckland dates', () => {
    const weekly = { ...noHours(), mon: [['09:00', '17:00'] as [string, string]] };
    const q = query([staffMember('a', 'Europe/Berlin', weekly)], '2027-06-07', '2027-06-08', 'Pacific/Auckland');
    const days = availability(q);
    assertWellFormed(q, days);
    assert.deepEqual(startsOf(days[0], 'Pacific/Auckland'), ['19:00', '19:30', '20:00', '20:30', '21:00', '21:30', '22:00', '22:30', '23:00', '23:30']);
    assert.deepEqual(startsOf(days[1], 'Pacific/Auckland'), ['00:00', '00:30', '01:00', '01:30', '02:00']);
  });

  it('reports the local date of an instant in any zone', () => {
    const instant = Date.UTC(2027, 5, 7, 23, 30);
    assert.equal(localDate(instant, 'UTC'), '2027-06-07');
    assert.equal(localDate(instant, 'Asia/Kolkata'), '2027-06-08');
    assert.equal(localDate(instant, 'America/Los_Angeles'), '2027-06-07');
    assert.equal(localDate(instant, 'Pacific/Chatham'), '2027-06-08');
  });
});

describe('slot engine: busy time, buffers, notice and horizon', () => {
  const zone = 'America/New_York';
  const morning = (busy: Busy[], rules = {}, staff = [staffMember('a', zone, everyDay(['09:00', '13:00']))]) =>
    query(staff, '2027-06-07', '2027-06-07', zone, { busy, service: rules });
  const booking = (staffId: string, from: string, to: string): Busy => ({
    staffId,
    start: at(`2027-06-07T${from}`, zone),
    end: at(`2027-06-07T${to}`, zone),
  });

  it('blocks overlapping candidates but allows back-to-back bookings without buffers', () => {
    const q = morning([booking('a', '10:00', '11:00')]);
    assert.deepEqual(startsOf(availability(q)[0], zone), ['09:00', '11:00', '11:30', '12:00']);
  });

  it('pushes candidates away by the buffers before and after', () => {
    const q = morning([booking('a', '10:00', '11:00')], { bufferBeforeMinutes: 15, bufferAfterMinutes: 15 });
    assert.deepEqual(startsOf(availability(q)[0], zone), ['11:30', '12:00']);
    // Touching the buffer edge is allowed: 08:45-09:45 busy leaves 10:00 (block from 09:45).
    const early = morning([booking('a', '08:45', '09:45')], { bufferBeforeMinutes: 15 });
    assert.equal(startsOf(availability(early)[0], zone)[0], '10:00');
  });

  it('handles unsorted, overlapping and nested busy intervals, and ignores other staff', () => {
    const q = morning([
      booking('a', '11:30', '12:00'),
      booking('a', '09:30', '10:30'),
      booking('a', '09:45', '10:00'),
      booking('b', '09:00', '13:00'),
      booking('a', '10:00', '10:45'),
    ]);
    assert.deepEqual(startsOf(availability(q)[0], zone), ['12:00']);
  });

  it('cuts candidates earlier than the minimum notice', () => {
    const q = { ...morning([], { minNoticeMinutes: 60 }), now: at('2027-06-07T09:10', zone) };
    assert.equal(startsOf(availability(q)[0], zone)[0], '10:30');
  });

  it('cuts candidates at or beyond the booking horizon but still lists those dates', () => {
    const q = query([staffMember('a', zone, everyDay(['09:00', '13:00']))], '2027-06-07', '2027-06-10', zone, {
      service: { horizonDays: 2 },
      now: at('2027-06-07T10:00', zone),
    });
    const days = availability(q);
    assert.deepEqual(days.map((d) => [d.date, d.slots.length]), [
      ['2027-06-07', 5],
      ['2027-06-08', 7],
      ['2027-06-09', 2],
      ['2027-06-10', 0],
    ]);
    assert.equal(hhmm(days[2].slots.at(-1)!.start, zone), '09:30');
  });

  it('shows a slot once with every free staff member, in input order', () => {
    const staff = [staffMember('b', zone, everyDay(['09:00', '13:00'])), staffMember('a', zone, everyDay(['10:00', '13:00']))];
    const q = morning([booking('b', '11:00', '12:00')], {}, staff);
    const days = availability(q);
    assertWellFormed(q, days);
    assert.deepEqual(
      days[0].slots.map((s) => [hhmm(s.start, zone), s.staffIds]),
      [
        ['09:00', ['b']],
        ['09:30', ['b']],
        ['10:00', ['b', 'a']],
        ['10:30', ['a']],
        ['11:00', ['a']],
        ['11:30', ['a']],
        ['12:00', ['b', 'a']],
      ],
    );
  });

  it('has freeStaffAt agree with availability, and return [] off the grid or inside the notice', () => {
    const staff = [staffMember('a', zone, everyDay(['09:00', '13:00'])), staffMember('b', 'Europe/London', everyDay(['14:00', '19:00']))];
    const q = { ...morning([booking('a', '10:00', '11:00')], { minNoticeMinutes: 30 }, staff), now: at('2027-06-07T08:45', zone) };
    const offered = new Map(availability(q)[0].slots.map((s) => [s.start, s.staffIds]));
    assert.ok(offered.size > 0);
    for (let t = at('2027-06-07T08:00', zone); t <= at('2027-06-07T14:00', zone); t += 15 * 60_000) {
      assert.deepEqual(freeStaffAt(q, t), offered.get(t) ?? [], hhmm(t, zone));
    }
    assert.deepEqual(freeStaffAt(q, at('2027-06-07T11:00', zone)), ['a', 'b']);
    assert.deepEqual(freeStaffAt(q, at('2027-06-07T09:30', zone)), ['b']);
    assert.deepEqual(freeStaffAt(q, at('2027-06-07T09:10', zone)), []);
    assert.deepEqual(freeStaffAt({ ...q, now: at('2027-06-07T09:45', zone) }, at('2027-06-07T09:30', zone)), []);
  });

  it('agrees with availability on the fall-back night, choosing the earlier 01:30', () => {
    const q = query([staffMember('a', zone, everyDay(['00:00', '04:00']))], '2027-11-07', '2027-11-07', zone);
    assert.deepEqual(freeStaffAt(q, at('2027-11-07T01:30-04:00', zone)), ['a']);
    assert.deepEqual(freeStaffAt(q, at('2027-11-07T01:30-05:00', zone)), []);
  });

  it('computes the blocked range from duration and buffers', () => {
    const start = at('2027-06-07T10:00', zone);
    const rules = service({ durationMinutes: 45, bufferBeforeMinutes: 10, bufferAfterMinutes: 5 });
    assert.deepEqual(blockedRange(rules, start), {
      start,
      end: start + 45 * 60_000,
      blockStart: start - 10 * 60_000,
      blockEnd: start + 50 * 60_000,
    });
  });
});

describe('engine: writing instants', () => {
  it('writes slot instants exactly as Date#toISOString does, and other instants through it', async () => {
    const { isoInstant } = await import('../../src/server/scheduling/index.ts');
    const samples = [0, 951_782_400_000, 1_709_164_800_000, 253_402_300_740_000, -60_000, 1_000_000_000_001, 1_700_000_000_123];
    for (let i = 0; i < 5000; i++) samples.push(Math.floor(Math.random() * 4_102_444_800_000 / 60_000) * 60_000);
    for (const ms of samples) assert.equal(isoInstant(ms), new Date(ms).toISOString(), String(ms));
  });
});
