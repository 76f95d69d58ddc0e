// API throughput and latency over loopback with autocannon, against a real `booking-api serve`
// process: GET /health as the floor of the HTTP stack, then availability for a 31-day month with
// 5 staff and 500 existing bookings, the session exchange, and bookings on distinct slots.
// Each figure beside its ratio to /health measured in the same run. Run: npm run bench:api
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { DAY, OPEN_DAILY, startBenchServer } from './server.ts';
import { median, percentile, table } from './stats.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 10;

// BENCH_CPU_PROF=dir writes the server's V8 CPU profile there (open it in Chromium's DevTools, or
// summarise it with `tsx bench/profile.ts dir/*.cpuprofile`).
const profileDir = process.env.BENCH_CPU_PROF;
// BENCH_NODE_ARGS passes V8 flags to the server (README, Performance: the memory they save and cost).
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const server = await startBenchServer('UTC', [...nodeArgs, ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [])]);
try {
  // The business: 5 staff open 08:00–20:00 every day, a 30-minute service, 500 bookings.
  const staff = await Promise.all(Array.from({ length: 5 }, (_, i) => server.admin('POST', '/staff', { name: `Stylist ${i + 1}` })));
  for (const s of staff) await server.admin('PUT', `/staff/${s.id}/schedule`, { weekly: OPEN_DAILY });
  const service = await server.admin('POST', '/services', { name: 'Cut', duration_minutes: 30, slot_interval_minutes: 30, horizon_days: 400, staff_ids: staff.map((s) => s.id) });
  const pk = await server.admin('POST', '/api-keys', { name: 'bench', type: 'publishable' });
  const exchange = async () => (await (await fetch(`${server.url}/api/v1/session`, { method: 'POST', headers: { authorization: `Bearer ${pk.key}` } })).json()).session_token as string;
  const token = await exchange();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const firstDay = Math.floor(Date.now() / DAY) * DAY + 2 * DAY;
  const from = new Date(firstDay).toISOString().slice(0, 10);
  const to = new Date(firstDay + 30 * DAY).toISOString().slice(0, 10);
  // 500 bookings on distinct (staff, slot) pairs spread over the 31 days: 24 half-hours × 5 staff a day.
  const book = (start: number, staffId: string, n: number) =>
    fetch(`${server.url}/api/v1/bookings`, {
      method: 'POST', headers: { ...auth, 'idempotency-key': crypto.randomUUID() },
      body: JSON.stringify({ service_id: service.id, staff_id: staffId, start: new Date(start).toISOString(), timezone: 'UTC', customer: { name: `Guest ${n}`, email: `guest${n}@example.com` } }),
    });
  for (let batch = 0; batch < 500; batch += 20) {
    await Promise.all(Array.from({ length: 20 }, async (_, j) => {
      const n = batch + j;
      const slot = (n * 37) % (31 * 24);
      const res = await book(firstDay + Math.floor(slot / 24) * DAY + 8 * 3_600_000 + (slot % 24) * 1_800_000, staff[n % 5].id, n);
      if (res.status !== 201) throw new Error(`seeding booking ${n}: ${res.status} ${await res.text()}`);
    }));
  }

  // Bookings under load go to a sixth staff member, far in the future, one distinct slot each.
  const loadStaff = await server.admin('POST', '/staff', { name: 'Load' });
  const allDay = [['00:00', '24:00']];
  const ALL_WEEK = { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay };
  await server.admin('PUT', `/staff/${loadStaff.id}/schedule`, { weekly: ALL_WEEK });
  const loadService = await server.admin('POST', '/services', { name: 'Quick', duration_minutes: 15, slot_interval_minutes: 15, horizon_days: 700, staff_ids: [loadStaff.id] });
  let nextSlot = firstDay + 60 * DAY;

  // Each run also reads the server's CPU time, so a run on a machine others share can be judged
  // by what a request cost the server as well as by its rate.
  const cpuPerRequest = new Map<string, number>();
  const run = async (title: string, opts: Partial<autocannon.Options> & { path: string }): Promise<[string, autocannon.Result]> => {
    const cpu = server.cpuMs();
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts, url: server.url + opts.path }, (err, r) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(r)));
    });
    cpuPerRequest.set(title, ((server.cpuMs() - cpu) * 1000) / Math.max(1, result.requests.total));
    return [title, result];
  };

  // The seeding's confirmation emails go out first, so they do not share the CPU with a measurement.
  await server.outboxDrained();
  const availabilityPath = `/api/v1/availability?service_id=${service.id}&from=${from}&to=${to}&timezone=Europe/Berlin`;
  const answer = await (await fetch(server.url + availabilityPath, { headers: auth })).text();
  const slots = (JSON.parse(answer) as { days: { slots: unknown[] }[] }).days.reduce((n, d) => n + d.slots.length, 0);

  // The first read after a change: a write of the business (a hold or a booking of the other
  // service, or new hours for its staff member), then one read, timed by the server's own request
  // log (duration_ms: from the app's first middleware to its answer, the HTTP parsing and the
  // socket write aside). Then the same read again, answered from what was kept. A booking's emails
  // go out before the read, so the read does not share the process with them.
  const loadBody = () => JSON.stringify({ service_id: loadService.id, staff_id: loadStaff.id, start: new Date((nextSlot += 15 * 60_000)).toISOString(), timezone: 'UTC', customer: { name: 'Load', email: 'load@example.com' } });
  const timedRead = async (headers: Record<string, string>) => {
    const res = await fetch(server.url + availabilityPath, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`availability: ${res.status}`);
    return server.durationOf(res.headers.get('x-request-id')!);
  };
  const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers: { ...auth, ...headers }, body });
    if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  };
  const firstReads = { hold: [] as number[], booking: [] as number[], hours: [] as number[], gzip: [] as number[], repeated: [] as number[] };
  server.watchDurations(true);
  for (let i = 0; i < 30; i++) {
    await post('/holds', JSON.stringify({ service_id: loadService.id, staff_id: loadStaff.id, start: new Date((nextSlot += 15 * 60_000)).toISOString() }));
    firstReads.hold.push(await timedRead(auth));
    firstReads.repeated.push(await timedRead(auth));
    await post('/holds', JSON.stringify({ service_id: loadService.id, staff_id: loadStaff.id, start: new Date((nextSlot += 15 * 60_000)).toISOString() }));
    firstReads.gzip.push(await timedRead({ ...auth, 'accept-encoding': 'gzip, deflate, br' }));
    // New hours (a day off long past, or none): the catalog is read again too.
    await server.admin('PUT', `/staff/${loadStaff.id}/schedule`, { weekly: ALL_WEEK, exceptions: i % 2 ? [{ date: '2020-01-01', intervals: [] }] : [] });
    firstReads.hours.push(await timedRead(auth));
    if (i % 3 === 0) {
      await post('/bookings', loadBody(), { 'idempotency-key': crypto.randomUUID() });
      await server.outboxDrained();
      firstReads.booking.push(await timedRead(auth));
    }
  }
  server.watchDurations(false);
  await server.outboxDrained();
  // The same by the server's CPU time, which a machine shared with other work disturbs less than
  // the clock: N holds alone, then N holds each followed by a read, then N reads of a kept answer.
  const N = 200;
  const hold = () => post('/holds', JSON.stringify({ service_id: loadService.id, staff_id: loadStaff.id, start: new Date((nextSlot += 15 * 60_000)).toISOString() }));
  const read = async () => (await fetch(server.url + availabilityPath, { headers: auth })).arrayBuffer();
  const cpuOf = async (fn: () => Promise<unknown>) => {
    const before = server.cpuMs();
    for (let i = 0; i < N; i++) await fn();
    return server.cpuMs() - before;
  };
  const holdsAlone = await cpuOf(hold);
  const holdsAndReads = await cpuOf(async () => { await hold(); await read(); });
  const keptReads = await cpuOf(read);
  const healthReads = await cpuOf(async () => (await fetch(`${server.url}/health`)).arrayBuffer());
  const cpuFirstRead = (holdsAndReads - holdsAlone) / N;
  const cpuKeptRead = keptReads / N;
  const cpuHealth = healthReads / N;

  const results: [string, autocannon.Result][] = [];
  results.push(await run('GET /health', { path: '/health' }));
  results.push(await run(`GET /availability (31 days, 5 staff, 500 bookings)`, { path: availabilityPath, headers: auth }));
  results.push(await run(`GET /availability, gzip as a browser asks`, {
    path: availabilityPath, headers: { ...auth, 'accept-encoding': 'gzip, deflate, br' },
  }));
  // A browser asking again with the ETag it kept (the first reads above moved the generation on).
  const etag = (await fetch(server.url + availabilityPath, { headers: auth })).headers.get('etag') ?? '';
  results.push(await run(`GET /availability, If-None-Match (304)`, { path: availabilityPath, headers: { ...auth, 'if-none-match': etag } }));
  results.push(await run('POST /session', { path: '/api/v1/session', method: 'POST', headers: { authorization: `Bearer ${pk.key}` } }));
  results.push(await run('POST /bookings (distinct slots)', {
    path: '/api/v1/bookings', method: 'POST',
    requests: [{
      setupRequest: (req) => ({ ...req, headers: { ...auth, 'idempotency-key': crypto.randomUUID() }, body: loadBody() }),
    }],
  }));
  const memory = server.memoryMb();

  const health = results[0][1].requests.average;
  console.log(`API over loopback: ${CONNECTIONS} connections, ${DURATION} s each; ${cpus().length} × ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${nodeArgs.length ? `; server flags ${nodeArgs.join(' ')}` : ''}`);
  for (const [title, r] of results) if (r.non2xx) console.log(title, 'status codes:', JSON.stringify(r.statusCodeStats), '(304 is the point of the If-None-Match row)');
  table(['route', 'req/s', 'p50 ms', 'p99 ms', '× /health', 'server CPU µs/req', 'non-2xx', 'errors'], results.map(([title, r]) => [
    title, r.requests.average.toFixed(0), String(r.latency.p50), String(r.latency.p99), (r.requests.average / health).toFixed(2),
    cpuPerRequest.get(title)!.toFixed(0), String(r.non2xx), String(r.errors),
  ]));
  const avail = results[1][1];
  const ratio = avail.requests.average / health;
  console.log(`\nthe availability answer: ${slots} slots over 31 days, ${(answer.length / 1024).toFixed(0)} KB of JSON (${(gzipSync(answer).length / 1024).toFixed(1)} KB gzipped)`);
  console.log('\nserver time of one availability read (the request log\'s duration_ms):');
  table(['read', 'reads', 'median ms', 'p90 ms'], [
    ['first after a hold', firstReads.hold], ['first after a hold, gzip', firstReads.gzip], ['first after a booking', firstReads.booking],
    ['first after new hours', firstReads.hours], ['repeated (kept)', firstReads.repeated],
  ].map(([label, ms]) => [label as string, String(ms.length), median(ms as number[]).toFixed(2), percentile(ms as number[], 90).toFixed(2)]));
  console.log(`server CPU time of one request, one at a time (${N} each; a first read: holds and reads minus holds alone): first read after a hold ${cpuFirstRead.toFixed(2)} ms, repeated read (kept) ${cpuKeptRead.toFixed(2)} ms, GET /health ${cpuHealth.toFixed(2)} ms`);
  const firstRead = median(firstReads.hold);
  console.log(`\nbudget: availability ≥ 50 % of /health throughput and p99 ≤ 25 ms → ${(ratio * 100).toFixed(0)} %, p99 ${avail.latency.p99} ms: ${ratio >= 0.5 && avail.latency.p99 <= 25 ? 'OK' : 'MISSED'}`);
  console.log(`budget: the first read after a change ≤ 1.5 ms of server time → ${firstRead.toFixed(2)} ms by the request log, ${cpuFirstRead.toFixed(2)} ms of CPU: ${firstRead <= 1.5 || cpuFirstRead <= 1.5 ? 'OK' : 'MISSED'}`);
  console.log(`budget: server resident memory after the load ≤ 150 MB → ${memory.rss.toFixed(0)} MB (${memory.anon.toFixed(0)} MB anonymous, ${memory.file.toFixed(0)} MB file-backed): ${memory.rss <= 150 ? 'OK' : 'MISSED'}`);
} finally {
  await server.stop();
}
