import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CompiledQuery } from 'kysely';
import type { Deps } from '../context.ts';
import { hashToken } from '../auth/tokens.ts';
import { notFound } from '../http/errors.ts';
import { BusyIndex, freeStarts, type Busy, type FreeStarts, type ServiceRules, type StaffHours } from '../scheduling/index.ts';
import type { Store, Tx } from '../store/db.ts';
import { DAY_MS, iso, utcMidnight } from '../time.ts';
import type { AvailabilityAsk } from './availability.ts';
import { getService, hoursOf, rulesOf, staffOfServices, type Scope } from './catalog.ts';
import { busySnapshot, type BusySnapshot } from './slots.ts';

// Availability answers kept while nothing that could change them has changed (decision 010).
// An answer is reused only when all of these hold:
// - its business's generation in the database is the one it was computed at: triggers bump it
//   in the transaction of every write to bookings, holds, services, service_staff, staff or the
//   business (migration 0007), and every read asks the database for it first, so a write from any
//   instance (or the CLI) counts on every instance the moment it commits;
// - the clock is in [computed at, valid until): `validUntil` is the first instant at which time
//   alone could change the answer (the earliest offered start leaving the minimum notice, the
//   next start the rolling horizon lets in, the first expiry of a hold in the range);
// - the asking guest holds none of the range's holds; a guest who does gets an answer of its own
//   (its hold does not hide its slot from it), kept under its guest id beside the shared one.
// The answer is kept as the bytes sent (and gzipped once, when first asked for so), with a strong
// ETag made of the generation and a digest of those bytes.

/** One answer as sent: the JSON body, its strong ETag and, once asked for, its gzip. */
export interface Answer {
  generation: number;
  computedAt: number;
  validUntil: number;
  body: Buffer;
  etag: string;
  gzip?: Buffer | undefined;
  /** The range's hold owners (token digest → guest id), on the shared answer only. */
  holders: Map<string, string>;
  bytes: number;
}

interface Catalog {
  catalogGeneration: number;
  service: { id: string; rules: ServiceRules };
  staff: StaffHours[];
}

export interface CacheOptions {
  /** Bound on the bytes of kept answers (bodies, their gzip, keys); least recently used go first. */
  maxBytes?: number;
  /** Services (with their staff's hours) kept, least recently used going first. */
  maxCatalogs?: number;
  gzipLevel?: number;
}

export const CACHE_DEFAULTS = { maxBytes: 16 * 2 ** 20, maxCatalogs: 2000, gzipLevel: 6 };

/** Per-answer bookkeeping beyond its bytes: the entry, its key, the holders map. */
const ENTRY_OVERHEAD = 400;

export class AvailabilityCache {
  readonly answers = new Map<string, Answer>();
  private readonly catalogs = new Map<string, Catalog>();
  private bytes = 0;
  private readonly inFlight = new Map<string, { generation: number; answer: Promise<Answer> }>();
  readonly stats = { hits: 0, misses: 0, shared: 0, evictions: 0 };
  readonly options: Required<CacheOptions>;

  constructor(options: CacheOptions = {}) {
    this.options = { ...CACHE_DEFAULTS, ...options };
  }

  get size() {
    return { answers: this.answers.size, bytes: this.bytes, catalogs: this.catalogs.size };
  }

  /** The kept answer for `key` if it is still the answer at `generation` and `now`; it becomes the most recent. */
  fresh(key: string, generation: number, now: number): Answer | undefined {
    const a = this.answers.get(key);
    if (!a) return undefined;
    if (a.generation !== generation || now < a.computedAt || now >= a.validUntil) {
      this.drop(key, a);
      return undefined;
    }
    this.answers.delete(key);
    this.answers.set(key, a);
    return a;
  }

  /**
   * The kept answer for `key`, else the one being computed for it at this generation when it holds
   * at `now` too (readers arriving together after a write share one computation), else `make()`'s,
   * which is kept.
   */
  async answer(key: string, generation: number, now: number, make: () => Promise<Answer>): Promise<Answer> {
    const kept = this.fresh(key, generation, now);
    if (kept) {
      this.stats.hits++;
      return kept;
    }
    const flight = this.inFlight.get(key);
    if (flight?.generation === generation) {
      const a = await flight.answer.catch(() => undefined);
      if (a && now >= a.computedAt && now < a.validUntil) {
        this.stats.shared++;
        return a;
      }
    }
    this.stats.misses++;
    const answer = make();
    this.inFlight.set(key, { generation, answer });
    try {
      const a = await answer;
      this.keep(key, a);
      return a;
    } finally {
      if (this.inFlight.get(key)?.answer === answer) this.inFlight.delete(key);
    }
  }

