import type { Context } from 'hono';
import { AvailabilityQuery, AvailabilityResponse, H, MAX_RANGE_DAYS } from '../../contract/index.ts';
import type { AppEnv } from '../context.ts';
import { route } from '../http/route.ts';
import { GuestToken } from '../http/headers.ts';
import { ZONE_NOTE, checked, knownZone, refuse } from '../http/inputs.ts';
import { DAY_MS, utcMidnight } from '../time.ts';
import { availabilityAnswer, cacheOf, type Answer } from '../domain/availability-cache.ts';

/** The range is a calendar range, both ends included, of at most MAX_RANGE_DAYS days. */
const Ask = checked(AvailabilityQuery, {
  timezone: `${ZONE_NOTE} The dates are calendar dates in this zone.`,
  to: `Not before from; from..to spans at most ${MAX_RANGE_DAYS} days, both included.`,
}, (q) => {
  const timezone = knownZone(q.timezone);
  const days = (utcMidnight(q.to) - utcMidnight(q.from)) / DAY_MS + 1;
  if (days < 1) refuse('to', 'Must not be before from');
  if (days > MAX_RANGE_DAYS) refuse('to', `The range may span at most ${MAX_RANGE_DAYS} days`);
  return { ...q, timezone };
});

/** Below this the app's compress layer leaves JSON alone, and so do we. */
const GZIP_THRESHOLD = 1024;

export const availabilityRoutes = [
  route({
    method: 'get', path: '/availability', auth: ['session', 'publishable'],
    summary: 'Free slots per calendar date in a time zone (session or publishable key, the same answer). '
      + 'The answer carries a strong ETag; a request whose If-None-Match names it gets 304 while nothing that could change the answer has changed.',
    headers: GuestToken, query: Ask, ok: [200, AvailabilityResponse], errors: ['not_found'],
    also: [{ status: 304, description: 'Not modified: the answer is still the one whose ETag If-None-Match named (no body)' }],
    handler: async ({ deps, principal, query, headers }, c) => send(c, await availabilityAnswer(deps, principal, query, headers[H.guestToken]), cacheOf(deps.store)),
  }),
];

/**
 * The kept bytes, gzipped when the client takes gzip (made once per answer, not per request), or
 * 304 when If-None-Match names the answer. Each representation has its own strong tag (the gzip's
 * ends in `-gz`); either one matches, as both stand for the same answer.
 */
function send(c: Context<AppEnv>, a: Answer, cache: ReturnType<typeof cacheOf>): Response {
  const gzip = a.body.length >= GZIP_THRESHOLD && acceptsGzip(c.req.header('accept-encoding'));
  const gzTag = `${a.etag.slice(0, -1)}-gz"`;
  const headers: Record<string, string> = {
    ETag: gzip ? gzTag : a.etag,
    // Browsers may keep the answer but must ask again each time, which If-None-Match makes cheap.
    'Cache-Control': 'private, no-cache',
    Vary: 'Accept-Encoding',
  };
  if (names(c.req.header('if-none-match'), a.etag, gzTag)) return c.body(null, 304, headers);
  const body = gzip ? cache.gzipped(a) : a.body;
  if (gzip) headers['Content-Encoding'] = 'gzip';
  headers['Content-Type'] = 'application/json';
  // A length also tells the compress layer that a small body is below its threshold.
  headers['Content-Length'] = String(body.length);
  return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
}

/** If-None-Match's weak comparison (RFC 9110 13.1.2): `*`, or any listed tag, W/ or not. */
function names(header: string | undefined, ...tags: string[]): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tags.includes(tag.startsWith('W/') ? tag.slice(2) : tag);
  });
}

/** Whether Accept-Encoding takes gzip: named with q > 0, or `*` with q > 0 and gzip not refused. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const accepted = q === undefined || Number(q.slice(2)) > 0;
    if (name.trim() === 'gzip' || name.trim() === 'x-gzip') return accepted;
    if (name.trim() === '*') star = accepted;
  }
  return star;
}
