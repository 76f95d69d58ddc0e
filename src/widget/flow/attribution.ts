import { METADATA_LIMITS } from '../../contract/limits.ts';

/**
 * Where the customer came from, as the booking's `metadata`: every `utm_*` parameter of the page's
 * URL and those the merchant names in `forward-params`, cut to the contract's bounds (keys as
 * `[a-z0-9_]{1,40}`, values of at most 500 characters, at most 20), so attribution can never be
 * the reason a booking is refused. The bounds are the contract's own constants rather than its
 * zod schema: `z.record` would add most of a kilobyte to the customer's path (decision 013).
 */
export function pageMetadata(forward: string | undefined, search: string): Record<string, string> | undefined {
  const named = new Set((forward ?? '').toLowerCase().split(/[\s,]+/));
  const out: Record<string, string> = {};
  let n = 0;
  for (const [name, value] of new URLSearchParams(search)) {
    const key = name.toLowerCase();
    if (n === METADATA_LIMITS.entries || key in out || !(key.startsWith('utm_') || named.has(key)) || !METADATA_LIMITS.keyPattern.test(key)) continue;
    out[key] = value.slice(0, METADATA_LIMITS.valueLength);
    n++;
  }
  return n ? out : undefined;
}
