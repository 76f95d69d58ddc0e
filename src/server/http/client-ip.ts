import { isIPv4, isIPv6 } from 'node:net';
import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';
import type { Logger } from '../log.ts';

/**
 * One spelling per address, so one client is one key wherever it is counted: IPv6 as eight
 * lowercase four-digit groups (no zone), IPv4-mapped IPv6 (`::ffff:1.2.3.4`, as a dual-stack
 * socket reports IPv4 clients) as the IPv4 address. Anything that is no address is left as is.
 */
export function normalizeIp(address: string): string {
  const a = address.trim().replace(/%.*$/, '');
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return address;
  let s = a.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const [p, q, r, t] = v4.slice(1).map(Number);
    s = `${s.slice(0, v4.index)}${((p << 8) | q).toString(16)}:${((r << 8) | t).toString(16)}`;
  }
  const [left, right] = s.split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const full = groups.map((g) => g.padStart(4, '0'));
  if (full.slice(0, 6).join(':') === '0000:0000:0000:0000:0000:ffff') {
    const n = parseInt(full[6] + full[7], 16);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  return full.join(':');
}

const warned = new WeakSet<Logger>();

/**
 * The client's address. X-Forwarded-For is believed only for the number of proxy hops the
 * operator configured: each trusted proxy appends the address it saw, so the client is that
 * many entries from the right. Anything further left was written by the client and is ignored.
 * A header with fewer entries than that did not pass every proxy (or TRUST_PROXY is too high),
 * so no entry is known to be a proxy's: the leftmost may be the client's own writing. Then the
 * socket's address counts, and `log` hears of it once (it can mean a misconfiguration).
 */
export function clientIp(c: Context<AppEnv>, trustProxy: number, log?: Logger): string {
  const remote = normalizeIp(c.env?.incoming?.socket?.remoteAddress ?? 'unknown');
  if (trustProxy <= 0) return remote;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (hops.length === 0) return remote;
  if (hops.length < trustProxy) {
    if (log && !warned.has(log)) {
      warned.add(log);
      // Logged at error level (the logger has no warning level): an operator should look. Counts only, no addresses.
      log.error('X-Forwarded-For has fewer entries than TRUST_PROXY; using the socket address (logged once)', { trust_proxy: trustProxy, entries: hops.length });
    }
    return remote;
  }
  return normalizeIp(hops[hops.length - trustProxy]);
}
