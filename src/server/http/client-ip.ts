import type { Context } from 'hono';
import type { AppEnv } from '../context.ts';

/**
 * The client's address. X-Forwarded-For is believed only for the number of proxy hops the
 * operator configured: each trusted proxy appends the address it saw, so the client is that
 * many entries from the right. Anything further left was written by the client and is ignored.
 */
export function clientIp(c: Context<AppEnv>, trustProxy: number): string {
  const remote = c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return remote;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (hops.length === 0) return remote;
  return hops[Math.max(0, hops.length - trustProxy)];
}