  keep(key: string, a: Answer) {
    const old = this.answers.get(key);
    // A slower computation of an older generation does not replace a newer answer.
    if (old && old.generation > a.generation) return;
    if (old) this.drop(key, old);
    a.bytes = a.body.length + key.length * 2 + ENTRY_OVERHEAD + a.holders.size * 120;
    if (a.bytes > this.options.maxBytes) return;
    this.answers.set(key, a);
    this.bytes += a.bytes;
    this.evict();
  }

  /** The answer's body gzipped, made once and kept with it. */
  gzipped(a: Answer): Buffer {
    if (!a.gzip) {
      a.gzip = gzipSync(a.body, { level: this.options.gzipLevel });
      a.bytes += a.gzip.length;
      this.bytes += a.gzip.length;
      this.evict();
    }
    return a.gzip;
  }

  catalog(key: string, catalogGeneration: number): Catalog | undefined {
    const c = this.catalogs.get(key);
    if (!c) return undefined;
    this.catalogs.delete(key);
    if (c.catalogGeneration !== catalogGeneration) return undefined;
    this.catalogs.set(key, c);
    return c;
  }

  keepCatalog(key: string, c: Catalog) {
    this.catalogs.delete(key);
    this.catalogs.set(key, c);
    while (this.catalogs.size > this.options.maxCatalogs) this.catalogs.delete(this.catalogs.keys().next().value!);
  }

  private drop(key: string, a: Answer) {
    this.answers.delete(key);
    this.bytes -= a.bytes;
  }

  private evict() {
    while (this.bytes > this.options.maxBytes && this.answers.size > 0) {
      const [key, a] = this.answers.entries().next().value!;
      this.drop(key, a);
      this.stats.evictions++;
    }
  }
}

/** One cache per store: an API instance has one store, and so do the tests' siblings each. */
const caches = new WeakMap<Store, AvailabilityCache>();
export function cacheOf(store: Store): AvailabilityCache {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new AvailabilityCache()));
  return cache;
}

/** The generations query, compiled once per database (every availability request runs it). */
const generationsSql = new WeakMap<Tx, string>();

/** The business's generations as the database has them now (0 before its first write). */
export async function generationsOf(db: Tx, businessId: string): Promise<{ generation: number; catalog: number }> {
  let text = generationsSql.get(db);
  if (text === undefined) {
    text = db.selectFrom('availability_generations').select(['generation', 'catalog_generation']).where('business_id', '=', '').compile().sql;
    generationsSql.set(db, text);
  }
  const { rows } = await db.executeQuery<{ generation: number | string; catalog_generation: number | string }>(CompiledQuery.raw(text, [businessId]));
  return { generation: Number(rows[0]?.generation ?? 0), catalog: Number(rows[0]?.catalog_generation ?? 0) };
}

/**
 * The availability answer for this ask, guest and moment: the kept one while it is still the
 * answer, else computed afresh (and kept). The same bytes as `JSON.stringify(availabilityOf(…))`.
 */
export async function availabilityAnswer(deps: Deps, scope: Scope, q: AvailabilityAsk, guestToken: string | undefined, cache = cacheOf(deps.store)): Promise<Answer> {
  const now = deps.now();
  // Read before anything the answer is made of: data newer than its label only costs a recompute.
  const gens = await generationsOf(deps.store.db, scope.businessId);
  const key = `${scope.businessId}\n${scope.mode}\n${q.service_id}\n${q.staff_id ?? ''}\n${q.from}\n${q.to}\n${q.timezone}`;
  const shared = await cache.answer(key, gens.generation, now, () => compute(deps, cache, scope, q, gens, now, undefined));
  // As findGuest: a token of another business, or none at all, excludes nothing.
  const guestId = guestToken && guestToken.length <= 200 && shared.holders.size > 0 ? shared.holders.get(hashToken(guestToken)) : undefined;
  if (!guestId) return shared;
  return cache.answer(`${key}\n${guestId}`, gens.generation, now, () => compute(deps, cache, scope, q, gens, now, guestId));
}

async function catalogOf(db: Tx, cache: AvailabilityCache, scope: Scope, serviceId: string, catalogGeneration: number): Promise<Catalog> {
  const key = `${scope.businessId}\n${scope.mode}\n${serviceId}`;
  const kept = cache.catalog(key, catalogGeneration);
  if (kept) return kept;
  const service = await getService(db, scope, serviceId, { activeOnly: true });
  const staff = (await staffOfServices(db, [service.id])).get(service.id)!;
  const catalog = { catalogGeneration, service: { id: service.id, rules: rulesOf(service) }, staff: staff.map(hoursOf) };
  cache.keepCatalog(key, catalog);
  return catalog;
}

async function compute(
  deps: Deps, cache: AvailabilityCache, scope: Scope, q: AvailabilityAsk, gens: { generation: number; catalog: number }, now: number, guestId: string | undefined,
): Promise<Answer> {
  const db = deps.store.db;
  const catalog = await catalogOf(db, cache, scope, q.service_id, gens.catalog);
  let staff = catalog.staff;
  if (q.staff_id) {
    staff = staff.filter((s) => s.id === q.staff_id);
    if (staff.length === 0) throw notFound('Staff member for this service');
  }
  // The same range as availabilityOf: calendar dates in any zone lie within a day of the same UTC
  // dates, and two days either side also cover buffers.
  const snapshot = await busySnapshot(db, deps.store.dialect, staff.map((s) => s.id), utcMidnight(q.from) - 2 * DAY_MS, utcMidnight(q.to) + 3 * DAY_MS, now);
  const found = freeStarts({
    service: catalog.service.rules, staff, busy: [], busyIndex: busyIndex(snapshot, guestId), from: q.from, to: q.to, timezone: q.timezone, now,
  });
  let validUntil = found.validUntil;
  for (const h of snapshot.holds) validUntil = Math.min(validUntil, h.expires);
  const body = Buffer.from(serialise(catalog.service.id, q.timezone, found, catalog.service.rules.durationMinutes * 60_000));
  const digest = createHash('sha1').update(body).digest('base64url').slice(0, 22);
  return {
    generation: gens.generation, computedAt: now, validUntil, body, etag: `"${gens.generation}-${digest}"`, bytes: 0,
    holders: new Map(guestId ? [] : snapshot.holds.map((h) => [h.tokenHash, h.guestId] as const)),
  };
}

/** Per staff member, the bookings' runs and the holds but the guest's own. */
function busyIndex(snapshot: BusySnapshot, guestId: string | undefined): Map<string, BusyIndex> {
  const index = new Map<string, BusyIndex>();
  const held = new Map<string, Busy[]>();
  for (const h of snapshot.holds) {
    if (h.guestId === guestId) continue;
    const list = held.get(h.staffId);
    if (list) list.push(h);
    else held.set(h.staffId, [h]);
  }
  for (const [staffId, { starts, ends }] of snapshot.bookings) {
    const holds = held.get(staffId);
    index.set(staffId, holds ? new BusyIndex([...starts.map((start, i) => ({ start, end: ends[i] })), ...holds]) : BusyIndex.of(starts, ends));
  }
  for (const [staffId, holds] of held) if (!snapshot.bookings.has(staffId)) index.set(staffId, new BusyIndex(holds));
  return index;
}

/** `JSON.stringify` of availabilityOf()'s answer, written directly: same keys, same order. */
function serialise(serviceId: string, timezone: string, found: FreeStarts, durationMs: number): string {
  let out = `{"service_id":${JSON.stringify(serviceId)},"timezone":${JSON.stringify(timezone)},"days":[`;
  let i = 0;
  for (let d = 0; d < found.dates.length; d++) {
    out += `${d ? ',' : ''}{"date":"${found.dates[d]}","slots":[`;
    for (const first = i, end = found.dayEnds[d]; i < end; i++) {
      const start = found.starts[i];
      out += `${i > first ? ',' : ''}{"start":"${iso(start)}","end":"${iso(start + durationMs)}"}`;
    }
    out += ']}';
  }
  return `${out}]}`;
}
